/// What the ``OptimizerRegistry`` needs to know to choose default hyperparameters for a run.
public struct OptimizerContext: Sendable, Equatable {
    /// The kind of model being trained.
    public var family: ModelFamily
    /// P, the number of parameters (dense second-order methods refuse large P).
    public var parameterCount: Int
    /// N, the number of training examples.
    public var exampleCount: Int
    /// The number of network outputs (a Fisher with many outputs is sampled rather than exact).
    public var outputCount: Int
    /// The minibatch size of the run.
    public var batchSize: Int
    /// The number of steps of the run.
    public var steps: Int
    /// The seed of the optimizer's own randomness (sampled labels, probes).
    public var seed: UInt64
    /// The learning rate given by the user, or nil for the default of the optimizer and family.
    public var learningRate: Double?
    /// The (initial) damping given by the user, or nil for the default.
    public var damping: Double?

    public init(
        family: ModelFamily, parameterCount: Int, exampleCount: Int, outputCount: Int = 1, batchSize: Int, steps: Int, seed: UInt64,
        learningRate: Double? = nil, damping: Double? = nil
    ) {
        self.family = family
        self.parameterCount = parameterCount
        self.exampleCount = exampleCount
        self.outputCount = outputCount
        self.batchSize = batchSize
        self.steps = steps
        self.seed = seed
        self.learningRate = learningRate
        self.damping = damping
    }
}

/// An optimizer's default hyperparameters for one model family (nil where it has none).
public struct OptimizerDefaults: Sendable, Equatable {
    /// The step size α (for methods with a line search or a quadratic model: none).
    public var learningRate: Double?
    /// The (initial) Tikhonov damping λ.
    public var damping: Double?

    public init(learningRate: Double? = nil, damping: Double? = nil) {
        self.learningRate = learningRate
        self.damping = damping
    }
}
