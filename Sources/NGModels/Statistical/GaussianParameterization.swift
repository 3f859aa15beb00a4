import NGLinearAlgebra

/// A coordinate system θ on the family of d-dimensional Gaussians N(μ, Σ), with the gradient of
/// the average negative log-likelihood and the Fisher information in those coordinates.
///
/// ## The objective
/// Gradients are those of the average NLL L(θ) of data summarized by ``GaussianMoments`` (x̄, S):
/// the NLL of a sample batch, minimized by the sample mean and covariance, or — with the moments of
/// a distribution q — the cross-entropy E_q[−log p_θ], minimized at p_θ = q.
///
/// ## Why several parameterizations (Amari 1998)
/// The Fisher information F(θ) = E_{x∼p_θ}[∇log p_θ(x) ∇log p_θ(x)ᵀ] is a Riemannian metric on the
/// family. Under a change of coordinates θ = φ(ξ) with Jacobian J = ∂θ/∂ξ it transforms as
///
///     F_ξ = Jᵀ·F_θ·J,       ∇_ξ L = Jᵀ·∇_θ L,
///
/// so the natural gradient F⁻¹∇L transforms as a tangent vector, F_ξ⁻¹∇_ξL = J⁻¹·F_θ⁻¹∇_θL: the
/// natural-gradient flow dθ/dt = −F⁻¹∇L traces the same path of distributions in every
/// parameterization (S. Amari, "Natural gradient works efficiently in learning", Neural
/// Computation 10(2), 1998; Amari & Nagaoka, *Methods of Information Geometry*, 2000). The plain
/// gradient flow dθ/dt = −∇L does not: its path depends on the coordinates.
///
/// ## Conformers
/// - ``GaussianMeanCovariance``: θ = (μ, vech Σ).
/// - ``GaussianMeanCholesky``: θ = (μ, vech L), Σ = LLᵀ.
/// - ``GaussianNaturalParameters``: θ = (Σ⁻¹μ, vech(−½Σ⁻¹)), the exponential-family coordinates.
///
/// Symmetric and triangular matrices enter through their d(d+1)/2 lower-triangle entries in the
/// row-by-row order of ``HalfVectorization``, after the d entries of the mean part; so
/// ``parameterCount`` is d + d(d+1)/2 in all three.
public protocol GaussianParameterization: Sendable {
    /// The name used in error messages ("GaussianMeanCovariance").
    var name: String { get }
    /// d, the dimension of the distributions.
    var dimension: Int { get }

    /// θ for a distribution.
    /// - Throws: ``StatisticalModelError/shapeMismatch(model:what:expected:actual:)`` for a distribution of another dimension.
    func parameters(of distribution: MultivariateGaussian) throws -> Vector<Double>

    /// The distribution at θ.
    /// - Throws: ``StatisticalModelError/shapeMismatch(model:what:expected:actual:)`` for a θ of
    ///   the wrong length, ``StatisticalModelError/nonFinite(model:what:index:)``, and
    ///   ``StatisticalModelError/invalidParameters(model:reason:)`` for a θ outside the domain
    ///   (a covariance that is not positive definite, a singular Cholesky factor, …).
    func distribution(at parameters: Vector<Double>) throws -> MultivariateGaussian

    /// ∇θ L(θ), the gradient of the average NLL of data with the given moments.
    /// - Throws: as ``distribution(at:)``, and for moments of another dimension.
    func gradient(at parameters: Vector<Double>, moments: GaussianMoments) throws -> Vector<Double>

    /// The Fisher information F(θ) in closed form (exactly symmetric, positive definite).
    /// - Throws: as ``distribution(at:)``.
    func fisher(at parameters: Vector<Double>) throws -> Matrix<Double>
}

extension GaussianParameterization {
    /// d + d(d+1)/2, the length of θ.
    public var parameterCount: Int { dimension + HalfVectorization.count(dimension: dimension) }

    /// L(θ), the average NLL of data with the given moments (the cross-entropy from q for the moments of q).
    /// - Throws: as ``gradient(at:moments:)``.
    public func negativeLogLikelihood(at parameters: Vector<Double>, moments: GaussianMoments) throws -> Double {
        try distribution(at: parameters).negativeLogLikelihood(moments: moments)
    }

    /// The damped natural gradient (F(θ) + λI)⁻¹·∇L(θ), solved by a Cholesky factorization.
    ///
    /// With λ = 0 the result is the same tangent vector in every parameterization (see the
    /// protocol's documentation); a damping λ > 0 is not invariant.
    /// - Parameter damping: λ ≥ 0.
    /// - Throws: as ``gradient(at:moments:)``; ``StatisticalModelError/invalidArgument(model:reason:)``
    ///   for a negative damping; ``StatisticalModelError/singularCurvature(model:damping:)`` if F + λI
    ///   is not numerically positive definite.
    public func naturalGradient(at parameters: Vector<Double>, moments: GaussianMoments, damping: Double = 0) throws -> Vector<Double> {
        try StatisticalChecks.requireDamping(damping, model: name)
        let g = try gradient(at: parameters, moments: moments)
        return try StatisticalChecks.dampedSolve(try fisher(at: parameters), g, damping: damping, model: name)
    }

    /// The coordinates in `other` of the distribution at θ: `other.parameters(of: distribution(at: θ))`.
    /// - Throws: as ``distribution(at:)``, and when the dimensions differ.
    public func converting<Other: GaussianParameterization>(_ parameters: Vector<Double>, to other: Other) throws -> Vector<Double> {
        try other.parameters(of: distribution(at: parameters))
    }

    /// θ split into its mean part (first d entries) and its matrix part (the vech entries), after
    /// checking its length and finiteness.
    func split(_ parameters: Vector<Double>) throws -> (head: [Double], vech: ArraySlice<Double>) {
        guard parameters.count == parameterCount else {
            throw StatisticalModelError.shapeMismatch(
                model: name, what: "parameters", expected: "\(parameterCount) entries (d + d(d+1)/2 for d = \(dimension))",
                actual: "\(parameters.count)")
        }
        try StatisticalChecks.requireFinite(parameters, "parameters", model: name)
        return (Array(parameters.elements[0..<dimension]), parameters.elements[dimension...])
    }

    /// Throws unless the distribution has this parameterization's dimension.
    func requireDimension(of distribution: MultivariateGaussian) throws {
        guard distribution.dimension == dimension else {
            throw StatisticalModelError.shapeMismatch(
                model: name, what: "distribution", expected: "dimension \(dimension)", actual: "dimension \(distribution.dimension)")
        }
    }

    /// Throws unless the moments have this parameterization's dimension.
    func requireDimension(of moments: GaussianMoments) throws {
        guard moments.dimension == dimension else {
            throw StatisticalModelError.shapeMismatch(
                model: name, what: "moments", expected: "dimension \(dimension)", actual: "dimension \(moments.dimension)")
        }
    }

    /// Throws unless d ≥ 1 (for the conformers' initializers).
    static func requireDimension(_ dimension: Int, name: String) throws {
        guard dimension >= 1 else {
            throw StatisticalModelError.invalidArgument(model: name, reason: "the dimension must be at least 1, got \(dimension)")
        }
    }

    /// The matrix gradient G = ½(Σ⁻¹ − Σ⁻¹CΣ⁻¹) of L with respect to a symmetric Σ (dL = tr(G·dΣ)),
    /// with C = S + (x̄ − μ)(x̄ − μ)ᵀ, and the mean gradient Σ⁻¹(μ − x̄).
    func covarianceDerivatives(_ distribution: MultivariateGaussian, _ moments: GaussianMoments) throws
        -> (meanGradient: Vector<Double>, covarianceGradient: Matrix<Double>)
    {
        try requireDimension(of: moments)
        let p = distribution.precision
        let delta = distribution.mean - moments.mean
        var c = moments.covariance
        try c.addOuterProduct(delta, delta)
        var g = p - p * c * p
        g.scale(by: 0.5)
        g.symmetrize(from: .lower)
        return (p * delta, g)
    }
}
