import NGCurvature
import NGLinearAlgebra

/// How ``KFAC`` turns the natural-gradient proposal Δ = −F̃⁻¹∇J into a step δ = α·Δ + μ·δ₀
/// (δ₀ the previous step).
public enum KFACStepRule<Scalar: BLASScalar>: Sendable, Equatable, Hashable {
    /// A fixed learning rate α > 0 and momentum μ ∈ [0, 1): the cheapest rule (no
    /// curvature-vector products), and the one of the performance targets.
    case fixed(learningRate: Scalar, momentum: Scalar)
    /// α and μ minimizing the quadratic model of the objective over the plane {Δ, δ₀}, with the
    /// exact curvature (Martens & Grosse 2015, §7; ``KFACQuadraticModel``): two
    /// curvature-vector products per step.
    case quadraticModel
}

/// The hyperparameters of ``KFAC`` (Martens & Grosse 2015), with the paper's defaults where it
/// gives them.
///
/// Costs per step over an SGD step, for a network of dense layers with batch N and a layer of
/// fan-in n and m outputs (FLOPs): statistics (every T₁ steps) — one syrk N·n² for A, one
/// backward pass of input gradients and one syrk N·m² per output-gradient batch for G (one
/// batch for a Monte-Carlo draw, one per output for the exact expectation); inverses (every T₂
/// steps) — two Cholesky inverses, ≈ n³ + m³; every step — the preconditioned gradient
/// G_d⁻¹·∇W·A_d⁻¹, two gemms 2·m·n·(m + n); the quadratic-model rule adds, on networks, two
/// forward-mode tangent passes on the model's sub-batch (≈ ⅔ of a forward+backward pass each,
/// ``KFACCurvatureForms``), elsewhere two curvature-vector products; the damping adaptation one
/// loss evaluation every T₃ steps.
public struct KFACSettings<Scalar: BLASScalar>: Sendable, Equatable, Hashable {
    /// How α and μ are chosen (default ``KFACStepRule/quadraticModel``).
    public var stepRule: KFACStepRule<Scalar>
    /// The initial Tikhonov damping λ > 0 (default 10⁻²). The factored damping strength is
    /// γ = √(λ + η) with η the objective's L2 coefficient (Martens & Grosse 2015, §6.3; the
    /// paper's separate adaptation of γ is not done: γ follows λ).
    public var damping: Scalar
    /// Levenberg–Marquardt adaptation of λ from the reduction ratio ρ every T₃ steps (§6.5; the
    /// default: T₃ = 5, ω = (19/20)⁵, thresholds 1/4 and 3/4); nil keeps λ fixed.
    public var dampingAdaptation: LevenbergMarquardtDamping<Scalar>?
    /// ε_max, the decay of the factors' running averages: update k uses
    /// ε = min(1 − 1/k, ε_max) (§5), so the first update replaces the statistics (default 0.95).
    public var curvatureDecay: Scalar
    /// T₁ ≥ 1: update the factors every T₁ steps (default 1).
    public var curvatureUpdateInterval: Int
    /// T₂ ≥ 1: recompute the damped inverses every T₂ steps (default 10; also whenever there are
    /// none). Between refreshes the inverses of older statistics and damping are used (§8).
    public var inverseUpdateInterval: Int
    /// Where G's expectation comes from (default ``KFACFisherEstimate/automatic``: exact for a
    /// single output, one Monte-Carlo draw otherwise — the exact expectation for the
    /// autoencoder's 784 Bernoulli outputs would cost 784 backward passes per update).
    public var fisherEstimate: KFACFisherEstimate
    /// Estimate the factors on the first min(limit, N) examples of each batch (default nil: all),
    /// τ₁ of Martens & Grosse 2015, §8. The statistics' cost scales with it; the gradient and the
    /// step still use the whole batch. The running average over updates (``curvatureDecay``)
    /// pools the sub-batches of successive steps, so the factors still rest on many examples.
    public var statisticsExampleLimit: Int?
    /// Take the quadratic model's curvature (α, μ and ρ) on the first min(limit, N) examples of
    /// each batch (default nil: all), τ₂ of Martens & Grosse 2015, §8; the gradient terms use
    /// the whole batch. On networks the model needs only the forms ΔᵀCΔ, δ₀ᵀCΔ, δ₀ᵀCδ₀, from
    /// one forward-mode tangent pass per direction (``KFACCurvatureForms``), whose cost scales
    /// with the limit.
    public var modelExampleLimit: Int?
    /// How blocks are damped and inverted (default factored Tikhonov damping with π).
    public var inverseMethod: KFACInverseMethod
    /// The curvature of the quadratic model used for α, μ and ρ: `.exact` (the Fisher, default)
    /// or `.ggn` (equal to it for the canonical-link likelihoods here); products include the
    /// L2 penalty's Hessian.
    public var modelCurvature: CurvatureKind
    /// κ > 0: clip the step so that α²·∇Jᵀ·F̃_d⁻¹·∇J = α²·ΔᵀF̃_dΔ ≤ κ, scaling α by
    /// ν = min(1, √(κ / (α²·ΔᵀF̃_dΔ))) (Ba, Grosse & Martens 2017, "Distributed second-order
    /// optimization using Kronecker-factored approximations"; no ½, with F̃_d the damped K-FAC
    /// matrix). Applies to α of either rule, before momentum. nil: no clipping (default).
    public var klClip: Scalar?
    /// The seed of the Monte-Carlo labels: statistics update n draws with `seed &+ n`.
    public var seed: UInt64

    /// - Parameters: see the properties.
    public init(
        stepRule: KFACStepRule<Scalar> = .quadraticModel, damping: Scalar = 1e-2,
        dampingAdaptation: LevenbergMarquardtDamping<Scalar>? = LevenbergMarquardtDamping(),
        curvatureDecay: Scalar = 0.95, curvatureUpdateInterval: Int = 1, inverseUpdateInterval: Int = 10,
        fisherEstimate: KFACFisherEstimate = .automatic, statisticsExampleLimit: Int? = nil, modelExampleLimit: Int? = nil,
        inverseMethod: KFACInverseMethod = .factoredTikhonov, modelCurvature: CurvatureKind = .exact, klClip: Scalar? = nil,
        seed: UInt64 = 0
    ) {
        self.stepRule = stepRule
        self.damping = damping
        self.dampingAdaptation = dampingAdaptation
        self.curvatureDecay = curvatureDecay
        self.curvatureUpdateInterval = curvatureUpdateInterval
        self.inverseUpdateInterval = inverseUpdateInterval
        self.fisherEstimate = fisherEstimate
        self.statisticsExampleLimit = statisticsExampleLimit
        self.modelExampleLimit = modelExampleLimit
        self.inverseMethod = inverseMethod
        self.modelCurvature = modelCurvature
        self.klClip = klClip
        self.seed = seed
    }

    /// Fixed learning rate and momentum, statistics every step, inverses every 10, λ fixed: the
    /// configuration of the performance targets.
    public static func fixed(learningRate: Scalar, momentum: Scalar = 0.9, damping: Scalar = 1e-2) -> KFACSettings {
        KFACSettings(stepRule: .fixed(learningRate: learningRate, momentum: momentum), damping: damping, dampingAdaptation: nil)
    }

    /// Throws unless every setting is in range.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` naming the bad setting.
    public func validate() throws {
        let owner = "K-FAC"
        if case let .fixed(learningRate, momentum) = stepRule {
            try HyperparameterCheck.positive(learningRate, "the learning rate", in: owner)
            try HyperparameterCheck.decay(momentum, "the momentum", in: owner)
        }
        try HyperparameterCheck.positive(damping, "the damping", in: owner)
        try HyperparameterCheck.decay(curvatureDecay, "the curvature decay", in: owner)
        try HyperparameterCheck.count(curvatureUpdateInterval, "the curvature update interval", atLeast: 1, in: owner)
        try HyperparameterCheck.count(inverseUpdateInterval, "the inverse update interval", atLeast: 1, in: owner)
        if case let .monteCarlo(samples) = fisherEstimate {
            try HyperparameterCheck.count(samples, "the Monte-Carlo sample count", atLeast: 1, in: owner)
        }
        if let statisticsExampleLimit {
            try HyperparameterCheck.count(statisticsExampleLimit, "the statistics example limit", atLeast: 1, in: owner)
        }
        if let modelExampleLimit {
            try HyperparameterCheck.count(modelExampleLimit, "the model example limit", atLeast: 1, in: owner)
        }
        guard modelCurvature != .hessian, modelCurvature != .empirical else {
            throw OptimizerError.invalidArgument("K-FAC: the quadratic model needs the exact Fisher, a Monte-Carlo Fisher or the GGN, not the \(modelCurvature.displayName)")
        }
        if let klClip { try HyperparameterCheck.positive(klClip, "the KL clip", in: owner) }
        if let dampingAdaptation {
            try dampingAdaptation.validate()
            guard damping >= dampingAdaptation.minimumDamping, damping <= dampingAdaptation.maximumDamping else {
                throw OptimizerError.invalidArgument(
                    "K-FAC: the initial damping \(damping) is outside the adaptation's range "
                        + "[\(dampingAdaptation.minimumDamping), \(dampingAdaptation.maximumDamping)]")
            }
        }
    }
}
