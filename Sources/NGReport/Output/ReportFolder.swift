import Foundation
import NGData

/// An output folder of results: each section's JSON, its tables as CSV, its figures as SVG
/// (with their data as CSV), and `report.html` rebuilt from every section found there — so
/// experiments run one at a time, or in separate processes, add up to one report.
///
/// Every file is written atomically (a temporary file, then a rename): a report being
/// rebuilt never reads half a section.
public struct ReportFolder: Sendable {
    /// The folder's path as given.
    public let path: String

    /// Opens the folder at `path`, creating it (and its parents) when missing.
    /// - Throws: ``ReportError/unwritable(path:reason:)`` when it cannot be created or written.
    public init(path: String) throws {
        try AtomicFile.createFolder(path)
        self.path = path
    }

    /// Writes `section` as `ID.json`, each table as `ID-TABLE.csv`, each figure as
    /// `ID-FIGURE.svg` and its data as `ID-FIGURE.csv`, where the ids are made file-name safe
    /// (characters outside `A–Z a–z 0–9 . _ -` become `-`).
    /// - Returns: the paths written, JSON first.
    /// - Throws: ``ReportError`` naming the file that could not be encoded or written.
    @discardableResult
    public func write(_ section: ReportSection) throws -> [String] {
        let id = Self.fileName(section.id)
        var written: [String] = []
        let jsonPath = file("\(id).json")
        let json: Data
        do {
            json = try ReportJSON.encode(section)
        } catch {
            throw ReportError.encoding(path: jsonPath, reason: "\(error)")
        }
        try AtomicFile.write(json, to: jsonPath)
        written.append(jsonPath)
        for table in section.tables {
            let tablePath = file("\(id)-\(Self.fileName(table.id)).csv")
            try AtomicFile.write(CSVExport.csv(table), to: tablePath)
            written.append(tablePath)
        }
        for figure in section.figures {
            let stem = "\(id)-\(Self.fileName(figure.id))"
            let svgPath = file("\(stem).svg")
            try AtomicFile.write(SVGRenderer.render(figure), to: svgPath)
            written.append(svgPath)
            if let data = CSVExport.csv(figure) {
                let csvPath = file("\(stem).csv")
                try AtomicFile.write(data, to: csvPath)
                written.append(csvPath)
            }
        }
        return written
    }

    /// Every `*.json` file in the folder that decodes as a ``ReportSection`` (other JSON files
    /// are skipped), ordered by `order` (ids listed there first, in that order), then by id.
    /// - Throws: ``ReportError/unreadable(path:reason:)`` when the folder cannot be listed.
    public func sections(order: [String] = []) throws -> [ReportSection] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw ReportError.unreadable(path: path, reason: Self.reason(error))
        }
        var sections: [ReportSection] = []
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
            guard let data = FileManager.default.contents(atPath: file(name)),
                let section = try? ReportJSON.decode(ReportSection.self, from: data)
            else { continue }
            sections.append(section)
        }
        return Self.ordered(sections, by: order)
    }

    /// `sections` ordered by `order` (ids listed there first, in that order), then by id.
    public static func ordered(_ sections: [ReportSection], by order: [String]) -> [ReportSection] {
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return sections.sorted { a, b in
            switch (rank[a.id], rank[b.id]) {
            case let (x?, y?): return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return a.id < b.id
            }
        }
    }

    /// Rebuilds `report.html` from the sections in the folder.
    /// - Returns: the report's path.
    /// - Throws: ``ReportError`` when the folder cannot be read or the report written.
    @discardableResult
    public func rebuildReport(title: String = "NaturalGradient report", order: [String] = []) throws -> String {
        try rebuildReport(title: title, sections: try sections(order: order))
    }

    /// Rebuilds `report.html` from `sections` (read from the folder by the caller), in their order.
    /// - Returns: the report's path.
    /// - Throws: ``ReportError`` when the report cannot be written.
    @discardableResult
    public func rebuildReport(title: String, sections: [ReportSection]) throws -> String {
        let report = Report(title: title, sections: sections)
        let reportPath = file("report.html")
        try AtomicFile.write(HTMLReport.render(report), to: reportPath)
        return reportPath
    }

    /// The path of `name` inside the folder.
    public func file(_ name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }

    /// `id` with every character outside `A–Z a–z 0–9 . _ -` replaced by `-` (and a leading
    /// dot replaced too, so no file is hidden); empty ids become `unnamed`.
    public static func fileName(_ id: String) -> String {
        var name = String(id.unicodeScalars.map { scalar -> Character in
            let allowed = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "." || scalar == "_" || scalar == "-"
            return allowed ? Character(scalar) : "-"
        })
        if name.hasPrefix(".") { name = "-" + name.dropFirst() }
        return name.isEmpty ? "unnamed" : name
    }

    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return AtomicFile.reason(Int32(underlying.code))
        }
        return nsError.localizedDescription
    }
}
