import Foundation

/// One tick mark of an axis: major ticks carry a label (possibly empty when labels are thinned
/// out), minor ticks are short marks without one.
public struct Tick: Sendable, Equatable {
    public var value: Double
    public var label: String
    public var isMajor: Bool

    public init(value: Double, label: String, isMajor: Bool = true) {
        self.value = value
        self.label = label
        self.isMajor = isMajor
    }
}

/// Tick positions and labels for linear, logarithmic and symmetric-log axes.
///
/// Linear axes use "nice" steps of 1, 2 or 5 × 10ᵏ (Heckbert, "Nice numbers for graph labels",
/// Graphics Gems 1990); logarithmic axes put labelled ticks on the decades and minor ticks at
/// 2…9 × 10ᵏ, falling back to labelled 2 and 5 multiples (and then to a linear step) when the
/// range spans too few decades to label.
public enum AxisTicks {
    /// The step of the form {1, 2, 5} × 10ᵏ closest to `span / targetCount`.
    public static func niceStep(span: Double, targetCount: Int) -> Double {
        precondition(targetCount > 0, "niceStep: targetCount must be positive")
        guard span.isFinite, span > 0 else { return 1 }
        let raw = span / Double(targetCount)
        let exponent = floor(log10(raw))
        let power = pow(10, exponent)
        let fraction = raw / power
        let nice: Double = fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : fraction < 7.5 ? 5 : 10
        return nice * power
    }

    /// Ticks at the multiples of a nice step inside [`lower`, `upper`], about `targetCount`
    /// intervals, labelled with as many decimals as the step needs.
    public static func linear(from lower: Double, to upper: Double, targetCount: Int = 6) -> [Tick] {
        guard lower.isFinite, upper.isFinite, upper > lower else { return [] }
        let step = niceStep(span: upper - lower, targetCount: targetCount)
        let first = Int((lower / step - 1e-9).rounded(.up))
        let last = Int((upper / step + 1e-9).rounded(.down))
        guard last >= first, last - first <= 1000 else { return [] }
        let format = LinearLabelFormat(lower: lower, upper: upper, step: step)
        return (first...last).map { k in
            let value = Double(k) * step
            return Tick(value: value, label: format.label(value))
        }
    }

    /// Ticks for a base-10 logarithmic axis over [`lower`, `upper`] (both positive): decades,
    /// labelled `10ᵏ` (every second or third one when there are more than `maximumLabels`),
    /// with minor ticks at 2…9 × 10ᵏ when there are few decades.
    public static func logarithmic(from lower: Double, to upper: Double, maximumLabels: Int = 8) -> [Tick] {
        guard lower.isFinite, upper.isFinite, lower > 0, upper > lower else { return [] }
        let tolerance = 1e-9
        let firstDecade = Int((log10(lower) - tolerance).rounded(.up))
        let lastDecade = Int((log10(upper) + tolerance).rounded(.down))
        let decadeCount = lastDecade - firstDecade + 1
        let inside = { (v: Double) in v >= lower * (1 - tolerance) && v <= upper * (1 + tolerance) }

        if decadeCount >= 3 {
            let every = max(1, Int((Double(decadeCount) / Double(max(maximumLabels, 1))).rounded(.up)))
            var ticks: [Tick] = []
            for decade in firstDecade...lastDecade {
                let labelled = (decade - firstDecade) % every == 0
                ticks.append(Tick(value: pow(10, Double(decade)), label: labelled ? XMLText.powerOfTen(decade) : "", isMajor: true))
            }
            if decadeCount <= 6 {
                for decade in (firstDecade - 1)...lastDecade {
                    for multiple in 2...9 {
                        let value = Double(multiple) * pow(10, Double(decade))
                        if inside(value) { ticks.append(Tick(value: value, label: "", isMajor: false)) }
                    }
                }
            }
            return ticks.sorted { $0.value < $1.value }
        }

        // Fewer than three decades: label the 1-2-5 multiples, or every multiple, inside the range.
        var candidates: [(value: Double, multiple: Int)] = []
        for decade in (firstDecade - 1)...(lastDecade + 1) {
            for multiple in 1...9 {
                let value = Double(multiple) * pow(10, Double(decade))
                if inside(value) { candidates.append((value, multiple)) }
            }
        }
        let oneTwoFive = candidates.filter { [1, 2, 5].contains($0.multiple) }
        if oneTwoFive.count >= 3 {
            return candidates.map { candidate in
                let labelled = [1, 2, 5].contains(candidate.multiple)
                return Tick(value: candidate.value, label: labelled ? plainLabel(candidate.value) : "", isMajor: labelled)
            }
        }
        if candidates.count >= 3 {
            return candidates.map { Tick(value: $0.value, label: plainLabel($0.value)) }
        }
        // Less than a factor of ~3: a linear step reads best.
        return linear(from: lower, to: upper, targetCount: 4)
    }

    /// Ticks for a symmetric-log axis with linear threshold `threshold`: 0 and ±10ᵏ for
    /// 10ᵏ ≥ `threshold`, thinned to at most about `maximumLabels` labels.
    public static func symlog(from lower: Double, to upper: Double, threshold: Double, maximumLabels: Int = 9) -> [Tick] {
        guard lower.isFinite, upper.isFinite, upper > lower, threshold > 0 else { return [] }
        let firstDecade = Int(log10(threshold).rounded(.up))
        var values: [Double] = []
        if lower <= 0 && upper >= 0 { values.append(0) }
        if upper >= threshold {
            let last = Int((log10(upper) + 1e-9).rounded(.down))
            if last >= firstDecade { for decade in firstDecade...last { values.append(pow(10, Double(decade))) } }
        }
        if lower <= -threshold {
            let last = Int((log10(-lower) + 1e-9).rounded(.down))
            if last >= firstDecade { for decade in firstDecade...last { values.append(-pow(10, Double(decade))) } }
        }
        values.sort()
        let every = max(1, Int((Double(values.count) / Double(max(maximumLabels, 1))).rounded(.up)))
        let zeroIndex = values.firstIndex(of: 0)
        return values.enumerated().map { index, value in
            // Thin relative to zero (or to the first tick) so that 0 keeps its label.
            let anchor = zeroIndex ?? 0
            let labelled = abs(index - anchor) % every == 0
            return Tick(value: value, label: labelled ? symlogLabel(value) : "", isMajor: true)
        }
    }

    /// `0`, `10ᵏ` or `−10ᵏ`.
    static func symlogLabel(_ value: Double) -> String {
        if value == 0 { return "0" }
        let decade = Int(log10(abs(value)).rounded())
        return (value < 0 ? "−" : "") + XMLText.powerOfTen(decade)
    }

    /// A label for a tick of a log axis that is not a decade: plain decimals in 10⁻⁴…10⁵,
    /// `m×10ᵏ` outside.
    static func plainLabel(_ value: Double) -> String {
        let decade = Int(floor(log10(value) + 1e-9))
        let mantissa = (value / pow(10, Double(decade))).rounded()
        if decade >= -4 && decade < 5 {
            return String(format: "%.\(max(0, -decade))f", value)
        }
        return mantissa == 1 ? XMLText.powerOfTen(decade) : "\(Int(mantissa))×\(XMLText.powerOfTen(decade))"
    }
}

/// How the labels of one linear axis are written: fixed decimals in 10⁻³ ≤ |x| < 10⁵, a shared
/// power of ten (`1.5×10⁵`) outside, so that all labels of an axis look alike.
struct LinearLabelFormat {
    let decimals: Int
    let exponent: Int?

    init(lower: Double, upper: Double, step: Double) {
        let largest = max(abs(lower), abs(upper))
        if largest >= 1e5 || largest < 1e-3 {
            let exponent = Int(floor(log10(largest)))
            self.exponent = exponent
            self.decimals = max(0, -Int(floor(log10(step / pow(10, Double(exponent))) + 1e-9)))
        } else {
            self.exponent = nil
            self.decimals = max(0, -Int(floor(log10(step) + 1e-9)))
        }
    }

    func label(_ value: Double) -> String {
        if abs(value) < 1e-300 { return "0" }
        guard let exponent else {
            let text = String(format: "%.\(decimals)f", value)
            return XMLText.typographicMinus(text == "-0" ? "0" : text)
        }
        let mantissa = value / pow(10, Double(exponent))
        return XMLText.typographicMinus(String(format: "%.\(decimals)f", mantissa)) + "×" + XMLText.powerOfTen(exponent)
    }
}
