import Foundation

/// Text and numbers as they go into SVG and HTML: escaped, with typographic minus signs and
/// superscript exponents, and coordinates that are always finite.
public enum XMLText {
    /// `text` with `& < > " '` replaced by entities and the characters XML 1.0 forbids
    /// (C0 controls other than tab, newline and carriage return; U+FFFE, U+FFFF) dropped, so
    /// that any label — `loss < 0.1 & rising` — leaves the document well-formed.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || value == 0xFFFE || value == 0xFFFF { continue }
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// The exponent `n` in superscript digits: `-3` → `⁻³`.
    public static func superscript(_ exponent: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        var text = exponent < 0 ? "⁻" : ""
        for character in String(exponent.magnitude) { text.append(digits[Int(String(character))!]) }
        return text
    }

    /// `10ⁿ` with a superscript exponent.
    public static func powerOfTen(_ exponent: Int) -> String { "10" + superscript(exponent) }

    /// `value` with `digits` significant digits for a label: `0.0123`, `−4.5`, `3×10⁴`
    /// (C's `%g`, with the exponent written as a power of ten and a typographic minus).
    public static func compactNumber(_ value: Double, digits: Int = 3) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
        let text = String(format: "%.\(max(digits, 1))g", value)
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return typographicMinus(text) }
        let mantissa = String(text[..<e])
        let exponent = Int(text[text.index(after: e)...]) ?? 0
        let power = powerOfTen(exponent)
        if mantissa == "1" { return power }
        if mantissa == "-1" { return "−" + power }
        return typographicMinus(mantissa) + "×" + power
    }

    /// Replaces a leading ASCII hyphen-minus with the typographic minus sign U+2212.
    static func typographicMinus(_ text: String) -> String {
        text.hasPrefix("-") ? "−" + text.dropFirst() : text
    }
}

/// SVG coordinates: at most two decimals, trailing zeros dropped, never `nan` or `inf`.
enum SVGNumber {
    /// `value` rounded to 0.01 (clamped to ±1e6 so that a stray point far off-scale cannot
    /// produce an unreadable coordinate; non-finite values are a programming error upstream and
    /// are written as 0).
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let clamped = min(max(value, -1e6), 1e6)
        let hundredths = Int((clamped * 100).rounded())
        let negative = hundredths < 0
        let magnitude = hundredths.magnitude
        let whole = magnitude / 100
        let fraction = magnitude % 100
        var text = negative ? "-" : ""
        text += String(whole)
        if fraction != 0 {
            text += fraction % 10 == 0 ? "." + String(fraction / 10) : (fraction < 10 ? ".0" : ".") + String(fraction)
        }
        return text == "-0" ? "0" : text
    }
}
