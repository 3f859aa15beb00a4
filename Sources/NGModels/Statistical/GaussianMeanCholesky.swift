import NGLinearAlgebra

/// The coordinates θ = (μ, vech L) of N(μ, LLᵀ): the mean, then the d(d+1)/2 entries of a
/// lower-triangular factor L row by row (``HalfVectorization``).
///
/// An unconstrained-looking parameterization (any L with a non-zero diagonal gives a valid Σ),
/// popular in variational inference. ``parameters(of:)`` returns the Cholesky factor (positive
/// diagonal); a θ whose L has negative diagonal entries describes the same distribution as the
/// one with those columns negated, and the derivatives below are those at the L given.
///
/// Σ = LLᵀ gives dΣ = dL·Lᵀ + L·dLᵀ, so with G = ½(Σ⁻¹ − Σ⁻¹CΣ⁻¹) the matrix gradient of L
/// with respect to Σ (see ``GaussianMeanCovariance``):
///
///     ∇_μ L = Σ⁻¹(μ − x̄),       ∇_vechL L = vech(2·G·L).
///
/// The Fisher is the pull-back F_L = Jᵀ·F_Σ·J of the (μ, Σ) Fisher through J = ∂vech Σ/∂vech L.
/// In closed form: with A = L⁻¹·dL, Σ⁻¹dΣ = L⁻ᵀ(A + Aᵀ)Lᵀ, so the metric on the L block is
/// ½·tr(Σ⁻¹dΣ Σ⁻¹dΣ) = ½‖A + Aᵀ‖²_F, and for the basis directions dL = Eᵢⱼ, Eₖₗ (i ≥ j, k ≥ l)
///
///     F_L[(i,j), (k,l)] = (Σ⁻¹)ᵢₖ·δⱼₗ + (L⁻¹)ₗᵢ·(L⁻¹)ⱼₖ,
///
/// beside the mean block Σ⁻¹ (no coupling). For d = 1 this is 2/L², the Fisher of a standard
/// deviation. (Amari 1998 for the invariance of the natural gradient under such re-parameterizations.)
public struct GaussianMeanCholesky: GaussianParameterization {
    public let dimension: Int
    public var name: String { "GaussianMeanCholesky" }

    /// The (μ, L) coordinates for dimension d.
    /// - Throws: ``StatisticalModelError/invalidArgument(model:reason:)`` unless d ≥ 1.
    public init(dimension: Int) throws {
        try Self.requireDimension(dimension, name: "GaussianMeanCholesky")
        self.dimension = dimension
    }

    public func parameters(of distribution: MultivariateGaussian) throws -> Vector<Double> {
        try requireDimension(of: distribution)
        return Vector(distribution.mean.elements + HalfVectorization.lowerTriangle(distribution.choleskyFactor))
    }

    public func distribution(at parameters: Vector<Double>) throws -> MultivariateGaussian {
        try factors(parameters).distribution
    }

    /// (Σ⁻¹(μ − x̄), vech(2·G·L)).
    public func gradient(at parameters: Vector<Double>, moments: GaussianMoments) throws -> Vector<Double> {
        let (distribution, lower) = try factors(parameters)
        let (meanGradient, g) = try covarianceDerivatives(distribution, moments)
        var factorGradient = g * lower
        factorGradient.scale(by: 2)
        return Vector(meanGradient.elements + HalfVectorization.lowerTriangle(factorGradient))
    }

    /// blockdiag(Σ⁻¹, F_L) with F_L[(i,j), (k,l)] = (Σ⁻¹)ᵢₖδⱼₗ + (L⁻¹)ₗᵢ(L⁻¹)ⱼₖ.
    public func fisher(at parameters: Vector<Double>) throws -> Matrix<Double> {
        let (distribution, lower) = try factors(parameters)
        let p = distribution.precision
        let inverse = try lower.solveTriangular(Matrix.identity(dimension), triangle: .lower)
        let d = dimension, order = parameterCount
        var f = Matrix<Double>(rows: order, columns: order)
        for a in 0..<d { for b in 0..<d { f[a, b] = p[a, b] } }
        let pairs = HalfVectorization.pairs(dimension: d)
        for (s, (i, j)) in pairs.enumerated() {
            for (t, (k, l)) in pairs.enumerated() {
                f[d + s, d + t] = (j == l ? p[i, k] : 0) + inverse[l, i] * inverse[j, k]
            }
        }
        // The formula is symmetric in exact arithmetic; make it so in floating point too.
        f.symmetrize(from: .lower)
        return f
    }

    /// The distribution at θ and the lower-triangular L exactly as θ gives it (signs kept).
    private func factors(_ parameters: Vector<Double>) throws -> (distribution: MultivariateGaussian, lower: Matrix<Double>) {
        let (mean, vech) = try split(parameters)
        let lower: Matrix<Double> = HalfVectorization.lowerTriangularMatrix(vech, dimension: dimension)
        do {
            return (try MultivariateGaussian(mean: Vector(mean), choleskyFactor: lower), lower)
        } catch StatisticalModelError.invalidParameters(_, let reason) {
            throw StatisticalModelError.invalidParameters(model: name, reason: reason)
        }
    }
}
