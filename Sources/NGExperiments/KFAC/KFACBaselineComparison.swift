import NGTraining

/// Part (b) of the kfac experiment: K-FAC against first-order baselines and Shampoo on one
/// task, each optimizer with the registry's defaults for the model (``OptimizerRegistry``),
/// from the same initialization, data and seed — at full scale the deep autoencoder on
/// MNIST-5k (Martens & Grosse 2015's benchmark), at smoke scale a small MLP on the digits.
struct KFACBaselineComparison: Sendable {
    /// The data set name (`mnist5k`).
    var data: String
    /// The model name (`autoencoder`).
    var model: String
    /// The optimizer names, in legend order.
    var optimizers: [String]
    var steps: Int
    /// Steps between full-data loss evaluations (1…10).
    var recordInterval: Int

    /// Trains each optimizer; a diverging one is a result (``TrainingRun/divergedAtStep``).
    /// - Throws: ``TrainingError`` for a configuration the registry rejects.
    func run(seed: UInt64, progress: (String) -> Void = { _ in }) throws -> [TrainingRun] {
        try optimizers.map { name in
            progress("kfac (b): training \(name) on \(model) / \(data) for \(steps) steps")
            let configuration = TrainingConfiguration(data: data, model: model, optimizer: name, steps: steps, seed: seed)
            return try TrainingRun.run(configuration, label: name, recordInterval: recordInterval)
        }
    }
}
