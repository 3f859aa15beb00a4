import Foundation

/// The outcome of a training run, as `natgrad train --json` prints it (snake_case keys).
public struct TrainingReport: Sendable, Equatable, Codable {
    /// The final full-data training objective: mean NLL + (l2/2)·‖W‖².
    public var loss: Double
    /// Steps taken (in all, including those before a resume).
    public var steps: Int
    /// Training wall time in seconds: the sum of the step times (evaluations for the history
    /// excluded), including the time before a resume.
    public var seconds: Double
    /// This session's wall time, evaluations, checkpoints and data loading included.
    public var wallSeconds: Double
    /// The median wall time of one step of this session.
    public var stepSecondsMedian: Double
    /// The process's peak resident memory (VmHWM) in bytes, nil where unavailable.
    public var peakMemoryBytes: Int?
    /// The full-data objective and test metrics, at step 0, at least every 10 steps, and at the end.
    public var history: [HistoryEntry]
    /// The mean NLL on the test split, when there is one.
    public var testLoss: Double?
    /// The test accuracy of a classifier, when there is a test split.
    public var testAccuracy: Double?
    /// The training accuracy of a classifier.
    public var trainAccuracy: Double?
    /// The seed of the run.
    public var seed: UInt64
    /// `completed` or `interrupted`.
    public var stopped: StopReason
    /// The resolved configuration (defaults filled in).
    public var configuration: TrainingConfiguration
    /// P, the number of parameters.
    public var parameterCount: Int
    /// The training and test split sizes.
    public var trainExamples: Int
    public var testExamples: Int
    /// The last step's optimizer diagnostics (damping, ρ, CG iterations, …).
    public var diagnostics: [String: Double]
    /// The step a resumed run started from, nil for a fresh run.
    public var resumedFromStep: Int?
    /// The run folder, when there is one.
    public var runDirectory: String?

    enum CodingKeys: String, CodingKey {
        case loss, steps, seconds, history, seed, stopped, configuration, diagnostics
        case wallSeconds = "wall_seconds", stepSecondsMedian = "step_seconds_median", peakMemoryBytes = "peak_memory_bytes"
        case testLoss = "test_loss", testAccuracy = "test_accuracy", trainAccuracy = "train_accuracy"
        case parameterCount = "parameter_count", trainExamples = "train_examples", testExamples = "test_examples"
        case resumedFromStep = "resumed_from_step", runDirectory = "run_directory"
    }

    /// A few lines for a terminal.
    public var summary: String {
        func format(_ value: Double, _ digits: Int = 6) -> String { String(format: "%.\(digits)g", value) }
        let c = configuration
        var lines = [
            "\(c.model) on \(c.data) with \(c.optimizer): \(steps) steps (\(stopped.rawValue)), \(parameterCount) parameters, "
                + "\(trainExamples) train / \(testExamples) test examples, \(c.precision?.rawValue ?? "") (seed \(seed))",
            "  training objective \(format(loss)) after \(format(seconds, 4)) s (median step \(format(stepSecondsMedian * 1000, 4)) ms)",
        ]
        var metrics = [String]()
        if let trainAccuracy { metrics.append("train accuracy \(format(100 * trainAccuracy, 4)) %") }
        if let testLoss { metrics.append("test loss \(format(testLoss))") }
        if let testAccuracy { metrics.append("test accuracy \(format(100 * testAccuracy, 4)) %") }
        if !metrics.isEmpty { lines.append("  " + metrics.joined(separator: ", ")) }
        if let peakMemoryBytes { lines.append("  peak memory \(format(Double(peakMemoryBytes) / 1_048_576, 4)) MiB") }
        if let runDirectory { lines.append("  saved to \(runDirectory)") }
        return lines.joined(separator: "\n")
    }
}
