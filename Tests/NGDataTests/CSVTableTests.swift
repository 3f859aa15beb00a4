import Foundation
import NGLinearAlgebra
import NGRandom
import Testing
@testable import NGData

@Suite("CSV tables")
struct CSVTableTests {
    static func parse(_ text: String, path: String = "x.csv") throws -> CSVTable {
        try CSVTable.parse(Array(text.utf8), path: path)
    }

    @Test func readsAHandWrittenTable() throws {
        // A byte-order mark, CRLF line ends, a quoted header name, spaces and tabs around cells,
        // signs, scientific notation, "4." and ".5", and blank lines at the end.
        let text = "\u{FEFF}a, \"b\" ,label\r\n1.5, -2e3,0\r\n +4.,\t.5E-1 ,1\r\n-0,1e+2,+7\r\n\r\n  \n"
        let table = try Self.parse(text)
        #expect(table.header == ["a", "b", "label"])
        #expect(table.values == (try Matrix([[1.5, -2000, 0], [4, 0.05, 1], [0, 100, 7]])))
    }

    @Test func roundTripsExactly() throws {
        var generator = SeededGenerator(seed: 3)
        let values = Matrix(rows: 20, columns: 4) { i, j in
            j == 3 ? Double(i % 3) : generator.normal() * pow(10, Double(j * 4 - 6))
        }
        let table = try CSVTable(header: ["tiny", "unit", "large", "label"], values: values)
        let directory = try TemporaryDirectory()
        try table.write(to: directory.file("t.csv"))
        #expect(try CSVTable.read(directory.file("t.csv")) == table)
    }

    @Test func rejectsEmptyAndHeaderOnlyFiles() {
        expectDataError("empty.csv", "empty file") { _ = try Self.parse("", path: "empty.csv") }
        expectDataError("blank.csv", "empty file") { _ = try Self.parse(" \n\r\n\n", path: "blank.csv") }
        expectDataError("header.csv", "has a header row but no data rows") { _ = try Self.parse("a,b\n\n", path: "header.csv") }
    }

    @Test func reportsLineAndColumn() {
        let header = (0..<31).map { "x\($0)" }.joined(separator: ",") + "\n"
        let good = Array(repeating: "1", count: 31).joined(separator: ",") + "\n"
        let short = Array(repeating: "1", count: 30).joined(separator: ",") + "\n"
        expectDataError("x.csv line 7: expected 31 columns, found 30") {
            _ = try Self.parse(header + String(repeating: good, count: 5) + short)
        }
        expectDataError("x.csv line 3, column 2: 'abc' is not a number") { _ = try Self.parse("a,b\n1,2\n3, abc\n") }
        expectDataError("x.csv line 2, column 1: empty cell") { _ = try Self.parse("a,b\n ,2\n") }
        expectDataError("x.csv line 2, column 2: 'nan' is not a number") { _ = try Self.parse("a,b\n1,nan\n") }
        expectDataError("x.csv line 2, column 1: 'inf' is not a number") { _ = try Self.parse("a,b\ninf,1\n") }
        expectDataError("x.csv line 2, column 1: '0x10' is not a number") { _ = try Self.parse("a,b\n0x10,1\n") }
        expectDataError("x.csv line 2, column 2: '1e' is not a number") { _ = try Self.parse("a,b\n1,1e\n") }
        expectDataError("x.csv line 2, column 2: '1e999' is out of the range") { _ = try Self.parse("a,b\n1,1e999\n") }
        expectDataError("x.csv line 3: empty line") { _ = try Self.parse("a,b\n1,2\n\n3,4\n") }
    }

    @Test func refusesHeaderNamesTheDialectCannotHold() throws {
        let table = try CSVTable(header: ["a,b"], values: Matrix(rows: 1, columns: 1))
        let directory = try TemporaryDirectory()
        expectDataError("bad.csv", "contains a comma") { try table.write(to: directory.file("bad.csv")) }
        expectDataError("2 header names for 1 columns") { _ = try CSVTable(header: ["a", "b"], values: Matrix(rows: 1, columns: 1)) }
    }
}
