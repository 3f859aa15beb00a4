import Foundation
import NGReport
import Testing

/// Renders the demo report with every figure kind; with `NG_REPORT_DEMO=FOLDER` set it also
/// writes it there as a report folder, for looking at in a browser.
@Suite("Demo report")
struct DemoReportTests {
    @Test func theDemoReportRendersAndCanBeWrittenOut() throws {
        let report = DemoReport.report
        let html = HTMLReport.render(report)
        #expect(XMLCheck(html).isWellFormed)
        // A self-contained report of this size stays small enough to mail.
        #expect(html.utf8.count < 3_000_000, "\(html.utf8.count) bytes")
        if let path = ProcessInfo.processInfo.environment["NG_REPORT_DEMO"], !path.isEmpty {
            let folder = try ReportFolder(path: path)
            for section in report.sections { try folder.write(section) }
            try folder.rebuildReport(title: report.title, order: report.sections.map(\.id))
        }
    }
}
