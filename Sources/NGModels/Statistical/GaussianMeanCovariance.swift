import NGLinearAlgebra

/// The coordinates θ = (μ, vech Σ) of N(μ, Σ): the mean, then the d(d+1)/2 lower-triangle entries
/// of the covariance row by row (``HalfVectorization``).
///
/// With P = Σ⁻¹, δ = μ − x̄ and C = S + δδᵀ for data moments (x̄, S):
///
///     ∇_μ L = P·δ,       ∇_vechΣ L = Dᵀvec(G),   G = ½(P − P·C·P),
///     F = blockdiag(P, Dᵀ·½(P ⊗ P)·D),
///
/// with D the duplication matrix, so the covariance block has entry ((i,j), (k,l)) equal to
/// (cᵢⱼcₖₗ/4)·(PᵢₖPⱼₗ + PᵢₗPⱼₖ), c = 1 on the diagonal and 2 off it. The mean and covariance
/// blocks do not couple (the cross term is an odd moment of x − μ). The natural gradient has the
/// closed form F⁻¹∇L = (μ − x̄, vech(Σ − C)), so its flow dμ/dt = x̄ − μ, dΣ/dt = C − Σ relaxes
/// μ to x̄ and Σ to S exponentially, in every parameterization (Amari 1998; for the Fisher of
/// N(μ, Σ) see e.g. Magnus & Neudecker, *Matrix Differential Calculus*, 3rd ed., 2019).
public struct GaussianMeanCovariance: GaussianParameterization {
    public let dimension: Int
    public var name: String { "GaussianMeanCovariance" }

    /// The (μ, Σ) coordinates for dimension d.
    /// - Throws: ``StatisticalModelError/invalidArgument(model:reason:)`` unless d ≥ 1.
    public init(dimension: Int) throws {
        try Self.requireDimension(dimension, name: "GaussianMeanCovariance")
        self.dimension = dimension
    }

    public func parameters(of distribution: MultivariateGaussian) throws -> Vector<Double> {
        try requireDimension(of: distribution)
        return Vector(distribution.mean.elements + HalfVectorization.lowerTriangle(distribution.covariance))
    }

    public func distribution(at parameters: Vector<Double>) throws -> MultivariateGaussian {
        let (mean, vech) = try split(parameters)
        let sigma: Matrix<Double> = HalfVectorization.symmetricMatrix(vech, dimension: dimension)
        do {
            return try MultivariateGaussian(mean: Vector(mean), covariance: sigma)
        } catch StatisticalModelError.invalidParameters(_, let reason) {
            throw StatisticalModelError.invalidParameters(model: name, reason: reason)
        }
    }

    /// (Σ⁻¹(μ − x̄), Dᵀvec(G)) with G = ½(Σ⁻¹ − Σ⁻¹CΣ⁻¹).
    public func gradient(at parameters: Vector<Double>, moments: GaussianMoments) throws -> Vector<Double> {
        let (meanGradient, g) = try covarianceDerivatives(distribution(at: parameters), moments)
        return Vector(meanGradient.elements + HalfVectorization.weightedLowerTriangle(g))
    }

    /// blockdiag(Σ⁻¹, Dᵀ·½(Σ⁻¹ ⊗ Σ⁻¹)·D).
    public func fisher(at parameters: Vector<Double>) throws -> Matrix<Double> {
        let p = try distribution(at: parameters).precision
        let d = dimension, order = parameterCount
        var f = Matrix<Double>(rows: order, columns: order)
        for a in 0..<d { for b in 0..<d { f[a, b] = p[a, b] } }
        let pairs = HalfVectorization.pairs(dimension: d)
        for (s, (i, j)) in pairs.enumerated() {
            let cij: Double = i == j ? 1 : 2
            for (t, (k, l)) in pairs.enumerated() {
                let ckl: Double = k == l ? 1 : 2
                f[d + s, d + t] = cij * ckl / 4 * (p[i, k] * p[j, l] + p[i, l] * p[j, k])
            }
        }
        return f
    }
}
