/// Why a data file could not be read or written, or a data operation could not be carried out.
///
/// Every reader in this module reports malformed input through this one type instead of trapping,
/// so that a command-line tool can print the message and exit. The message names the file (the
/// path as given), the place in it when one applies (a CSV line and column), and the problem:
///
///     mnist.gz: bad magic number 0x1f8b0800: an IDX file starts with two zero bytes
///     x.csv line 7: expected 31 columns, found 30
///     x.csv line 3, column 2: 'abc' is not a number
///
/// For errors that are not about a file (an unknown data set name, a split fraction outside
/// [0, 1)), `source` names the operation instead.
public struct DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file path, or the name of the operation for errors not about a file.
    public var source: String
    /// The 1-based line of a text file, when the problem is on one line.
    public var line: Int?
    /// The 1-based column (field) of a CSV line, when the problem is in one cell.
    public var column: Int?
    /// What is wrong, in words.
    public var problem: String

    /// An error about `source` (a file path or an operation name).
    public init(_ source: String, line: Int? = nil, column: Int? = nil, _ problem: String) {
        self.source = source
        self.line = line
        self.column = column
        self.problem = problem
    }

    public var description: String {
        var place = source
        if let line { place += " line \(line)" }
        if let column { place += (line == nil ? " column \(column)" : ", column \(column)") }
        return "\(place): \(problem)"
    }
}
