import Foundation

/// A straight piece of a contour line, in data coordinates.
public struct ContourSegment: Sendable, Equatable {
    public var x0: Double
    public var y0: Double
    public var x1: Double
    public var y1: Double

    public init(x0: Double, y0: Double, x1: Double, y1: Double) {
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
    }
}

/// Contour lines of a gridded field by marching squares (Lorensen & Cline 1987, in two
/// dimensions): each grid cell whose corners lie on both sides of the level contributes one or
/// two segments whose ends are found by linear interpolation along the cell's edges.
///
/// The two ambiguous ("saddle") cases, where diagonal corners agree, are resolved by the
/// value at the cell's centre (the mean of its corners), so contours around a saddle point
/// connect the way the bilinear interpolant does. Cells with a non-finite corner are skipped:
/// the contour has a gap there rather than a wrong segment.
public enum MarchingSquares {
    /// The segments of the contour f = `level` where `values[j][i]` = f(`xs[i]`, `ys[j]`).
    public static func segments(xs: [Double], ys: [Double], values: [[Double]], level: Double) -> [ContourSegment] {
        guard xs.count >= 2, ys.count >= 2, values.count == ys.count, level.isFinite else { return [] }
        var result: [ContourSegment] = []
        for j in 0..<(ys.count - 1) {
            let lowerRow = values[j], upperRow = values[j + 1]
            guard lowerRow.count == xs.count, upperRow.count == xs.count else { continue }
            for i in 0..<(xs.count - 1) {
                // Corners counter-clockwise from the bottom left: a (i, j), b (i+1, j), c (i+1, j+1), d (i, j+1).
                let a = lowerRow[i], b = lowerRow[i + 1], c = upperRow[i + 1], d = upperRow[i]
                guard a.isFinite, b.isFinite, c.isFinite, d.isFinite else { continue }
                var index = 0
                if a >= level { index |= 1 }
                if b >= level { index |= 2 }
                if c >= level { index |= 4 }
                if d >= level { index |= 8 }
                if index == 0 || index == 15 { continue }
                let x0 = xs[i], x1 = xs[i + 1], y0 = ys[j], y1 = ys[j + 1]
                func crossing(_ p: Double, _ q: Double) -> Double {
                    q == p ? 0.5 : (level - p) / (q - p)
                }
                let bottom = (x0 + (x1 - x0) * crossing(a, b), y0)
                let right = (x1, y0 + (y1 - y0) * crossing(b, c))
                let top = (x0 + (x1 - x0) * crossing(d, c), y1)
                let left = (x0, y0 + (y1 - y0) * crossing(a, d))
                func add(_ p: (Double, Double), _ q: (Double, Double)) {
                    result.append(ContourSegment(x0: p.0, y0: p.1, x1: q.0, y1: q.1))
                }
                let centreAbove = (a + b + c + d) / 4 >= level
                switch index {
                case 1, 14: add(left, bottom)
                case 2, 13: add(bottom, right)
                case 3, 12: add(left, right)
                case 4, 11: add(right, top)
                case 6, 9: add(bottom, top)
                case 7, 8: add(left, top)
                case 5:
                    // a and c above: the centre decides whether they connect.
                    if centreAbove { add(bottom, right); add(left, top) } else { add(left, bottom); add(right, top) }
                case 10:
                    // b and d above.
                    if centreAbove { add(left, bottom); add(right, top) } else { add(bottom, right); add(left, top) }
                default: break
                }
            }
        }
        return result
    }

    /// About `count` contour levels strictly inside the finite range of `values`.
    ///
    /// Linear: nice steps (1, 2 or 5 × 10ᵏ). Logarithmic, for losses that vary over orders of
    /// magnitude: when the field is positive and spans at least a factor of 30, the values
    /// 1, 2 and 5 × 10ᵏ between its minimum and maximum (decades only when those are too many);
    /// otherwise the minimum plus offsets of 1, 2 and 5 × 10ᵏ spanning the four decades below
    /// the field's range, which resolves a basin whose floor is far from zero.
    public static func automaticLevels(_ values: [[Double]], logarithmic: Bool, count: Int = 12) -> [Double] {
        let finite = values.joined().filter(\.isFinite)
        guard let minimum = finite.min(), let maximum = finite.max(), maximum > minimum else { return [] }
        if !logarithmic {
            return AxisTicks.linear(from: minimum, to: maximum, targetCount: count).map(\.value).filter { $0 > minimum && $0 < maximum }
        }
        if minimum > 0 && maximum >= 30 * minimum {
            let low = Int(log10(minimum).rounded(.down)), high = Int(log10(maximum).rounded(.up))
            var levels: [Double] = []
            for exponent in low...high {
                for multiple in [1.0, 2.0, 5.0] {
                    let level = multiple * pow(10, Double(exponent))
                    if level > minimum && level < maximum { levels.append(level) }
                }
            }
            if levels.count > count + count / 2 {
                levels = (low...high).map { pow(10, Double($0)) }.filter { $0 > minimum && $0 < maximum }
                let every = max(1, (levels.count + 2 * count - 1) / (2 * count))
                levels = levels.enumerated().filter { $0.offset % every == 0 }.map(\.element)
            }
            return levels
        }
        let range = maximum - minimum
        var offsets: [Double] = []
        let top = Int(log10(range).rounded(.up))
        for exponent in (top - 5)...top {
            for multiple in [1.0, 2.0, 5.0] {
                let offset = multiple * pow(10, Double(exponent))
                if offset >= range * 1e-4 && offset < range { offsets.append(offset) }
            }
        }
        return offsets.map { minimum + $0 }
    }
}
