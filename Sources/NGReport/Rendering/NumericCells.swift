import Foundation

/// Recognises table cells that hold numbers (as ``Table/cell(_:digits:)`` and producers format
/// them), so that numeric columns can be right-aligned in text and HTML.
enum NumericCells {
    /// Whether `cell` reads as a number: digits with optional sign (`-`, `−`, `+`), decimal
    /// point, exponent (`e-05`, `×10⁻³`), thousands separators, a trailing unit-less `%` or `x`/`×`
    /// multiplier; or one of the placeholders `—`, `-`, `NaN`, `∞`, `−∞`, `n/a`.
    static func isNumeric(_ cell: String) -> Bool {
        let text = cell.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || ["—", "-", "–", "NaN", "nan", "∞", "−∞", "-∞", "+∞", "n/a", "inf", "-inf"].contains(text) { return true }
        var sawDigit = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "0"..."9": sawDigit = true
            case ".", ",", "e", "E", "+", "-", "−", "%", "×", "x", " ", "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹", "⁻", "±": continue
            default: return false
            }
        }
        return sawDigit
    }

    /// For each column, whether every non-placeholder cell in it is numeric (and at least one is a number).
    static func numericColumns(_ table: Table) -> [Bool] {
        (0..<table.columns.count).map { column in
            let cells = table.rows.map { $0[column] }
            return !cells.isEmpty && cells.allSatisfy(isNumeric) && cells.contains { $0.contains(where: \.isNumber) }
        }
    }
}
