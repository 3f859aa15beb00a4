import Foundation

/// A table of results as a report shows it: a header and rows of already-formatted cells.
///
/// Cells are strings so that each producer chooses the precision a number deserves; the
/// numbers themselves live unformatted in the figures and in the producer's own JSON.
public struct Table: Sendable, Equatable, Codable {
    /// A file-name-safe identifier, unique within its section; CSV files are `SECTION-ID.csv`.
    public var id: String
    public var title: String
    public var columns: [String]
    public var rows: [[String]]
    /// A sentence under the table: units, what "—" means, how the target was chosen.
    public var note: String

    public init(id: String, title: String, columns: [String], rows: [[String]], note: String = "") {
        precondition(rows.allSatisfy { $0.count == columns.count }, "Table \(id): every row needs one cell per column")
        self.id = id
        self.title = title
        self.columns = columns
        self.rows = rows
        self.note = note
    }
}

extension Table {
    /// A number with `digits` significant digits ("%.4g"), "—" for nil and "n/a" for NaN/∞.
    public static func cell(_ value: Double?, digits: Int = 4) -> String {
        guard let value else { return "—" }
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
        return String(format: "%.\(digits)g", value)
    }
}
