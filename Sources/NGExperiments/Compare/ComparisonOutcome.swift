import NGTraining

/// What a comparison measured: every run, the target and the rows.
public struct ComparisonOutcome: Sendable {
    public var task: ComparisonTask
    /// The runs, in the task's optimizer order.
    public var runs: [TrainingRun]
    public var target: TargetLoss
    /// One row per run, in the same order.
    public var rows: [ComparisonRow]
    /// Whether the task is a classification with a test split (the test metric is accuracy).
    public var reportsAccuracy: Bool
    /// Wall time of the whole comparison, seconds.
    public var seconds: Double

    /// The JSON object of `natgrad compare --json` for this task.
    public var summary: ComparisonSummary {
        ComparisonSummary(
            id: task.sectionID, task: task, targetLoss: target.value, targetSetBy: target.setBy, targetExplanation: target.explanation,
            rows: rows, peakMemoryPerRun: PeakMemoryMeter.isResettable, seconds: seconds,
            histories: Dictionary(uniqueKeysWithValues: runs.map { ($0.label, $0.history) }))
    }
}

/// A comparison's numbers as `natgrad compare --json` prints them (snake_case keys).
public struct ComparisonSummary: Sendable, Equatable, Codable {
    public var id: String
    public var task: ComparisonTask
    public var targetLoss: Double?
    public var targetSetBy: String?
    public var targetExplanation: String
    public var rows: [ComparisonRow]
    /// Whether peak memory was reset before each run (else it is the process's peak so far).
    public var peakMemoryPerRun: Bool
    public var seconds: Double
    /// Each run's history by optimizer.
    public var histories: [String: [HistoryEntry]]

    enum CodingKeys: String, CodingKey {
        case id, task, rows, seconds, histories
        case targetLoss = "target_loss", targetSetBy = "target_set_by", targetExplanation = "target_explanation"
        case peakMemoryPerRun = "peak_memory_per_run"
    }
}
