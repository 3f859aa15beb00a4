import Foundation
import NGReport
import Testing

/// Marching squares against contours known in closed form.
@Suite("Marching squares")
struct MarchingSquaresTests {
    static func grid(_ range: ClosedRange<Double>, count: Int) -> [Double] {
        (0..<count).map { range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(count - 1) }
    }

    @Test(arguments: [0.5, 1.2, 1.75])
    func theLevelSetOfXSquaredPlusYSquaredIsTheCircle(radius: Double) throws {
        let xs = Self.grid(-2...2, count: 81), ys = Self.grid(-2...2, count: 61)
        let values = ys.map { y in xs.map { x in x * x + y * y } }
        let segments = MarchingSquares.segments(xs: xs, ys: ys, values: values, level: radius * radius)
        try #require(!segments.isEmpty)
        // Linear interpolation of a quadratic along an edge of length h errs by O(h²).
        let spacing = max(xs[1] - xs[0], ys[1] - ys[0])
        var length = 0.0
        var angles: Set<Int> = []
        for segment in segments {
            for (x, y) in [(segment.x0, segment.y0), (segment.x1, segment.y1)] {
                #expect(abs((x * x + y * y).squareRoot() - radius) < spacing * spacing, "(\(x), \(y)) off the circle of radius \(radius)")
                angles.insert(Int(((atan2(y, x) + .pi) / (2 * .pi) * 36).rounded(.down)) % 36)
            }
            length += hypot(segment.x1 - segment.x0, segment.y1 - segment.y0)
        }
        // The pieces go all the way round: every 10° sector is visited and the length is 2πr.
        #expect(angles.count == 36)
        #expect(abs(length - 2 * .pi * radius) < 0.01 * 2 * .pi * radius, "length \(length) vs \(2 * .pi * radius)")
    }

    @Test func aSaddleGivesBothBranchesOfTheHyperbola() {
        let xs = Self.grid(-1...1, count: 41), ys = Self.grid(-1...1, count: 41)
        let values = ys.map { y in xs.map { x in x * x - y * y } }
        let level = 0.25
        let segments = MarchingSquares.segments(xs: xs, ys: ys, values: values, level: level)
        #expect(!segments.isEmpty)
        var left = 0, right = 0
        for segment in segments {
            for (x, y) in [(segment.x0, segment.y0), (segment.x1, segment.y1)] {
                #expect(abs(abs(x) - (level + y * y).squareRoot()) < 0.01)
                if x < 0 { left += 1 } else { right += 1 }
            }
            // No segment crosses the saddle's gap between the branches.
            #expect(segment.x0.sign == segment.x1.sign)
        }
        #expect(left > 0 && right > 0)
    }

    @Test(arguments: [
        (1.0, 0.5, [(0.0, 0.0), (1.0, 1.0)]), (1.0, -0.5, [(1.0, 0.0), (0.0, 1.0)]),
        (-1.0, 0.5, [(1.0, 0.0), (0.0, 1.0)]), (-1.0, -0.5, [(0.0, 0.0), (1.0, 1.0)]),
    ])
    func ambiguousCellsConnectLikeTheBilinearInterpolant(sign: Double, level: Double, corners: [(Double, Double)]) {
        // f = 1 − 2x − 2y + 4xy = (1 − 2x)(1 − 2y) on the unit cell: +1 at (0,0) and (1,1), −1 at the
        // other corners, 0 at the centre. Above 0 its level sets are hyperbola branches cutting
        // off the +1 corners; below 0, the −1 corners. `sign` −1 flips the field (the other
        // ambiguous case).
        let segments = MarchingSquares.segments(xs: [0, 1], ys: [0, 1], values: [[sign, -sign], [-sign, sign]], level: level)
        #expect(segments.count == 2)
        for corner in corners {
            let cutting = segments.filter { segment in
                hypot(segment.x0 - corner.0, segment.y0 - corner.1) < 0.3 && hypot(segment.x1 - corner.0, segment.y1 - corner.1) < 0.3
            }
            #expect(cutting.count == 1, "no single segment cuts off corner \(corner) at level \(level)")
        }
        // The ends lie where the bilinear interpolant meets the level on the edges: 0.25 from the corner.
        let ends = segments.flatMap { [($0.x0, $0.y0), ($0.x1, $0.y1)] }
        for (x, y) in ends {
            #expect(abs(sign * (1 - 2 * x) * (1 - 2 * y) - level) < 1e-12)
        }
    }

    @Test func cellsWithANonFiniteCornerAreSkipped() {
        let xs = Self.grid(-2...2, count: 21), ys = Self.grid(-2...2, count: 21)
        var values = ys.map { y in xs.map { x in x * x + y * y } }
        let complete = MarchingSquares.segments(xs: xs, ys: ys, values: values, level: 1)
        // (x, y) = (1, 0) lies on the circle; poison its grid node.
        values[10][15] = .nan
        let gapped = MarchingSquares.segments(xs: xs, ys: ys, values: values, level: 1)
        #expect(gapped.count < complete.count)
        for segment in gapped {
            #expect([segment.x0, segment.y0, segment.x1, segment.y1].allSatisfy { $0.isFinite })
            // Nothing within the four cells around the poisoned node.
            #expect(!(abs(segment.x0 - 1) < 0.2 && abs(segment.y0) < 0.19))
        }
    }

    @Test func automaticLevelsAreNiceStepsOrLogSpacedAboveTheMinimum() {
        let ramp = [[0.0, 0.5], [0.5, 1.0]]
        let linear = MarchingSquares.automaticLevels(ramp, logarithmic: false)
        #expect(linear.count == 9)
        for (level, expected) in zip(linear, stride(from: 0.1, through: 0.9, by: 0.1)) { #expect(abs(level - expected) < 1e-12) }

        // A positive field spanning three decades: the 1-2-5 values themselves.
        let positive = MarchingSquares.automaticLevels([[1.0, 10], [100, 1000]], logarithmic: true)
        #expect(positive == [2, 5, 10, 20, 50, 100, 200, 500].map { $0 * 1.0 }, "\(positive)")
        // Twenty decades: decades only, thinned.
        let huge = MarchingSquares.automaticLevels([[1e-10, 1e10]], logarithmic: true)
        #expect(huge.count <= 24 && huge.count >= 9 && huge.allSatisfy { abs(log10($0) - log10($0).rounded()) < 1e-12 })
        // A field with its floor at zero: offsets of 1, 2, 5 × 10ᵏ above the minimum.
        let floored = MarchingSquares.automaticLevels([[-1.0, 10], [100, 998.5]], logarithmic: true)
        let offsets = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500]
        #expect(floored.count == offsets.count)
        for (level, offset) in zip(floored, offsets) { #expect(abs(level - (-1 + offset)) < 1e-9 * (1 + offset)) }
        #expect(MarchingSquares.automaticLevels([[2.0, 2.0]], logarithmic: true).isEmpty)
    }
}
