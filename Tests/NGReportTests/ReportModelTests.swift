import Foundation
import NGReport
import Testing

@Suite("Report model")
struct ReportModelTests {
    @Test func cellsFormatSignificantDigitsAndMarkMissingValues() {
        #expect(Table.cell(0.000123456, digits: 3) == "0.000123")
        #expect(Table.cell(1234567, digits: 3) == "1.23e+06")
        #expect(Table.cell(nil) == "—")
        #expect(Table.cell(.nan) == "NaN")
        #expect(Table.cell(-.infinity) == "−∞")
    }

    @Test func sectionsSurviveAJSONRoundTrip() throws {
        let figure = Figure(
            id: "curves", title: "Loss",
            content: .lines(LinePlot(xAxis: Axis("step"), yAxis: Axis("loss (nats)", scale: .log), series: [Series(name: "sgd", x: [0, 1], y: [2, 1])])))
        let contour = Figure(
            id: "slice", title: "Slice",
            content: .contour(ContourPlot(xAxis: Axis("α"), yAxis: Axis("β"), xs: [0, 1], ys: [0, 1, 2], values: [[0, 1], [1, 2], [2, 3]])))
        let section = ReportSection(
            id: "demo", title: "Demo", question: "Does it round-trip?", findings: ["yes"],
            tables: [Table(id: "t", title: "T", columns: ["a", "b"], rows: [["1", "2"]])], figures: [figure, contour],
            record: RunRecord(command: "test", seed: 7, configuration: ["steps": "2"]))
        let decoded = try JSONDecoder().decode(ReportSection.self, from: JSONEncoder().encode(section))
        #expect(decoded == section)
        #expect(decoded.record.machine.cores >= 1)
    }
}
