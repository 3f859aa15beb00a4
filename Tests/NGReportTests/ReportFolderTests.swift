import Foundation
import NGData
import NGReport
import Testing

/// The output folder: files written atomically, the report rebuilt from whatever sections are
/// there, and errors that name the path.
@Suite("Report folder")
struct ReportFolderTests {
    static func temporaryFolder(_ name: String = #function) -> String {
        let path = NSTemporaryDirectory() + "ngreport-\(ReportFolder.fileName(name))-\(UUID().uuidString)"
        return path
    }

    static func section(_ id: String, title: String) -> ReportSection {
        ReportSection(
            id: id, title: title, question: "Q?", findings: ["found"],
            tables: [Table(id: "summary", title: "S", columns: ["a", "b"], rows: [["x", "1"]])],
            figures: [Figure(id: "curve", title: "Curve", content: .lines(LinePlot(xAxis: Axis("x"), yAxis: Axis("y"), series: [Series(name: "s", x: [0, 1], y: [1, 0])])))],
            record: RunRecord(command: "test", seed: 3, configuration: ["k": "v"]))
    }

    @Test func writeProducesJSONCSVAndSVGThatDecodeBack() throws {
        let path = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let folder = try ReportFolder(path: path + "/nested/out")
        let section = Self.section("kfac", title: "K-FAC")
        let written = try folder.write(section)
        let names = written.map { ($0 as NSString).lastPathComponent }
        #expect(names == ["kfac.json", "kfac-summary.csv", "kfac-curve.svg", "kfac-curve.csv"])
        for file in written { #expect(FileManager.default.fileExists(atPath: file)) }
        let json = try #require(FileManager.default.contents(atPath: written[0]))
        #expect(try ReportJSON.decode(ReportSection.self, from: json) == section)
        // Sorted keys, pretty-printed.
        let text = String(decoding: json, as: UTF8.self)
        let keys = ["\"figures\"", "\"findings\"", "\"howToRead\"", "\"id\"", "\"question\"", "\"record\"", "\"tables\"", "\"title\""]
        let positions = keys.compactMap { text.range(of: "\n  " + $0)?.lowerBound }
        #expect(positions.count == keys.count && positions == positions.sorted())
        #expect(try String(contentsOfFile: written[1], encoding: .utf8) == "a,b\nx,1\n")
        // No temporary files are left behind.
        let all = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(all.allSatisfy { !$0.hasPrefix(".") })
    }

    @Test func nonFiniteNumbersSurviveTheJSON() throws {
        let path = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let folder = try ReportFolder(path: path)
        var section = Self.section("diverged", title: "D")
        section.figures = [Figure(id: "c", title: "C", content: .lines(LinePlot(xAxis: Axis("x"), yAxis: Axis("y"), series: [Series(name: "s", x: [0, 1, 2], y: [1, .nan, .infinity])])))]
        let json = try #require(FileManager.default.contents(atPath: try folder.write(section)[0]))
        #expect(String(decoding: json, as: UTF8.self).contains("\"NaN\""))
        let decoded = try ReportJSON.decode(ReportSection.self, from: json)
        guard case .lines(let plot) = decoded.figures[0].content else { Issue.record("not lines"); return }
        #expect(plot.series[0].y[1].isNaN && plot.series[0].y[2] == .infinity)
    }

    @Test func rebuildOrdersSectionsAndSkipsOtherJSON() throws {
        let path = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let folder = try ReportFolder(path: path)
        for (id, title) in [("landscape", "Landscape"), ("approximation", "Approximation"), ("kfac", "KFAC")] {
            try folder.write(Self.section(id, title: title))
        }
        try AtomicFile.write("{\"not\": \"a section\"}", to: folder.file("other.json"))
        try AtomicFile.write("garbage", to: folder.file("broken.json"))
        #expect(try folder.sections().map(\.id) == ["approximation", "kfac", "landscape"])
        #expect(try folder.sections(order: ["landscape", "missing"]).map(\.id) == ["landscape", "approximation", "kfac"])
        let reportPath = try folder.rebuildReport(title: "Results & more", order: ["kfac"])
        #expect(reportPath == folder.file("report.html"))
        let html = try String(contentsOfFile: reportPath, encoding: .utf8)
        let check = XMLCheck(html)
        try #require(check.isWellFormed)
        #expect(check.elements(named: "section").compactMap { $0["id"] } == ["section-kfac", "section-approximation", "section-landscape"])
        #expect(check.texts.contains("Results & more"))
    }

    @Test func aFolderUnderAFileIsUnwritableAndTheErrorNamesThePath() throws {
        let path = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try AtomicFile.createFolder(path)
        let file = path + "/plain-file"
        try AtomicFile.write("x", to: file)
        let target = file + "/results"
        do {
            _ = try ReportFolder(path: target)
            Issue.record("expected an error")
        } catch let error as ReportError {
            guard case .unwritable(let errorPath, let reason) = error else { Issue.record("wrong case \(error)"); return }
            #expect(errorPath == target)
            #expect(reason.contains("not a directory"))
            #expect(error.description.contains(target))
        }
        // Writing a file where a folder stands names that path too.
        let folder = try ReportFolder(path: path)
        try AtomicFile.createFolder(path + "/kfac.json")
        #expect(throws: ReportError.unwritable(path: path + "/kfac.json", reason: "is a directory")) { try folder.write(Self.section("kfac", title: "K")) }
    }

    @Test(.enabled(if: getuid() != 0, "root ignores permission bits"))
    func aReadOnlyFolderGivesPermissionDenied() throws {
        let path = Self.temporaryFolder()
        defer {
            chmod(path, 0o755)
            try? FileManager.default.removeItem(atPath: path)
        }
        try AtomicFile.createFolder(path)
        chmod(path, 0o555)
        #expect(throws: ReportError.unwritable(path: path, reason: "permission denied")) { _ = try ReportFolder(path: path) }
        #expect(throws: ReportError.unwritable(path: path + "/x.json", reason: "permission denied")) { try AtomicFile.write("x", to: path + "/x.json") }
    }

    @Test func identifiersBecomeSafeFileNames() {
        #expect(ReportFolder.fileName("fisher-vs-hessian") == "fisher-vs-hessian")
        #expect(ReportFolder.fileName("../etc/passwd") == "-.-etc-passwd")
        #expect(ReportFolder.fileName("a b/c") == "a-b-c")
        #expect(ReportFolder.fileName("") == "unnamed")
    }
}
