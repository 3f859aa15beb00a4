import NGTraining

/// One optimizer's numbers in a comparison (the table's row, unformatted).
public struct ComparisonRow: Sendable, Equatable, Codable {
    public var optimizer: String
    /// The final full-data training loss (of the last good step for a diverged run).
    public var finalLoss: Double
    /// The final test accuracy (classifiers with a test split), as a fraction.
    public var testAccuracy: Double?
    /// The final mean test NLL (models with a test split).
    public var testLoss: Double?
    /// The first recorded step at or below the target, nil if never.
    public var stepsToTarget: Int?
    /// The training time (sum of step times) at that step, seconds.
    public var secondsToTarget: Double?
    /// The median time of one step, seconds.
    public var medianStepSeconds: Double
    /// Steps taken (up to divergence).
    public var steps: Int
    /// The training time of all steps, seconds.
    public var trainingSeconds: Double
    /// The run's wall time, evaluations and data loading included, seconds.
    public var wallSeconds: Double
    /// Peak resident memory during the run, bytes.
    public var peakMemoryBytes: Int?
    /// The step that produced a non-finite loss, nil when none did.
    public var divergedAtStep: Int?

    enum CodingKeys: String, CodingKey {
        case optimizer, steps
        case finalLoss = "final_loss", testAccuracy = "test_accuracy", testLoss = "test_loss", stepsToTarget = "steps_to_target"
        case secondsToTarget = "seconds_to_target", medianStepSeconds = "median_step_seconds", trainingSeconds = "training_seconds"
        case wallSeconds = "wall_seconds", peakMemoryBytes = "peak_memory_bytes", divergedAtStep = "diverged_at_step"
    }

    /// The row of `run` against `target`.
    public init(run: TrainingRun, target: Double?) {
        let last = run.history.last
        let reached = target.flatMap { run.firstReaching($0) }
        optimizer = run.label
        finalLoss = run.finalLoss
        testAccuracy = last?.testAccuracy
        testLoss = last?.testLoss
        stepsToTarget = reached?.step
        secondsToTarget = reached?.seconds
        medianStepSeconds = run.stepSecondsMedian
        steps = last?.step ?? 0
        trainingSeconds = last?.seconds ?? 0
        wallSeconds = run.wallSeconds
        peakMemoryBytes = run.peakMemoryBytes
        divergedAtStep = run.divergedAtStep
    }
}
