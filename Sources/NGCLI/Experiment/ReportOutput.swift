import ArgumentParser
import Foundation
import NaturalGradient

/// What `natgrad compare` and `natgrad experiment` share: the output folder, the terminal text
/// of a section, progress lines on standard error, and the report's section order.
enum ReportOutput {
    /// Opens (creating) the output folder; an unwritable path is a usage error (exit code 64)
    /// whose message names the path and the reason.
    static func folder(_ path: String) throws -> ReportFolder {
        do { return try ReportFolder(path: path) } catch let error as ReportError { throw ValidationError("--out: \(error)") }
    }

    /// Writes `section` into `folder`; a failure names the file and the reason.
    static func write(_ section: ReportSection, to folder: ReportFolder) throws {
        do { try folder.write(section) } catch let error as ReportError { throw ValidationError("--out: \(error)") }
    }

    /// Rebuilds `report.html` with the comparisons first, then the experiments in registry order.
    /// - Returns: the report's path.
    static func rebuild(_ folder: ReportFolder) throws -> String {
        do {
            let sections = try folder.sections()
            return try folder.rebuildReport(
                title: "NaturalGradient report", sections: ReportFolder.ordered(sections, by: order(ids: sections.map(\.id))))
        } catch let error as ReportError {
            throw ValidationError("--out: \(error)")
        }
    }

    /// The report order: `compare-…` sections (sorted), then ``ExperimentRegistry/names``.
    static func order(ids: [String]) -> [String] {
        ids.filter { $0.hasPrefix("compare-") }.sorted() + ExperimentRegistry.names
    }

    /// A section for a terminal: title, tables and findings.
    static func text(_ section: ReportSection) -> String {
        var text = "\(section.title)\n\n"
        for table in section.tables { text += TextTable.render(table) + "\n" }
        if !section.findings.isEmpty { text += section.findings.map { "• " + $0 }.joined(separator: "\n") + "\n" }
        return text
    }

    /// One line on standard error (progress).
    static func status(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
