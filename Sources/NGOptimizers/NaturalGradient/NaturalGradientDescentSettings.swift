import NGLinearAlgebra

/// The hyperparameters of ``NaturalGradientDescent``.
///
/// The defaults suit a deterministic or large-batch run with a good curvature (the exact Fisher
/// or GGN of a small model): a unit step, little damping, statistics and inverses every step.
/// For minibatches and structured approximations, raise the damping (10⁻²–1), enable the
/// Levenberg–Marquardt adaptation or a KL bound, and space out the inverse updates.
public struct NaturalGradientDescentSettings<Scalar: BLASScalar>: Sendable, Equatable, Hashable {
    /// α > 0 in Δ = −α·(F̃ + λI)⁻¹∇J (default 1: the natural step).
    public var learningRate: Scalar
    /// The initial Tikhonov damping λ ≥ 0 (default 10⁻³).
    public var damping: Scalar
    /// The running-average decay of the curvature statistics, in [0, 1) (default 0.95; Martens &
    /// Grosse 2015, §5, use min(1 − 1/k, 0.95)).
    public var curvatureDecay: Scalar
    /// T₁ ≥ 1: update the curvature statistics every T₁ steps (default 1).
    public var curvatureUpdateInterval: Int
    /// T₂ ≥ 1: recompute the inverse (factorizations for the current λ) every T₂ steps (default 1).
    public var inverseUpdateInterval: Int
    /// μ in [0, 1): heavy-ball momentum on the step, v ← μ·v + Δ (default 0: none).
    public var momentum: Scalar
    /// Levenberg–Marquardt adaptation of λ (default `nil`: λ fixed).
    public var dampingAdaptation: LevenbergMarquardtDamping<Scalar>?
    /// δ > 0: scale the step so that ½·ΔᵀF̃Δ ≤ δ, a trust region on the KL divergence between
    /// the model's predictions before and after the step (default `nil`: no bound).
    public var klBound: Scalar?

    /// - Parameters: see the properties.
    public init(
        learningRate: Scalar = 1, damping: Scalar = 1e-3, curvatureDecay: Scalar = 0.95, curvatureUpdateInterval: Int = 1,
        inverseUpdateInterval: Int = 1, momentum: Scalar = 0, dampingAdaptation: LevenbergMarquardtDamping<Scalar>? = nil,
        klBound: Scalar? = nil
    ) {
        self.learningRate = learningRate
        self.damping = damping
        self.curvatureDecay = curvatureDecay
        self.curvatureUpdateInterval = curvatureUpdateInterval
        self.inverseUpdateInterval = inverseUpdateInterval
        self.momentum = momentum
        self.dampingAdaptation = dampingAdaptation
        self.klBound = klBound
    }

    /// Throws unless every setting is in range.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` naming the bad setting.
    public func validate() throws {
        guard learningRate > 0, learningRate.isFinite else {
            throw OptimizerError.invalidArgument("NGD: the learning rate must be positive and finite, got \(learningRate)")
        }
        guard damping >= 0, damping.isFinite else {
            throw OptimizerError.invalidArgument("NGD: the damping must be finite and ≥ 0, got \(damping)")
        }
        guard curvatureDecay >= 0, curvatureDecay < 1 else {
            throw OptimizerError.invalidArgument("NGD: the curvature decay must be in [0, 1), got \(curvatureDecay)")
        }
        guard curvatureUpdateInterval >= 1, inverseUpdateInterval >= 1 else {
            throw OptimizerError.invalidArgument(
                "NGD: the curvature and inverse update intervals must be at least 1, got \(curvatureUpdateInterval) and \(inverseUpdateInterval)")
        }
        guard momentum >= 0, momentum < 1 else {
            throw OptimizerError.invalidArgument("NGD: the momentum must be in [0, 1), got \(momentum)")
        }
        if let klBound, !(klBound > 0 && klBound.isFinite) {
            throw OptimizerError.invalidArgument("NGD: the KL bound must be positive and finite, got \(klBound)")
        }
        if let dampingAdaptation {
            try dampingAdaptation.validate()
            guard damping >= dampingAdaptation.minimumDamping, damping <= dampingAdaptation.maximumDamping else {
                throw OptimizerError.invalidArgument(
                    "NGD: the initial damping \(damping) is outside the adaptation's range "
                        + "[\(dampingAdaptation.minimumDamping), \(dampingAdaptation.maximumDamping)]")
            }
        }
    }
}
