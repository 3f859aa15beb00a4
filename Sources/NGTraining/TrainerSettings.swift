/// How a ``Trainer`` runs: steps, minibatches, and how often it records and saves.
public struct TrainerSettings: Sendable, Equatable {
    /// The total number of steps of the run (a resumed run continues up to it).
    public var steps: Int
    /// Examples per minibatch; at least N means full-batch steps (``Batch/all``).
    public var batchSize: Int
    /// The seed of the minibatch order: epoch e's permutation is a function of it and e alone
    /// (``Minibatches``), so a resumed run sees the batches it would have seen.
    public var seed: UInt64
    /// Steps between history entries, 1…10 (entries are also taken at step 0 and at the end).
    public var recordInterval: Int
    /// Steps between periodic checkpoints, nil for none (the writer is still called at the end,
    /// on an interrupt, and with the last good parameters after a non-finite step).
    public var checkpointInterval: Int?
    /// Examples per forward pass when evaluating the full-data objective and test metrics, to
    /// bound memory.
    public var evaluationChunkSize: Int

    /// - Parameters:
    ///   - steps: ≥ 1.
    ///   - batchSize: ≥ 1.
    ///   - seed: the minibatch order's seed.
    ///   - recordInterval: 1…10; 10 by default.
    ///   - checkpointInterval: ≥ 1 or nil; 100 by default.
    ///   - evaluationChunkSize: ≥ 1; 1000 by default.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` for a value out of range.
    public init(
        steps: Int, batchSize: Int, seed: UInt64 = 0, recordInterval: Int = 10, checkpointInterval: Int? = 100, evaluationChunkSize: Int = 1000
    ) throws {
        guard steps >= 1 else { throw TrainingError.invalidConfiguration("the number of steps must be positive, got \(steps)") }
        guard batchSize >= 1 else { throw TrainingError.invalidConfiguration("the batch size must be positive, got \(batchSize)") }
        guard (1...10).contains(recordInterval) else {
            throw TrainingError.invalidConfiguration("the record interval must be between 1 and 10 steps, got \(recordInterval)")
        }
        if let checkpointInterval, checkpointInterval < 1 {
            throw TrainingError.invalidConfiguration("the checkpoint interval must be positive, got \(checkpointInterval)")
        }
        guard evaluationChunkSize >= 1 else {
            throw TrainingError.invalidConfiguration("the evaluation chunk size must be positive, got \(evaluationChunkSize)")
        }
        self.steps = steps
        self.batchSize = batchSize
        self.seed = seed
        self.recordInterval = recordInterval
        self.checkpointInterval = checkpointInterval
        self.evaluationChunkSize = evaluationChunkSize
    }
}
