/// One section of a report: what one experiment (or one `natgrad compare` run) found, with the
/// record of how it was run. Its JSON (`SECTION-ID.json`) is the experiment's machine-readable
/// result; the HTML report is rebuilt from the sections found in an output folder.
public struct ReportSection: Sendable, Equatable, Codable {
    /// The experiment's name, file-name safe (`fisher-vs-hessian`); sections are ordered by it
    /// in a report (see ``Report``).
    public var id: String
    public var title: String
    /// The question the section answers, in one or two sentences.
    public var question: String
    /// What was found — written from the measured numbers by the producer, never typed in.
    public var findings: [String]
    /// How to read the tables and figures (what a good or bad value looks like).
    public var howToRead: String
    public var tables: [Table]
    public var figures: [Figure]
    /// Seed, configuration, machine and version of the run.
    public var record: RunRecord

    public init(
        id: String, title: String, question: String, findings: [String] = [], howToRead: String = "", tables: [Table] = [],
        figures: [Figure] = [], record: RunRecord
    ) {
        self.id = id
        self.title = title
        self.question = question
        self.findings = findings
        self.howToRead = howToRead
        self.tables = tables
        self.figures = figures
        self.record = record
    }
}

/// A whole report: a title and its sections, rendered by ``HTMLReport`` into one self-contained
/// file (inline SVG, inline CSS, no scripts or network).
public struct Report: Sendable, Equatable, Codable {
    public var title: String
    public var sections: [ReportSection]

    public init(title: String = "NaturalGradient report", sections: [ReportSection]) {
        self.title = title
        self.sections = sections
    }
}
