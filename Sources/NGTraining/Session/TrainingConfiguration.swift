import NGModels

/// The floating-point precision of a run.
public enum Precision: String, Sendable, Codable, CaseIterable {
    case float32
    case float64
}

/// Everything that defines a training run, as `natgrad train` takes it and as `config.json`
/// stores it (a resumed run reads it back).
///
/// Options left nil take defaults that depend on the model and optimizer; ``TrainingSession``
/// resolves them and reports the resolved values.
public struct TrainingConfiguration: Sendable, Equatable, Codable {
    /// An embedded data set name or a CSV path (``Dataset/load(_:targetKind:)``).
    public var data: String
    /// A model name (``ModelSpecification/init(name:activation:)``).
    public var model: String
    /// The hidden activation of an mlp.
    public var activation: String
    /// An optimizer name (``OptimizerRegistry/names``).
    public var optimizer: String
    /// The total number of steps.
    public var steps: Int
    /// Examples per minibatch; nil for the optimizer's default (``OptimizerRegistry/defaultBatchSize(_:family:exampleCount:)``).
    public var batchSize: Int?
    /// The learning rate; nil for the optimizer's default for the model.
    public var learningRate: Double?
    /// The (initial) damping; nil for the optimizer's default.
    public var damping: Double?
    /// λ₂ of the penalty (λ₂/2)·‖W‖² on the weights; nil for 1/N for the linear models
    /// (scikit-learn's default C = 1, see ``TrainingSession``) and 0 for networks.
    public var l2: Double?
    /// Whether to z-score the features with the training split's mean and population std.
    public var standardize: Bool
    /// The share of examples held out for testing, in [0, 1).
    public var testFraction: Double
    /// The seed of everything random: split, initialization, minibatches, the optimizer's draws.
    public var seed: UInt64
    /// The precision; nil for Float64 with the linear models and Float32 with networks.
    public var precision: Precision?

    public init(
        data: String, model: String, activation: String = "tanh", optimizer: String, steps: Int = 100, batchSize: Int? = nil,
        learningRate: Double? = nil, damping: Double? = nil, l2: Double? = nil, standardize: Bool = false, testFraction: Double = 0,
        seed: UInt64 = 0, precision: Precision? = nil
    ) {
        self.data = data
        self.model = model
        self.activation = activation
        self.optimizer = optimizer
        self.steps = steps
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.damping = damping
        self.l2 = l2
        self.standardize = standardize
        self.testFraction = testFraction
        self.seed = seed
        self.precision = precision
    }

    /// Checks the values that need no data: names, ranges.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` naming the bad option and, for
    ///   names, the valid choices.
    public func validate() throws {
        _ = try modelSpecification()
        guard OptimizerRegistry.names.contains(optimizer.lowercased()) else {
            throw TrainingError.invalidConfiguration("unknown optimizer '\(optimizer)'; choose one of: \(OptimizerRegistry.names.joined(separator: ", "))")
        }
        guard steps >= 1 else { throw TrainingError.invalidConfiguration("--steps must be positive, got \(steps)") }
        if let batchSize, batchSize < 1 { throw TrainingError.invalidConfiguration("--batch must be positive, got \(batchSize)") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw TrainingError.invalidConfiguration("--lr must be a positive number, got \(learningRate)")
        }
        if let damping, !(damping >= 0 && damping.isFinite) {
            throw TrainingError.invalidConfiguration("--damping must be a non-negative number, got \(damping)")
        }
        if let l2, !(l2 >= 0 && l2.isFinite) { throw TrainingError.invalidConfiguration("--l2 must be a non-negative number, got \(l2)") }
        guard testFraction >= 0, testFraction < 1 else {
            throw TrainingError.invalidConfiguration("--test-fraction must be in [0, 1), got \(testFraction)")
        }
    }

    /// The parsed model.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` for an unknown model or activation.
    public func modelSpecification() throws -> ModelSpecification {
        let function: ActivationFunction
        do { function = try ActivationFunction(name: activation) } catch { throw TrainingError.invalidConfiguration("--activation: \(error)") }
        return try ModelSpecification(name: model, activation: function)
    }

    enum CodingKeys: String, CodingKey {
        case data, model, activation, optimizer, steps, damping, l2, standardize, seed, precision
        case batchSize = "batch", learningRate = "lr", testFraction = "test_fraction"
    }
}
