import NGCurvature
import NGLinearAlgebra

/// The hyperparameters of ``HessianFree``, with Martens' (2010) choices as defaults.
public struct HessianFreeSettings<Scalar: BLASScalar>: Sendable {
    /// λ at the first step, ≥ 0 (default 1; the Levenberg–Marquardt rule adapts it).
    public var initialDamping: Scalar
    /// How λ adapts to the reduction ratio ρ; `nil` keeps λ fixed.
    public var dampingAdaptation: LevenbergMarquardtRule<Scalar>?
    /// The curvature matrix G whose products CG uses: the Gauss–Newton matrix by default (PSD,
    /// Schraudolph 2002, as Martens recommends); `.exact` or `.monteCarlo` Fisher, or the
    /// `.hessian`, which may be indefinite (see ``HessianFree``).
    public var curvatureKind: CurvatureKind
    /// Labels drawn per example for the Monte-Carlo Fisher (ignored by the other kinds).
    public var curvatureSamples: Int
    /// The share of the gradient batch that the curvature products use, in (0, 1]
    /// (default 1: the same batch; Martens & Sutskever use a fraction such as 1/4 or less).
    public var curvatureBatchFraction: Double
    /// The most CG iterations per step (Martens: 250).
    public var maximumIterations: Int
    /// CG stops when ‖r‖ ≤ this·‖∇J‖ (10⁻¹⁰ in Double, 10⁻⁵ in Float: effectively only at
    /// convergence; the progress rule is the working criterion).
    public var relativeTolerance: Scalar
    /// Martens' relative-progress stopping rule ε (5·10⁻⁴), see
    /// ``ConjugateGradientOptions/progressTolerance``; `nil` disables it.
    public var progressTolerance: Scalar?
    /// ζ, the decay of the warm start: CG starts from ζ times the previous step's final CG
    /// iterate (Martens 2010, §4.5, ζ = 0.95; Martens & Sutskever 2012 suggest 0.95–0.99);
    /// `nil` starts CG from 0 every step.
    public var warmStartDecay: Scalar?
    /// The ratio γ of the geometric schedule of stored CG iterates for backtracking
    /// (Martens 2010, §4.6: ⌈γʲ⌉ with γ = 1.3); `nil` disables backtracking (the final iterate is
    /// taken).
    public var backtrackingRatio: Double?
    /// The Armijo line search on the chosen iterate; `nil` takes it at unit length.
    public var lineSearch: HessianFreeLineSearch<Scalar>?
    /// ξ of the diagonal preconditioner [diag(mean gᵢ²) + λ]^ξ (Martens 2010, §4.7: 0.75);
    /// `nil` (the default) runs CG unpreconditioned. It needs the batch's per-example
    /// gradients, a |B|×P matrix.
    public var preconditionerExponent: Scalar?
    /// How many times one step may raise λ and solve again when CG meets non-positive curvature
    /// before making any progress.
    public var curvatureRetries: Int
    /// The seed of the curvature batch draws and the Monte-Carlo Fisher's labels.
    public var seed: UInt64

    public init(
        initialDamping: Scalar = 1,
        dampingAdaptation: LevenbergMarquardtRule<Scalar>? = LevenbergMarquardtRule(),
        curvatureKind: CurvatureKind = .ggn,
        curvatureSamples: Int = 1,
        curvatureBatchFraction: Double = 1,
        maximumIterations: Int = 250,
        relativeTolerance: Scalar = Scalar(Scalar.self == Float.self ? 1e-5 : 1e-10),
        progressTolerance: Scalar? = 5e-4,
        warmStartDecay: Scalar? = 0.95,
        backtrackingRatio: Double? = 1.3,
        lineSearch: HessianFreeLineSearch<Scalar>? = HessianFreeLineSearch(),
        preconditionerExponent: Scalar? = nil,
        curvatureRetries: Int = 10,
        seed: UInt64 = 0
    ) {
        self.initialDamping = initialDamping
        self.dampingAdaptation = dampingAdaptation
        self.curvatureKind = curvatureKind
        self.curvatureSamples = curvatureSamples
        self.curvatureBatchFraction = curvatureBatchFraction
        self.maximumIterations = maximumIterations
        self.relativeTolerance = relativeTolerance
        self.progressTolerance = progressTolerance
        self.warmStartDecay = warmStartDecay
        self.backtrackingRatio = backtrackingRatio
        self.lineSearch = lineSearch
        self.preconditionerExponent = preconditionerExponent
        self.curvatureRetries = curvatureRetries
        self.seed = seed
    }

    /// Throws unless every setting is usable.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` naming the offending setting.
    public func validate() throws {
        func invalid(_ message: String) -> OptimizerError { .invalidArgument("HessianFreeSettings: \(message)") }
        guard initialDamping >= 0, initialDamping.isFinite else { throw invalid("initialDamping must be finite and ≥ 0, got \(initialDamping)") }
        try dampingAdaptation?.validate()
        guard curvatureSamples >= 1 else { throw invalid("curvatureSamples must be ≥ 1, got \(curvatureSamples)") }
        guard curvatureBatchFraction > 0, curvatureBatchFraction <= 1 else {
            throw invalid("curvatureBatchFraction must lie in (0, 1], got \(curvatureBatchFraction)")
        }
        guard maximumIterations >= 1 else { throw invalid("maximumIterations must be ≥ 1, got \(maximumIterations)") }
        guard relativeTolerance >= 0, relativeTolerance.isFinite else { throw invalid("relativeTolerance must be finite and ≥ 0, got \(relativeTolerance)") }
        if let epsilon = progressTolerance, !(epsilon > 0 && epsilon.isFinite) {
            throw invalid("progressTolerance must be finite and > 0, got \(epsilon)")
        }
        if let zeta = warmStartDecay, !(zeta >= 0 && zeta <= 1) { throw invalid("warmStartDecay must lie in [0, 1], got \(zeta)") }
        if let ratio = backtrackingRatio, !(ratio > 1 && ratio.isFinite) { throw invalid("backtrackingRatio must be finite and > 1, got \(ratio)") }
        try lineSearch?.validate()
        if let xi = preconditionerExponent, !(xi >= 0 && xi.isFinite) { throw invalid("preconditionerExponent must be finite and ≥ 0, got \(xi)") }
        guard curvatureRetries >= 0, curvatureRetries <= 100 else { throw invalid("curvatureRetries must lie in 0…100, got \(curvatureRetries)") }
    }
}
