import Foundation
import NGLinearAlgebra

/// A numeric table read from or written to a CSV file with one header row.
///
/// The dialect is the one of the embedded data sets and of most exported ML tables: fields
/// separated by commas, no quoting inside data rows (a header name may be wrapped in double
/// quotes, which are removed), `\n` or `\r\n` line ends, an optional UTF-8 byte-order mark.
/// Every data cell must be a finite decimal number, optionally signed and in scientific
/// notation (`-1.5`, `2e-3`, `+4.`), with spaces or tabs around it allowed. Empty lines are
/// allowed only at the end of the file.
public struct CSVTable: Equatable, Sendable {
    /// The column names from the header row.
    public var header: [String]
    /// The data rows: one matrix row per line after the header, one column per header name.
    public var values: Matrix<Double>

    /// A table over the given header and values.
    /// - Throws: ``DataError`` when the header does not name every column.
    public init(header: [String], values: Matrix<Double>) throws {
        guard header.count == values.columns else {
            throw DataError("CSVTable", "\(header.count) header names for \(values.columns) columns")
        }
        self.header = header
        self.values = values
    }

    /// The table in the CSV file at `url`.
    /// - Throws: ``DataError`` naming the file (and the line and column) when it cannot be read or is malformed.
    public static func read(_ url: URL) throws -> CSVTable {
        try parse(FileBytes.read(url), path: url.path)
    }

    /// The table in CSV text; `path` names it in errors.
    /// - Throws: ``DataError`` for an empty file, a header without data rows, an empty line before
    ///   the end, a row whose column count differs from the header's, or a cell that is not a
    ///   finite number.
    public static func parse(_ bytes: [UInt8], path: String) throws -> CSVTable {
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var lines = bytes[start...].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        while let last = lines.last, isBlank(last) { lines.removeLast() }
        guard let headerLine = lines.first else { throw DataError(path, "empty file: expected a header row and data rows") }
        let header = fields(of: headerLine).map { unquoted(text(of: $0)) }
        guard lines.count > 1 else { throw DataError(path, "has a header row but no data rows") }

        var values: [Double] = []
        values.reserveCapacity((lines.count - 1) * header.count)
        for (index, line) in lines.enumerated().dropFirst() {
            let lineNumber = index + 1
            if isBlank(line) {
                throw DataError(path, line: lineNumber, "empty line (empty lines are allowed only at the end of the file)")
            }
            let cells = fields(of: line)
            guard cells.count == header.count else {
                throw DataError(path, line: lineNumber, "expected \(header.count) columns, found \(cells.count)")
            }
            for (column, cell) in cells.enumerated() {
                let trimmed = trimmed(cell)
                guard isDecimalNumber(trimmed), let value = Double(text(of: trimmed)) else {
                    let shown = text(of: trimmed)
                    throw DataError(path, line: lineNumber, column: column + 1,
                                    shown.isEmpty ? "empty cell, expected a number" : "'\(shown)' is not a number")
                }
                guard value.isFinite else {
                    throw DataError(path, line: lineNumber, column: column + 1, "'\(text(of: trimmed))' is out of the range of Double")
                }
                values.append(value)
            }
        }
        return try CSVTable(header: header, values: Matrix(rows: lines.count - 1, columns: header.count, elements: values))
    }

    /// The table as CSV text: the header, then one line per row, numbers in the shortest form
    /// that reads back to the same `Double`.
    public func encoded() -> [UInt8] {
        var text = header.joined(separator: ",") + "\n"
        for i in 0..<values.rows {
            text += (0..<values.columns).map { "\(values[i, $0])" }.joined(separator: ",") + "\n"
        }
        return Array(text.utf8)
    }

    /// Writes the table as a CSV file.
    /// - Throws: ``DataError`` when a header name contains a comma, quote or line break (which
    ///   this dialect cannot hold), or when the file cannot be written.
    public func write(to url: URL) throws {
        if let bad = header.first(where: { $0.contains(where: { ",\"\n\r".contains($0) }) }) {
            throw DataError(url.path, "header name '\(bad)' contains a comma, quote or line break")
        }
        try FileBytes.write(encoded(), to: url)
    }
}

private typealias Bytes = ArraySlice<UInt8>

private func fields(of line: Bytes) -> [Bytes] {
    var line = line
    if line.last == UInt8(ascii: "\r") { line.removeLast() }
    return line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
}

private func isSpace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
}

private func isBlank(_ line: Bytes) -> Bool { line.allSatisfy(isSpace) }

private func trimmed(_ cell: Bytes) -> Bytes {
    guard let first = cell.firstIndex(where: { !isSpace($0) }), let last = cell.lastIndex(where: { !isSpace($0) }) else {
        return cell[cell.startIndex..<cell.startIndex]
    }
    return cell[first...last]
}

private func text(of bytes: Bytes) -> String { String(decoding: bytes, as: UTF8.self) }

private func unquoted(_ name: String) -> String {
    let name = name.trimmingCharacters(in: .whitespaces)
    if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { return String(name.dropFirst().dropLast()) }
    return name
}

/// Whether `cell` is `[+-]digits[.digits][(e|E)[+-]digits]` with at least one mantissa digit
/// (so "nan", "inf" and hexadecimal, which `Double.init` would accept, are rejected).
private func isDecimalNumber(_ cell: Bytes) -> Bool {
    var i = cell.startIndex
    func isDigit(_ index: Int) -> Bool { index < cell.endIndex && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(cell[index]) }
    func skipSign() { if i < cell.endIndex, cell[i] == UInt8(ascii: "+") || cell[i] == UInt8(ascii: "-") { i += 1 } }
    skipSign()
    var mantissaDigits = 0
    while isDigit(i) { i += 1; mantissaDigits += 1 }
    if i < cell.endIndex, cell[i] == UInt8(ascii: ".") {
        i += 1
        while isDigit(i) { i += 1; mantissaDigits += 1 }
    }
    guard mantissaDigits > 0 else { return false }
    if i < cell.endIndex, cell[i] == UInt8(ascii: "e") || cell[i] == UInt8(ascii: "E") {
        i += 1
        skipSign()
        guard isDigit(i) else { return false }
        while isDigit(i) { i += 1 }
    }
    return i == cell.endIndex
}
