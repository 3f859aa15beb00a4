import NGCurvature
import NGLinearAlgebra

/// The hyperparameters of ``Newton``.
///
/// The damping rule is the Levenberg–Marquardt heuristic in the form of Martens 2010 ("Deep
/// learning via Hessian-free optimization", §4.1), itself the trust-region radius update of
/// Moré 1978 ("The Levenberg–Marquardt algorithm: implementation and theory", §§4–5) read for
/// λ instead of the radius: with ρ the reduction ratio of an accepted step,
///
///     ρ < lowerThreshold (1/4)  →  λ ← increaseFactor·λ (3/2)    the quadratic model overpromised
///     ρ > upperThreshold (3/4)  →  λ ← decreaseFactor·λ (2/3)    the model is trustworthy
///
/// and λ is unchanged in between. A step that does not decrease J is rejected and retried from
/// the same θ with λ ← rejectionFactor·λ (10, Marquardt 1963's factor), as is a damped matrix
/// whose Cholesky factorization fails (an indefinite Hessian with λ below −λ_min).
public struct NewtonSettings<Scalar: BLASScalar>: Sendable, Equatable {
    /// The curvature: `.hessian` for Newton's method, a Fisher kind or `.ggn` for (damped)
    /// Gauss-Newton / Fisher scoring.
    public var kind: CurvatureKind
    /// λ₀ ≥ 0, the damping of the first step.
    public var initialDamping: Scalar
    /// ρ below which λ grows.
    public var lowerThreshold: Scalar
    /// ρ above which λ shrinks.
    public var upperThreshold: Scalar
    /// > 1: λ's growth when ρ < lowerThreshold.
    public var increaseFactor: Scalar
    /// In (0, 1): λ's shrinkage when ρ > upperThreshold.
    public var decreaseFactor: Scalar
    /// > 1: λ's growth after a rejected step or a failed factorization.
    public var rejectionFactor: Scalar
    /// The most damped solves (factorizations) per step before giving up and leaving θ unchanged.
    public var maximumAttempts: Int
    /// Labels drawn per example for the Monte-Carlo Fisher (ignored by the other kinds).
    public var samples: Int
    /// The seed of the Monte-Carlo Fisher's labels; step t uses seed + t.
    public var seed: UInt64
    /// The largest P for which the P×P curvature is formed (P² scalars are held at once).
    public var maximumParameterCount: Int

    /// - Parameters:
    ///   - kind: `.hessian` by default.
    ///   - initialDamping: λ₀; 10⁻³, small enough that the first step on a well-scaled problem
    ///     is nearly Newton's, and adapted from there.
    ///   - lowerThreshold, upperThreshold: 1/4 and 3/4 (Moré 1978; Martens 2010).
    ///   - increaseFactor, decreaseFactor: 3/2 and 2/3 (Martens 2010 §4.1).
    ///   - rejectionFactor: 10 (Marquardt 1963).
    ///   - maximumAttempts: 30, enough for λ to grow by 10³⁰ within one step.
    ///   - samples: 1; seed: 0.
    ///   - maximumParameterCount: 4096 (a 128 MiB Hessian in Double).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for values outside those ranges.
    public init(
        kind: CurvatureKind = .hessian, initialDamping: Scalar = 1e-3, lowerThreshold: Scalar = 0.25, upperThreshold: Scalar = 0.75,
        increaseFactor: Scalar = 1.5, decreaseFactor: Scalar = 2.0 / 3.0, rejectionFactor: Scalar = 10, maximumAttempts: Int = 30,
        samples: Int = 1, seed: UInt64 = 0, maximumParameterCount: Int = 4096
    ) throws {
        let owner = "NewtonSettings"
        try HyperparameterCheck.nonNegative(initialDamping, "initialDamping", in: owner)
        try HyperparameterCheck.open(lowerThreshold, "lowerThreshold", between: 0, and: upperThreshold, in: owner)
        try HyperparameterCheck.open(upperThreshold, "upperThreshold", between: lowerThreshold, and: 1, in: owner)
        guard increaseFactor > 1, increaseFactor.isFinite else {
            throw OptimizerError.invalidArgument("\(owner): increaseFactor must be greater than 1, got \(increaseFactor)")
        }
        try HyperparameterCheck.open(decreaseFactor, "decreaseFactor", between: 0, and: 1, in: owner)
        guard rejectionFactor > 1, rejectionFactor.isFinite else {
            throw OptimizerError.invalidArgument("\(owner): rejectionFactor must be greater than 1, got \(rejectionFactor)")
        }
        try HyperparameterCheck.count(maximumAttempts, "maximumAttempts", atLeast: 1, in: owner)
        try HyperparameterCheck.count(samples, "samples", atLeast: 1, in: owner)
        try HyperparameterCheck.count(maximumParameterCount, "maximumParameterCount", atLeast: 1, in: owner)
        self.kind = kind
        self.initialDamping = initialDamping
        self.lowerThreshold = lowerThreshold
        self.upperThreshold = upperThreshold
        self.increaseFactor = increaseFactor
        self.decreaseFactor = decreaseFactor
        self.rejectionFactor = rejectionFactor
        self.maximumAttempts = maximumAttempts
        self.samples = samples
        self.seed = seed
        self.maximumParameterCount = maximumParameterCount
    }
}

extension NewtonSettings {
    /// The Levenberg–Marquardt rule these settings describe (unclamped).
    public var rule: LevenbergMarquardtRule<Scalar> {
        LevenbergMarquardtRule(
            lowerThreshold: lowerThreshold, upperThreshold: upperThreshold, increaseFactor: increaseFactor,
            decreaseFactor: decreaseFactor, minimumDamping: 0, maximumDamping: .greatestFiniteMagnitude)
    }
}
