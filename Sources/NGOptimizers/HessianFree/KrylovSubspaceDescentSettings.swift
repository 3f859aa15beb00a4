import NGCurvature
import NGLinearAlgebra

/// The hyperparameters of ``KrylovSubspaceDescent``.
public struct KrylovSubspaceDescentSettings<Scalar: BLASScalar>: Sendable {
    /// K, the number of Krylov vectors {M⁻¹g, (M⁻¹G)M⁻¹g, …, (M⁻¹G)^{K−1}M⁻¹g}
    /// (Vinyals & Povey 2012 use K = 20).
    public var subspaceDimension: Int
    /// Whether the previous step's direction joins the subspace (as in Vinyals & Povey 2012),
    /// which gives the method a momentum-like memory.
    public var includesPreviousDirection: Bool
    /// λ at the first step, ≥ 0, damping the subspace model (Hᵥ + λI).
    public var initialDamping: Scalar
    /// How λ adapts to the reduction ratio ρ; `nil` keeps λ fixed.
    public var dampingAdaptation: LevenbergMarquardtRule<Scalar>?
    /// The curvature matrix G of the products (Gauss–Newton by default; `.hessian` may be
    /// indefinite, in which case the subspace model uses |eigenvalues|).
    public var curvatureKind: CurvatureKind
    /// Labels drawn per example for the Monte-Carlo Fisher.
    public var curvatureSamples: Int
    /// The share of the gradient batch used for curvature products, in (0, 1] (Vinyals & Povey
    /// compute them on a smaller batch than the gradient).
    public var curvatureBatchFraction: Double
    /// The Armijo line search on the subspace minimizer; `nil` takes it at unit length.
    public var lineSearch: HessianFreeLineSearch<Scalar>?
    /// ξ of the diagonal preconditioner [diag(mean gᵢ²) + λ]^ξ applied to the Krylov vectors
    /// (Vinyals & Povey use ξ = 0.75, after Martens); `nil` (the default) for none.
    public var preconditionerExponent: Scalar?
    /// The seed of the curvature batch draws and the Monte-Carlo Fisher's labels.
    public var seed: UInt64

    public init(
        subspaceDimension: Int = 20,
        includesPreviousDirection: Bool = true,
        initialDamping: Scalar = 1,
        dampingAdaptation: LevenbergMarquardtRule<Scalar>? = LevenbergMarquardtRule(),
        curvatureKind: CurvatureKind = .ggn,
        curvatureSamples: Int = 1,
        curvatureBatchFraction: Double = 1,
        lineSearch: HessianFreeLineSearch<Scalar>? = HessianFreeLineSearch(),
        preconditionerExponent: Scalar? = nil,
        seed: UInt64 = 0
    ) {
        self.subspaceDimension = subspaceDimension
        self.includesPreviousDirection = includesPreviousDirection
        self.initialDamping = initialDamping
        self.dampingAdaptation = dampingAdaptation
        self.curvatureKind = curvatureKind
        self.curvatureSamples = curvatureSamples
        self.curvatureBatchFraction = curvatureBatchFraction
        self.lineSearch = lineSearch
        self.preconditionerExponent = preconditionerExponent
        self.seed = seed
    }

    /// Throws unless every setting is usable.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` naming the offending setting.
    public func validate() throws {
        func invalid(_ message: String) -> OptimizerError { .invalidArgument("KrylovSubspaceDescentSettings: \(message)") }
        guard subspaceDimension >= 1, subspaceDimension <= 500 else {
            throw invalid("subspaceDimension must lie in 1…500, got \(subspaceDimension)")
        }
        guard initialDamping >= 0, initialDamping.isFinite else { throw invalid("initialDamping must be finite and ≥ 0, got \(initialDamping)") }
        try dampingAdaptation?.validate()
        guard curvatureSamples >= 1 else { throw invalid("curvatureSamples must be ≥ 1, got \(curvatureSamples)") }
        guard curvatureBatchFraction > 0, curvatureBatchFraction <= 1 else {
            throw invalid("curvatureBatchFraction must lie in (0, 1], got \(curvatureBatchFraction)")
        }
        try lineSearch?.validate()
        if let xi = preconditionerExponent, !(xi >= 0 && xi.isFinite) { throw invalid("preconditionerExponent must be finite and ≥ 0, got \(xi)") }
    }
}
