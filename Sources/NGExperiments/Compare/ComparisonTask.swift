import NGTraining

/// One comparison of `natgrad compare`: several optimizers on the same task — the same data,
/// split, model, initialization, minibatch order and seed.
///
/// ``TrainingSession`` derives the split, the initialization and the minibatch order from the
/// seed alone, independently of the optimizer, so every run starts from the same parameters and
/// sees the same batches (when their batch sizes agree); only the update rule differs.
public struct ComparisonTask: Sendable, Equatable, Codable {
    /// An embedded data set name or a CSV path.
    public var data: String
    /// A model name (``ModelSpecification``).
    public var model: String
    /// The hidden activation of an mlp.
    public var activation: String
    /// The optimizers, in table and legend order.
    public var optimizers: [OptimizerChoice]
    /// Steps per optimizer.
    public var steps: Int
    /// Examples per minibatch for every optimizer; nil for each optimizer's default
    /// (``OptimizerRegistry/defaultBatchSize(_:family:exampleCount:)``).
    public var batchSize: Int?
    /// The share of examples held out for the test metric, in [0, 1).
    public var testFraction: Double
    /// Z-score the features with the training split's statistics.
    public var standardize: Bool
    /// The loss every optimizer is timed to; nil for the final loss of the best first-order
    /// baseline in the comparison.
    public var targetLoss: Double?
    /// The seed of the split, the initialization, the minibatches and the optimizers' draws.
    public var seed: UInt64
    /// Steps between evaluations of the full training loss (the resolution of "steps to target").
    public var recordInterval: Int

    public init(
        data: String, model: String, activation: String = "tanh", optimizers: [OptimizerChoice], steps: Int, batchSize: Int? = nil,
        testFraction: Double = 0, standardize: Bool = false, targetLoss: Double? = nil, seed: UInt64 = 0, recordInterval: Int = 10
    ) {
        self.data = data
        self.model = model
        self.activation = activation
        self.optimizers = optimizers
        self.steps = steps
        self.batchSize = batchSize
        self.testFraction = testFraction
        self.standardize = standardize
        self.targetLoss = targetLoss
        self.seed = seed
        self.recordInterval = recordInterval
    }

    enum CodingKeys: String, CodingKey {
        case data, model, activation, optimizers, steps, standardize, seed
        case batchSize = "batch", testFraction = "test_fraction", targetLoss = "target_loss", recordInterval = "record_interval"
    }

    /// The report section's id: `compare-` and the model's name without its sizes
    /// (`compare-autoencoder`, `compare-mlp`).
    public var sectionID: String {
        let base = model.lowercased().split(separator: ":").first.map(String.init) ?? model
        let safe = base.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" }
        return "compare-" + String(safe)
    }

    /// The training configuration of one optimizer's run.
    public func configuration(for choice: OptimizerChoice) -> TrainingConfiguration {
        TrainingConfiguration(
            data: data, model: model, activation: activation, optimizer: choice.name, steps: steps, batchSize: batchSize,
            learningRate: choice.learningRate, standardize: standardize, testFraction: testFraction, seed: seed)
    }

    /// Checks everything that needs no data: names (with the valid choices), counts and ranges.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)``.
    public func validate() throws {
        guard !optimizers.isEmpty else { throw TrainingError.invalidConfiguration("a comparison needs at least one optimizer") }
        try OptimizerChoice.checkDistinct(optimizers)
        guard recordInterval >= 1 else { throw TrainingError.invalidConfiguration("the record interval must be positive, got \(recordInterval)") }
        if let targetLoss, !targetLoss.isFinite {
            throw TrainingError.invalidConfiguration("--target-loss must be a finite number, got \(targetLoss)")
        }
        for choice in optimizers { try configuration(for: choice).validate() }
    }

    /// The settings as strings, for the run record.
    public var recordConfiguration: [String: String] {
        var values = [
            "data": data, "model": model, "activation": activation, "optimizers": optimizers.map(\.description).joined(separator: ","),
            "steps": "\(steps)", "batch": batchSize.map { "\($0)" } ?? "per-optimizer default", "test_fraction": "\(testFraction)",
            "standardize": "\(standardize)", "seed": "\(seed)", "record_interval": "\(recordInterval)",
        ]
        values["target_loss"] = targetLoss.map { "\($0)" } ?? "best first-order final loss"
        return values
    }
}

extension ComparisonTask {
    /// The project's main job (`natgrad compare` with no arguments) on the embedded MNIST-5k:
    /// first-order baselines against natural-gradient methods on the deep autoencoder and on an
    /// MLP classifier (80/20 split, test accuracy), sized to finish in under two minutes
    /// on two idle cores in a release build (the smoke scale: seconds, for tests).
    public static func mainJob(seed: UInt64 = 0, smoke: Bool = false) -> [ComparisonTask] {
        [
            ComparisonTask(
                data: "mnist5k", model: "autoencoder",
                optimizers: ["momentum", "adam", "shampoo", "kfac", "ekfac"].map { OptimizerChoice($0) },
                steps: smoke ? 3 : 120, batchSize: smoke ? 100 : 1000, seed: seed, recordInterval: smoke ? 1 : 5),
            ComparisonTask(
                data: "mnist5k", model: smoke ? "mlp:784-16-10" : "mlp:784-256-10",
                optimizers: ["sgd", "adam", "shampoo", "kfac", "ekfac"].map { OptimizerChoice($0) },
                steps: smoke ? 4 : 200, batchSize: smoke ? 100 : 500, testFraction: 0.2, seed: seed, recordInterval: smoke ? 1 : 10),
        ]
    }

    /// The optimizers compared when none are named: first-order baselines and the curvature
    /// methods that fit the model (dense Newton/NGD only for the small linear models).
    public static func defaultOptimizers(for family: ModelFamily) -> [OptimizerChoice] {
        let names = family == .generalizedLinear
            ? ["sgd", "momentum", "adam", "lbfgs", "ngd", "newton"]
            : ["sgd", "momentum", "adam", "shampoo", "kfac", "ekfac"]
        return names.map { OptimizerChoice($0) }
    }
}
