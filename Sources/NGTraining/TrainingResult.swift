import NGLinearAlgebra

/// One row of a run's history: the full-data training objective (penalty included) and the
/// test metrics at a step.
public struct HistoryEntry: Sendable, Equatable, Codable {
    /// The number of steps taken (0 = the starting point).
    public var step: Int
    /// Training time up to this step, in seconds: the sum of the step times, excluding the
    /// evaluations that produce these entries.
    public var seconds: Double
    /// J(θ) on the whole training set: mean negative log-likelihood + (l2/2)·‖W‖².
    public var loss: Double
    /// The mean negative log-likelihood on the test split, when there is one.
    public var testLoss: Double?
    /// The test accuracy of a classifier, when there is a test split.
    public var testAccuracy: Double?

    public init(step: Int, seconds: Double, loss: Double, testLoss: Double? = nil, testAccuracy: Double? = nil) {
        self.step = step
        self.seconds = seconds
        self.loss = loss
        self.testLoss = testLoss
        self.testAccuracy = testAccuracy
    }

    enum CodingKeys: String, CodingKey {
        case step, seconds, loss
        case testLoss = "test_loss", testAccuracy = "test_accuracy"
    }
}

/// Where a run stands: what `--resume` needs besides the parameters.
public struct TrainingState: Sendable, Equatable, Codable {
    /// Steps taken so far.
    public var step: Int
    /// Training time so far (sum of step times), in seconds.
    public var seconds: Double
    /// The history so far.
    public var history: [HistoryEntry]

    public init(step: Int = 0, seconds: Double = 0, history: [HistoryEntry] = []) {
        self.step = step
        self.seconds = seconds
        self.history = history
    }
}

/// Why a run ended.
public enum StopReason: String, Sendable, Codable, Equatable {
    /// Every requested step was taken.
    case completed
    /// An interrupt (Ctrl-C) was requested; the run stopped after the step in progress.
    case interrupted
}

/// What ``Trainer/run(_:parameters:resuming:)`` returns.
public struct TrainingResult: Sendable {
    /// The state at the end: steps taken, training seconds, history.
    public var state: TrainingState
    /// The wall time of each step of this session, in seconds.
    public var stepSeconds: [Double]
    /// The wall time of this session, evaluations and checkpoints included.
    public var wallSeconds: Double
    /// Why the run ended.
    public var stopReason: StopReason
    /// The diagnostics of the last step (damping, ρ, …).
    public var lastDiagnostics: [String: Double]

    /// The full-data training objective at the last recorded step (the final step of a run that
    /// ended normally).
    public var loss: Double { state.history.last?.loss ?? .nan }

    /// The median of ``stepSeconds`` (0 without steps).
    public var medianStepSeconds: Double { stepSeconds.median ?? 0 }
}

/// A moment at which the trainer hands its parameters to the checkpoint writer.
public enum CheckpointReason: String, Sendable, Equatable {
    /// Every ``TrainerSettings/checkpointInterval`` steps.
    case periodic
    /// The end of a completed run.
    case final
    /// After an interrupt.
    case interrupted
    /// The last good parameters, after a step produced non-finite values.
    case lastGood
}

/// What the checkpoint writer receives.
public struct TrainingSnapshot<Scalar: BLASScalar>: Sendable {
    /// The parameters to save.
    public var parameters: Vector<Scalar>
    /// The run's state at those parameters.
    public var state: TrainingState
    /// Why the snapshot is taken.
    public var reason: CheckpointReason

    public init(parameters: Vector<Scalar>, state: TrainingState, reason: CheckpointReason) {
        self.parameters = parameters
        self.state = state
        self.reason = reason
    }
}

/// What the per-step callback receives (for progress bars).
public struct TrainingProgress: Sendable {
    /// Steps taken.
    public var step: Int
    /// Steps requested in all.
    public var totalSteps: Int
    /// J on the last step's batch, before that step.
    public var batchLoss: Double
    /// Training time so far, in seconds.
    public var seconds: Double

    public init(step: Int, totalSteps: Int, batchLoss: Double, seconds: Double) {
        self.step = step
        self.totalSteps = totalSteps
        self.batchLoss = batchLoss
        self.seconds = seconds
    }
}
