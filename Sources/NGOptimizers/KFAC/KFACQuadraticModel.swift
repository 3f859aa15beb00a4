import NGLinearAlgebra

/// K-FAC's choice of step size and momentum from the quadratic model (Martens & Grosse 2015,
/// §7): with the proposal Δ = −F̃⁻¹∇J and the previous step δ₀, minimize
///
///     M(δ) = ½·δᵀ(C + λI)δ + ∇Jᵀδ       over δ = α·Δ + μ·δ₀,
///
/// where C is the exact curvature (Fisher or GGN, plus the L2 penalty's Hessian η·M, as the
/// objective's curvature products give it) and λ the damping. Setting the gradient in (α, μ) to
/// zero gives the 2×2 system
///
///     ⎡ ΔᵀCΔ + λ‖Δ‖²      ΔᵀCδ₀ + λΔᵀδ₀ ⎤ ⎡α⎤     ⎡∇JᵀΔ ⎤
///     ⎣ δ₀ᵀCΔ + λδ₀ᵀΔ     δ₀ᵀCδ₀ + λ‖δ₀‖²⎦ ⎣μ⎦ = − ⎣∇Jᵀδ₀⎦ .
///
/// Without a previous step (or when δ₀ is numerically parallel to Δ, making the system
/// singular) μ = 0 and α = −∇JᵀΔ / (ΔᵀCΔ + λ‖Δ‖²), the minimizer along Δ alone.
public enum KFACQuadraticModel {
    /// The inner products the model needs; `previous` entries are nil without a previous step.
    public struct Products<Scalar: BLASScalar>: Sendable, Equatable {
        /// ΔᵀCΔ.
        public var proposalCurvature: Scalar
        /// ‖Δ‖².
        public var proposalNormSquared: Scalar
        /// ∇JᵀΔ.
        public var gradientDotProposal: Scalar
        /// (δ₀ᵀCΔ, δ₀ᵀCδ₀, δ₀ᵀΔ, ‖δ₀‖², ∇Jᵀδ₀).
        public var previous: (cross: Scalar, curvature: Scalar, dot: Scalar, normSquared: Scalar, gradientDot: Scalar)?

        public init(
            proposalCurvature: Scalar, proposalNormSquared: Scalar, gradientDotProposal: Scalar,
            previous: (cross: Scalar, curvature: Scalar, dot: Scalar, normSquared: Scalar, gradientDot: Scalar)? = nil
        ) {
            self.proposalCurvature = proposalCurvature
            self.proposalNormSquared = proposalNormSquared
            self.gradientDotProposal = gradientDotProposal
            self.previous = previous
        }

        public static func == (lhs: Products, rhs: Products) -> Bool {
            guard lhs.proposalCurvature == rhs.proposalCurvature, lhs.proposalNormSquared == rhs.proposalNormSquared,
                  lhs.gradientDotProposal == rhs.gradientDotProposal else { return false }
            switch (lhs.previous, rhs.previous) {
            case (nil, nil): return true
            case let (l?, r?): return l == r
            default: return false
            }
        }
    }

    /// The minimizing (α, μ) for damping λ (see the type's documentation).
    /// - Throws: ``OptimizerError/nonFinite(_:)`` when the model is not positive along Δ
    ///   (ΔᵀCΔ + λ‖Δ‖² ≤ 0 or not finite), so no step can be chosen.
    public static func stepSizes<Scalar: BLASScalar>(_ p: Products<Scalar>, damping: Scalar) throws -> (learningRate: Scalar, momentum: Scalar) {
        let m11 = p.proposalCurvature + damping * p.proposalNormSquared
        guard m11 > 0, m11.isFinite, p.gradientDotProposal.isFinite else {
            throw OptimizerError.nonFinite("K-FAC: the quadratic model is not positive along the proposal (ΔᵀCΔ + λ‖Δ‖² = \(m11)); raise the damping")
        }
        let alone = (learningRate: -p.gradientDotProposal / m11, momentum: Scalar(0))
        guard let previous = p.previous, previous.normSquared > 0 else { return alone }
        let m12 = previous.cross + damping * previous.dot
        let m22 = previous.curvature + damping * previous.normSquared
        let determinant = m11 * m22 - m12 * m12
        // Numerically parallel directions (or a degenerate δ₀) leave μ undetermined.
        guard m22 > 0, determinant > 100 * Scalar.ulpOfOne * m11 * m22, determinant.isFinite else { return alone }
        let (b1, b2) = (p.gradientDotProposal, previous.gradientDot)
        return ((-m22 * b1 + m12 * b2) / determinant, (m12 * b1 - m11 * b2) / determinant)
    }

    /// The model change M(δ) − M(0) = ½·δᵀCδ (+ ½·λ‖δ‖² when `damping` is given) + ∇Jᵀδ for
    /// δ = α·Δ + μ·δ₀, from the same products.
    public static func change<Scalar: BLASScalar>(_ p: Products<Scalar>, learningRate a: Scalar, momentum m: Scalar, damping: Scalar = 0) -> Scalar {
        var curvature = a * a * (p.proposalCurvature + damping * p.proposalNormSquared)
        var linear = a * p.gradientDotProposal
        if let previous = p.previous {
            curvature += 2 * a * m * (previous.cross + damping * previous.dot) + m * m * (previous.curvature + damping * previous.normSquared)
            linear += m * previous.gradientDot
        }
        return curvature / 2 + linear
    }
}
