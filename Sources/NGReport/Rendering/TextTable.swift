/// A ``Table`` as plain text for a terminal: the title, a header, aligned columns (numbers
/// right-aligned, text left-aligned) and the note underneath.
public enum TextTable {
    /// The table as lines of text ending in a newline. Column widths count characters
    /// (grapheme clusters), so `—`, `∞` and `×10⁻³` align.
    public static func render(_ table: Table) -> String {
        let numeric = NumericCells.numericColumns(table)
        let cleanedRows = table.rows.map { $0.map(singleLine) }
        let header = table.columns.map(singleLine)
        let widths = header.indices.map { column in
            max(header[column].count, cleanedRows.map { $0[column].count }.max() ?? 0)
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (column, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                if column > 0 { text += "  " }
                text += numeric[column] ? padding + cell : cell + padding
            }
            // Trailing spaces help nobody.
            while text.last == " " { text.removeLast() }
            return text
        }
        var output = ""
        if !table.title.isEmpty { output += singleLine(table.title) + "\n" }
        output += line(header) + "\n"
        output += widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
        for row in cleanedRows { output += line(row) + "\n" }
        if !table.note.isEmpty { output += wrap(singleLine(table.note), width: 100) }
        return output
    }

    /// Newlines and tabs inside a cell would break the alignment: replaced by spaces.
    static func singleLine(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" ? " " : $0 })
    }

    /// `text` broken at spaces into lines of at most `width` characters (longer words stay whole).
    static func wrap(_ text: String, width: Int) -> String {
        var output = "", current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !current.isEmpty && current.count + 1 + word.count > width {
                output += current + "\n"
                current = ""
            }
            current += current.isEmpty ? String(word) : " " + word
        }
        if !current.isEmpty { output += current + "\n" }
        return output
    }
}
