import Foundation
import NGReport
import Testing

/// CSV output, read back with an independent RFC 4180 reader.
@Suite("CSV export")
struct CSVExportTests {
    /// A straightforward RFC 4180 reader: quoted fields may hold commas, quotes (doubled) and newlines.
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var quoted = false, afterQuote = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" { field.append("\""); characters.removeFirst() } else { quoted = false; afterQuote = true }
                } else { field.append(character) }
                continue
            }
            switch character {
            case "\"" where field.isEmpty && !afterQuote: quoted = true
            case ",": record.append(field); field = ""; afterQuote = false
            case "\n": record.append(field); records.append(record); record = []; field = ""; afterQuote = false
            default: field.append(character)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }

    @Test func fieldsWithCommasQuotesAndNewlinesAreQuotedAndReadBack() {
        let awkward = ["plain", "a,b", "say \"hi\"", "two\nlines", " padded ", "", "crlf\r\nx"]
        let table = Table(id: "t", title: "T", columns: ["c1", "c2", "c3", "c4", "c5", "c6", "c7"], rows: [awkward])
        let text = CSVExport.csv(table)
        #expect(text.hasPrefix("c1,c2,c3,c4,c5,c6,c7\n"))
        #expect(text.contains(",\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded \",,"))
        #expect(Self.parse(text) == [table.columns, awkward])
        #expect(CSVExport.quote("plain") == "plain")
    }

    @Test func lineFiguresAreLongFormWithExactNumbers() throws {
        let x = [0.0, 1, 2], a = [0.1, 1e-5, .nan], b = [3.0, 2, 1.0 / 3]
        let figure = Figure(
            id: "f", title: "F",
            content: .lines(LinePlot(xAxis: Axis("x"), yAxis: Axis("y"), series: [Series(name: "a, first", x: x, y: a), Series(name: "b", x: x, y: b)],
                                     referenceLines: [ReferenceLine(y: 0.5, label: "target")])))
        let rows = Self.parse(try #require(CSVExport.csv(figure)))
        #expect(rows.first == ["series", "x", "y"])
        #expect(rows.count == 1 + 6 + 1)
        #expect(rows[1] == ["a, first", "0.0", "0.1"])
        #expect(rows[3][2] == "nan")
        // Shortest round-trip decimals: 1/3 reads back as exactly the plotted double.
        #expect(Double(rows[6][2]) == 1.0 / 3)
        #expect(rows[7] == ["reference: target", "", "0.5"])
    }

    @Test func contourBarAndHeatmapFiguresHaveOneRowPerValue() throws {
        let contour = Figure(id: "c", title: "C", content: .contour(ContourPlot(
            xAxis: Axis("x"), yAxis: Axis("y"), xs: [0, 1, 2], ys: [0, 1], values: [[0, 1, 2], [3, 4, 5]],
            trajectories: [Series(name: "gd", x: [0, 1], y: [0, 1])], points: [LabelledPoint(x: 0, y: 0, label: "min")])))
        let contourRows = Self.parse(try #require(CSVExport.csv(contour)))
        #expect(contourRows.count == 1 + 6 + 2 + 1)
        // values[j][i] belongs to (xs[i], ys[j]).
        #expect(contourRows.contains(["grid", "", "2.0", "1.0", "5.0"]))
        #expect(contourRows.last == ["point", "min", "0.0", "0.0", ""])

        let bars = Figure(id: "b", title: "B", content: .bars(BarChart(categories: ["p", "q"], series: [BarSeries(name: "s", values: [1, 2])], yAxis: Axis("v"))))
        #expect(Self.parse(try #require(CSVExport.csv(bars))) == [["category", "series", "value"], ["p", "s", "1.0"], ["q", "s", "2.0"]])

        let heatmap = Figure(id: "h", title: "H", content: .heatmap(Heatmap(values: [[1, 2], [3, 4]], colorLabel: "v")))
        let heatRows = Self.parse(try #require(CSVExport.csv(heatmap)))
        #expect(heatRows.count == 5 && heatRows[3] == ["1", "0", "3.0"])

        let empty = Figure(id: "e", title: "E", content: .lines(LinePlot(xAxis: Axis("x"), yAxis: Axis("y"), series: [])))
        #expect(CSVExport.csv(empty) == nil)
    }
}
