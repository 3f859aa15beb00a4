import Foundation
@testable import NGReport
import Testing

/// The HTML report: one well-formed, self-contained, escaped document.
@Suite("HTML report")
struct HTMLReportTests {
    @Test func theDemoReportIsWellFormedAndSelfContained() throws {
        let html = HTMLReport.render(DemoReport.report)
        let check = XMLCheck(html)
        try #require(check.isWellFormed, "\(check.error ?? "")")
        // No scripts, no external resources: the only URLs are XML namespace names.
        #expect(check.elements(named: "script").isEmpty)
        #expect(check.elements(named: "link").isEmpty && check.elements(named: "img").isEmpty)
        let urls = html.components(separatedBy: "http").dropFirst().map { String($0.prefix(40)) }
        #expect(urls.allSatisfy { $0.hasPrefix("://www.w3.org/2000/svg\"") || $0.hasPrefix("://www.w3.org/1999/xhtml\"") }, "\(urls)")
        // One inline SVG per figure, one caption each.
        let figureCount = DemoReport.report.sections.map(\.figures.count).reduce(0, +)
        #expect(check.elements(named: "svg").count == figureCount)
        #expect(check.elements(named: "figcaption").count == figureCount)
    }

    @Test func theTableOfContentsLinksToEverySection() throws {
        let report = DemoReport.report
        let check = XMLCheck(HTMLReport.render(report))
        let targets = check.elements(named: "a").compactMap { $0["href"] }.filter { $0.hasPrefix("#") }.map { String($0.dropFirst()) }
        let anchors = check.elements(named: "section").compactMap { $0["id"] }
        #expect(anchors.count == report.sections.count)
        #expect(targets == anchors)
        for section in report.sections { #expect(check.texts.contains(section.title)) }
    }

    @Test func everyTextIsEscaped() throws {
        let hostile = "<script>alert('x')</script> & <b>"
        let section = ReportSection(
            id: "a<b", title: hostile, question: hostile, findings: [hostile], howToRead: hostile,
            tables: [Table(id: "t", title: hostile, columns: [hostile, "n"], rows: [[hostile, "1.5"]], note: hostile)],
            figures: [Figure(id: "f", title: hostile, caption: hostile, content: .bars(BarChart(categories: [hostile], series: [BarSeries(name: hostile, values: [1])], yAxis: Axis(hostile))))],
            record: RunRecord(command: hostile, seed: 1, configuration: [hostile: hostile]))
        let html = HTMLReport.render(Report(title: hostile, sections: [section, section]))
        let check = XMLCheck(html)
        try #require(check.isWellFormed, "\(check.error ?? "")")
        #expect(check.elements(named: "script").isEmpty && check.elements(named: "b").isEmpty)
        #expect(!html.contains("<script>"))
        #expect(check.texts.filter { $0.contains(hostile) }.count >= 10)
        // Duplicate section ids still get distinct anchors.
        let anchors = check.elements(named: "section").compactMap { $0["id"] }
        #expect(Set(anchors).count == 2)
    }

    @Test func numericColumnsAreRightAligned() throws {
        let table = Table(
            id: "t", title: "Results", columns: ["optimizer", "loss", "steps"],
            rows: [["adam", "0.0123", "—"], ["kfac", "1.2e-05", "40"], ["ngd", "NaN", "1,200"]])
        let check = XMLCheck("<div>" + HTMLReport.renderTable(table) + "</div>")
        let cells = check.elements(named: "td")
        #expect(cells.count == 9)
        for (index, cell) in cells.enumerated() {
            #expect((cell["class"] == "num") == (index % 3 != 0), "cell \(index)")
        }
        #expect(NumericCells.numericColumns(table) == [false, true, true])
        #expect(!NumericCells.isNumeric("adam 2") && NumericCells.isNumeric("−3.5×10⁻⁴") && NumericCells.isNumeric("12 %"))
    }

    @Test func theRunRecordListsSeedCommandConfigurationAndMachine() throws {
        let record = RunRecord(command: "natgrad experiment kfac --seed 9", seed: 9, configuration: ["damping": "0.001", "steps": "300"], seconds: 125)
        let check = XMLCheck(HTMLReport.renderRecord(record))
        try #require(check.isWellFormed)
        for text in ["natgrad experiment kfac --seed 9", "9", "config: damping", "0.001", "config: steps", "300", record.version, record.machine.operatingSystem] {
            #expect(check.texts.contains(text), "missing \(text)")
        }
        #expect(check.texts.contains { $0.contains("2 min 05 s") })
    }

    @Test func anEmptyReportSaysHowToFillIt() throws {
        let check = XMLCheck(HTMLReport.render(Report(sections: [])))
        try #require(check.isWellFormed)
        #expect(check.texts.contains { $0.contains("No results yet") })
    }
}
