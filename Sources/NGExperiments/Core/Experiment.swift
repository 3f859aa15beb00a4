import NGReport

/// One experiment of `natgrad experiment NAME`: a question about natural gradients answered by
/// measurement on real data, returned as a report section (tables, figures, findings and the
/// run record). Every number in the section is computed by the run; nothing is typed in.
public struct Experiment: Sendable {
    /// The command-line name (`fisher-vs-hessian`); also the section's id.
    public let name: String
    /// The section title.
    public let title: String
    /// One line for `natgrad experiment --help` and error messages.
    public let summary: String
    /// Runs the experiment.
    public let run: @Sendable (ExperimentSettings) throws -> ReportSection

    public init(name: String, title: String, summary: String, run: @escaping @Sendable (ExperimentSettings) throws -> ReportSection) {
        self.name = name
        self.title = title
        self.summary = summary
        self.run = run
    }
}

/// How big an experiment runs.
public enum ExperimentScale: String, Sendable, Codable, CaseIterable {
    /// The real experiment (minutes).
    case full
    /// The same code paths on tiny sizes and few steps (seconds), for tests and smoke runs;
    /// its numbers answer nothing.
    case smoke
}

/// What every experiment takes.
public struct ExperimentSettings: Sendable {
    /// The root seed of every random draw.
    public var seed: UInt64
    public var scale: ExperimentScale
    /// The command line recorded in the run record.
    public var command: String
    /// Receives one-line status messages for a terminal ("training kfac on the autoencoder…").
    public var progress: @Sendable (String) -> Void

    public init(seed: UInt64 = 0, scale: ExperimentScale = .full, command: String = "", progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.seed = seed
        self.scale = scale
        self.command = command
        self.progress = progress
    }

    /// `full` when running for real, `smoke` when testing.
    public func size<T>(full: T, smoke: T) -> T { scale == .full ? full : smoke }
}
