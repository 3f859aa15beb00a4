import Foundation

/// Maps data values on one axis to the unit interval, for a linear, logarithmic or
/// symmetric-log scale, and supplies the axis's ticks.
///
/// The symmetric log (Webber 2013, "A bi-symmetric log transformation for wide-range data")
/// is t(x) = sign(x) · log10(1 + |x| / c): linear for |x| ≪ c, logarithmic beyond, so signed
/// values spanning decades (Hessian eigenvalues) share one axis.
struct AxisMapping {
    var scale: AxisScale
    /// The axis limits in data units.
    var lower: Double
    var upper: Double
    /// The symmetric log's linear threshold c (unused by the other scales).
    var threshold: Double

    /// The transformed coordinate, nil where the value cannot be drawn (non-finite, or ≤ 0 on
    /// a log axis).
    func transformed(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        switch scale {
        case .linear: return value
        case .log: return value > 0 ? log10(value) : nil
        case .symlog: return (value < 0 ? -1 : 1) * log10(1 + abs(value) / threshold)
        }
    }

    /// Position of `value` along the axis as a fraction of its length (0 at `lower`, 1 at
    /// `upper`; outside [0, 1] for values beyond the limits), nil when not drawable.
    func fraction(_ value: Double) -> Double? {
        guard let t = transformed(value), let a = transformed(lower), let b = transformed(upper), b != a else { return nil }
        return (t - a) / (b - a)
    }

    /// Ticks for an axis `length` pixels long: about one linear step per 60 pixels (between 3
    /// and 7 steps) and, on log and symmetric-log axes, a label at most every 24 pixels
    /// (`vertical`) or 48 pixels (horizontal labels are wider).
    func ticks(length: Double, vertical: Bool) -> [Tick] {
        let linearTarget = Self.linearTarget(length: length)
        let maximumLabels = max(2, Int(length / (vertical ? 24 : 48)))
        switch scale {
        case .linear: return AxisTicks.linear(from: lower, to: upper, targetCount: linearTarget)
        case .log: return AxisTicks.logarithmic(from: lower, to: upper, maximumLabels: maximumLabels)
        case .symlog: return AxisTicks.symlog(from: lower, to: upper, threshold: threshold, maximumLabels: maximumLabels)
        }
    }

    /// The number of linear steps an axis `length` pixels long gets: one per 60 pixels, 3 to 7.
    static func linearTarget(length: Double) -> Int {
        min(max(Int(length / 60), 3), 7)
    }

    /// The mapping for `axis` fitted to `values`: explicit limits win; otherwise linear axes
    /// are rounded outward to a nice step (`includeZero` forces 0 inside, for bars), log axes
    /// are padded by 3 % of their span in decades, and symmetric-log axes include 0.
    static func fitted(_ axis: Axis, values: [Double], includeZero: Bool = false, targetTicks: Int = 6) -> AxisMapping {
        var drawable = values.filter { $0.isFinite && (axis.scale != .log || $0 > 0) }
        if let minimum = axis.minimum, minimum.isFinite { drawable = drawable.filter { $0 >= minimum } }
        if let maximum = axis.maximum, maximum.isFinite { drawable = drawable.filter { $0 <= maximum } }
        var low = axis.minimum.flatMap { $0.isFinite ? $0 : nil } ?? drawable.min()
        var high = axis.maximum.flatMap { $0.isFinite ? $0 : nil } ?? drawable.max()
        if axis.scale == .log {
            if let value = low, value <= 0 { low = drawable.min() }
            if let value = high, value <= 0 { high = nil }
        }
        switch axis.scale {
        case .linear:
            var a = low ?? 0, b = high ?? 1
            if includeZero { a = min(a, 0); b = max(b, 0) }
            if a > b { swap(&a, &b) }
            if a == b {
                let pad = a == 0 ? 1 : abs(a) * 0.1
                a -= pad
                b += pad
            }
            let step = AxisTicks.niceStep(span: b - a, targetCount: targetTicks)
            if axis.minimum == nil { a = (a / step + 1e-9).rounded(.down) * step }
            if axis.maximum == nil { b = (b / step - 1e-9).rounded(.up) * step }
            return AxisMapping(scale: .linear, lower: a, upper: b, threshold: 1)
        case .log:
            var a = low ?? 1, b = high ?? 10
            if a > b { swap(&a, &b) }
            if a == b {
                a /= 2
                b *= 2
            }
            let span = log10(b) - log10(a)
            if axis.minimum == nil { a = pow(10, log10(a) - 0.03 * span) }
            if axis.maximum == nil { b = pow(10, log10(b) + 0.03 * span) }
            return AxisMapping(scale: .log, lower: a, upper: b, threshold: 1)
        case .symlog:
            let threshold = symlogThreshold(drawable)
            var mapping = AxisMapping(scale: .symlog, lower: min(low ?? -1, 0), upper: max(high ?? 1, 0), threshold: threshold)
            if mapping.lower == mapping.upper { mapping.lower = -threshold; mapping.upper = threshold }
            // Pad by 3 % of the transformed span, then map back.
            if let ta = mapping.transformed(mapping.lower), let tb = mapping.transformed(mapping.upper) {
                let pad = 0.03 * (tb - ta)
                if axis.minimum == nil && mapping.lower < 0 { mapping.lower = mapping.inverse(ta - pad) }
                if axis.maximum == nil && mapping.upper > 0 { mapping.upper = mapping.inverse(tb + pad) }
            }
            return mapping
        }
    }

    /// The inverse of the symmetric log transform.
    func inverse(_ t: Double) -> Double {
        (t < 0 ? -1 : 1) * threshold * (pow(10, abs(t)) - 1)
    }

    /// The symmetric log's threshold: a power of ten at most four decades below the largest
    /// magnitude, and not below the smallest non-zero magnitude when that is larger.
    static func symlogThreshold(_ values: [Double]) -> Double {
        let magnitudes = values.map(abs).filter { $0 > 0 && $0.isFinite }
        guard let largest = magnitudes.max(), let smallest = magnitudes.min() else { return 1 }
        return pow(10, floor(log10(max(smallest, largest * 1e-4))))
    }
}
