import NGLinearAlgebra

/// Plain gradient descent: Δ = −α·∇J.
public typealias SGDOptimizer<Scalar: BLASScalar> = TransformOptimizer<ScaleByLearningRate<Scalar>>
/// Momentum (heavy ball or Nesterov) then the learning rate.
public typealias MomentumOptimizer<Scalar: BLASScalar> = TransformOptimizer<Chain<ScaleByMomentum<Scalar>, ScaleByLearningRate<Scalar>>>
/// Adam then the learning rate.
public typealias AdamOptimizer<Scalar: BLASScalar> = TransformOptimizer<Chain<ScaleByAdam<Scalar>, ScaleByLearningRate<Scalar>>>
/// Adam, decoupled weight decay, then the learning rate.
public typealias AdamWOptimizer<Scalar: BLASScalar> =
    TransformOptimizer<Chain<Chain<ScaleByAdam<Scalar>, AddDecayedWeights<Scalar>>, ScaleByLearningRate<Scalar>>>
/// RMSProp then the learning rate.
public typealias RMSPropOptimizer<Scalar: BLASScalar> = TransformOptimizer<Chain<ScaleByRMSProp<Scalar>, ScaleByLearningRate<Scalar>>>
/// AdaGrad then the learning rate.
public typealias AdagradOptimizer<Scalar: BLASScalar> = TransformOptimizer<Chain<ScaleByAdagrad<Scalar>, ScaleByLearningRate<Scalar>>>

/// The first-order baselines as named ``GradientTransformation`` chains ending in
/// ``ScaleByLearningRate`` (Δ = −α·u, the package's one sign flip).
///
/// ```swift
/// var optimizer = try FirstOrder.adam(learningRate: 1e-3, as: Float.self)
/// let report = try optimizer.step(&parameters, objective: objective, batch: .examples(indices))
/// ```
///
/// The defaults are those of the papers and of PyTorch, which work on the problems they were
/// proposed for; the learning rate of SGD and momentum, which has no scale-free default, is 1e-2.
/// Each constructor validates its hyperparameters and throws
/// ``OptimizerError/invalidArgument(_:)`` naming the bad one, so values from a command line
/// need no checks of their own. For other compositions (clipping, momentum after RMSProp), build
/// the chain directly and wrap it in ``TransformOptimizer``.
public enum FirstOrder {
    /// Stochastic gradient descent: θ ← θ − α·∇J (Robbins & Monro 1951).
    /// - Parameter learningRate: α > 0; 1e-2 by default.
    public static func sgd<Scalar: BLASScalar>(learningRate: Scalar = 1e-2, as _: Scalar.Type = Scalar.self) throws -> SGDOptimizer<Scalar> {
        TransformOptimizer(name: "sgd", try scale(learningRate, "sgd"))
    }

    /// SGD with momentum (``ScaleByMomentum``): v ← μv + ∇J, θ ← θ − α·v (heavy ball), or
    /// θ ← θ − α·(∇J + μv) (Nesterov).
    /// - Parameters:
    ///   - learningRate: α > 0; 1e-2 by default (the effective step is about α/(1 − μ)).
    ///   - momentum: μ ∈ [0, 1); 0.9 by default.
    ///   - nesterov: Nesterov's form; off by default.
    public static func momentum<Scalar: BLASScalar>(
        learningRate: Scalar = 1e-2, momentum: Scalar = 0.9, nesterov: Bool = false, as _: Scalar.Type = Scalar.self
    ) throws -> MomentumOptimizer<Scalar> {
        let name = nesterov ? "nesterov" : "momentum"
        return TransformOptimizer(name: name, try ScaleByMomentum(momentum: momentum, nesterov: nesterov).then(scale(learningRate, name)))
    }

    /// Adam (Kingma & Ba 2015, ``ScaleByAdam``): θ ← θ − α·m̂/(√v̂ + ε).
    /// - Parameters:
    ///   - learningRate: α > 0; 1e-3, the paper's default.
    ///   - beta1: 0.9; beta2: 0.999; epsilon: 1e-8 — the paper's defaults.
    public static func adam<Scalar: BLASScalar>(
        learningRate: Scalar = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8, as _: Scalar.Type = Scalar.self
    ) throws -> AdamOptimizer<Scalar> {
        TransformOptimizer(name: "adam", try ScaleByAdam(beta1: beta1, beta2: beta2, epsilon: epsilon).then(scale(learningRate, "adam")))
    }

    /// AdamW (Loshchilov & Hutter 2019): θ ← θ − α·(m̂/(√v̂ + ε) + w·M⊙θ) (``AddDecayedWeights``).
    /// - Parameters:
    ///   - learningRate: α > 0; 1e-3.
    ///   - beta1, beta2, epsilon: as ``adam(learningRate:beta1:beta2:epsilon:as:)``.
    ///   - weightDecay: w ≥ 0; 1e-2, PyTorch's default.
    ///   - mask: the decayed parameters; all by default.
    public static func adamW<Scalar: BLASScalar>(
        learningRate: Scalar = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8,
        weightDecay: Scalar = 1e-2, mask: WeightDecayMask = .all, as _: Scalar.Type = Scalar.self
    ) throws -> AdamWOptimizer<Scalar> {
        let chain = try ScaleByAdam(beta1: beta1, beta2: beta2, epsilon: epsilon)
            .then(AddDecayedWeights(weightDecay: weightDecay, mask: mask))
            .then(scale(learningRate, "adamw"))
        return TransformOptimizer(name: "adamw", chain)
    }

    /// RMSProp (Tieleman & Hinton 2012, ``ScaleByRMSProp``): θ ← θ − α·∇J/(√ν + ε).
    /// - Parameters:
    ///   - learningRate: α > 0; 1e-2, PyTorch's default.
    ///   - decay: ρ ∈ [0, 1); 0.99.
    ///   - epsilon: 1e-8.
    ///   - centered: divide by the root of the variance estimate; off.
    public static func rmsprop<Scalar: BLASScalar>(
        learningRate: Scalar = 1e-2, decay: Scalar = 0.99, epsilon: Scalar = 1e-8, centered: Bool = false, as _: Scalar.Type = Scalar.self
    ) throws -> RMSPropOptimizer<Scalar> {
        TransformOptimizer(
            name: "rmsprop", try ScaleByRMSProp(decay: decay, epsilon: epsilon, centered: centered).then(scale(learningRate, "rmsprop")))
    }

    /// AdaGrad (Duchi, Hazan & Singer 2011, ``ScaleByAdagrad``): θ ← θ − α·∇J/(√G + ε).
    /// - Parameters:
    ///   - learningRate: α > 0; 1e-2, PyTorch's default.
    ///   - initialAccumulator: G₀ ≥ 0; 0.
    ///   - epsilon: 1e-10.
    public static func adagrad<Scalar: BLASScalar>(
        learningRate: Scalar = 1e-2, initialAccumulator: Scalar = 0, epsilon: Scalar = 1e-10, as _: Scalar.Type = Scalar.self
    ) throws -> AdagradOptimizer<Scalar> {
        TransformOptimizer(
            name: "adagrad",
            try ScaleByAdagrad(initialAccumulator: initialAccumulator, epsilon: epsilon).then(scale(learningRate, "adagrad")))
    }

    /// ``ScaleByLearningRate`` after checking α (its initializer treats a bad α as a programmer error).
    static func scale<Scalar: BLASScalar>(_ learningRate: Scalar, _ owner: String) throws -> ScaleByLearningRate<Scalar> {
        try HyperparameterCheck.positive(learningRate, "learningRate", in: owner)
        return ScaleByLearningRate(learningRate)
    }
}
