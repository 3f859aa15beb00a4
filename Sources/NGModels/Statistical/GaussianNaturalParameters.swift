import NGLinearAlgebra

/// The exponential-family (natural) coordinates θ = (η₁, vech η₂) of N(μ, Σ), with
/// η₁ = Σ⁻¹μ and η₂ = −½Σ⁻¹ (its d(d+1)/2 lower-triangle entries row by row, ``HalfVectorization``).
///
/// The density is p(x) = exp(⟨θ, T(x)⟩ − A(θ)) with the sufficient statistics and log-partition
///
///     T(x) = (x, vech_c(xxᵀ)),       ⟨θ, T(x)⟩ = η₁ᵀx + tr(η₂·xxᵀ),
///     A(θ) = −¼·η₁ᵀη₂⁻¹η₁ − ½·log det(−2η₂) + (d/2)·log 2π,
///
/// where vech_c doubles the off-diagonal entries (each appears twice in the trace). Then
/// ∇A = E[T] = (μ, vech_c(Σ + μμᵀ)), the expectation parameters, and the Fisher is the Hessian of
/// the log-partition, the covariance of the sufficient statistics (Amari & Nagaoka, *Methods of
/// Information Geometry*, 2000; Wainwright & Jordan, "Graphical models, exponential families,
/// and variational inference", 2008). By Isserlis' theorem, with c = 1 on the diagonal, 2 off it:
///
///     Cov(xₐ, x_b)          = Σₐ_b
///     Cov(xₐ, xᵢxⱼ)         = μᵢΣₐⱼ + μⱼΣₐᵢ                                  (× cᵢⱼ)
///     Cov(xᵢxⱼ, xₖxₗ)       = ΣᵢₖΣⱼₗ + ΣᵢₗΣⱼₖ + μᵢμₖΣⱼₗ + μᵢμₗΣⱼₖ + μⱼμₖΣᵢₗ + μⱼμₗΣᵢₖ   (× cᵢⱼcₖₗ)
///
/// The average NLL of data with moments (x̄, S) is A(θ) − ⟨θ, T̄⟩, T̄ = (x̄, vech_c(S + x̄x̄ᵀ)), so
/// ∇L = E_θ[T] − T̄: the natural-gradient flow moves the expectation parameters straight towards T̄.
public struct GaussianNaturalParameters: GaussianParameterization {
    public let dimension: Int
    public var name: String { "GaussianNaturalParameters" }

    /// The natural coordinates for dimension d.
    /// - Throws: ``StatisticalModelError/invalidArgument(model:reason:)`` unless d ≥ 1.
    public init(dimension: Int) throws {
        try Self.requireDimension(dimension, name: "GaussianNaturalParameters")
        self.dimension = dimension
    }

    /// (Σ⁻¹μ, vech(−½Σ⁻¹)).
    public func parameters(of distribution: MultivariateGaussian) throws -> Vector<Double> {
        try requireDimension(of: distribution)
        let eta1 = distribution.precision * distribution.mean
        return Vector(eta1.elements + HalfVectorization.lowerTriangle(distribution.precision).map { -0.5 * $0 })
    }

    /// Σ = (−2η₂)⁻¹ and μ = Σ·η₁.
    /// - Throws: ``StatisticalModelError/invalidParameters(model:reason:)`` unless −2η₂ is positive definite.
    public func distribution(at parameters: Vector<Double>) throws -> MultivariateGaussian {
        let (eta1, vech) = try split(parameters)
        let precision = HalfVectorization.symmetricMatrix(vech.map { -2 * $0 }, dimension: dimension) as Matrix<Double>
        let cholesky: Cholesky<Double>
        do {
            cholesky = try Cholesky(precision)
        } catch LinearAlgebraError.notPositiveDefinite(let order, _) {
            throw StatisticalModelError.invalidParameters(
                model: name, reason: "−2η₂ (the precision) is not positive definite (its leading minor of order \(order) is not)")
        }
        let sigma = cholesky.inverse
        do {
            return try MultivariateGaussian(mean: sigma * Vector(eta1), covariance: sigma)
        } catch StatisticalModelError.invalidParameters(_, let reason) {
            throw StatisticalModelError.invalidParameters(model: name, reason: reason)
        }
    }

    /// The sufficient statistics T(x) = (x, vech_c(xxᵀ)), so that log p(x) = ⟨θ, T(x)⟩ − A(θ).
    /// - Throws: ``StatisticalModelError/shapeMismatch(model:what:expected:actual:)`` unless x has length d.
    public func sufficientStatistics(_ x: Vector<Double>) throws -> Vector<Double> {
        guard x.count == dimension else {
            throw StatisticalModelError.shapeMismatch(model: name, what: "point", expected: "length \(dimension)", actual: "length \(x.count)")
        }
        var outer = Matrix<Double>(rows: dimension, columns: dimension)
        try outer.addOuterProduct(x, x)
        return Vector(x.elements + HalfVectorization.weightedLowerTriangle(outer))
    }

    /// The log-partition A(θ) = −¼·η₁ᵀη₂⁻¹η₁ − ½·log det(−2η₂) + (d/2)·log 2π = ½μᵀΣ⁻¹μ + ½ log det Σ + (d/2)·log 2π.
    /// - Throws: as ``distribution(at:)``.
    public func logPartition(at parameters: Vector<Double>) throws -> Double {
        let distribution = try distribution(at: parameters)
        let mean = distribution.mean
        let quadratic = try mean.dot(distribution.precision * mean)
        return 0.5 * (quadratic + distribution.logDeterminant + Double(dimension) * Double.log(2 * Double.pi))
    }

    /// E_θ[T] − T̄ = (μ − x̄, vech_c(Σ + μμᵀ − S − x̄x̄ᵀ)).
    public func gradient(at parameters: Vector<Double>, moments: GaussianMoments) throws -> Vector<Double> {
        let distribution = try distribution(at: parameters)
        try requireDimension(of: moments)
        let mean = distribution.mean
        var difference = distribution.covariance - moments.secondMoment
        try difference.addOuterProduct(mean, mean)
        return Vector((mean - moments.mean).elements + HalfVectorization.weightedLowerTriangle(difference))
    }

    /// Cov_θ[T(x)], the Hessian of the log-partition (see the type's documentation for the entries).
    public func fisher(at parameters: Vector<Double>) throws -> Matrix<Double> {
        let distribution = try distribution(at: parameters)
        let s = distribution.covariance, m = distribution.mean
        let d = dimension, order = parameterCount
        var f = Matrix<Double>(rows: order, columns: order)
        for a in 0..<d { for b in 0..<d { f[a, b] = s[a, b] } }
        let pairs = HalfVectorization.pairs(dimension: d)
        for (t, (i, j)) in pairs.enumerated() {
            let cij: Double = i == j ? 1 : 2
            for a in 0..<d {
                let value = cij * (m[i] * s[a, j] + m[j] * s[a, i])
                f[a, d + t] = value
                f[d + t, a] = value
            }
        }
        for (u, (i, j)) in pairs.enumerated() {
            let cij: Double = i == j ? 1 : 2
            for (v, (k, l)) in pairs.enumerated() {
                let ckl: Double = k == l ? 1 : 2
                let gaussianPart = s[i, k] * s[j, l] + s[i, l] * s[j, k]
                let meanPart = m[i] * m[k] * s[j, l] + m[i] * m[l] * s[j, k] + m[j] * m[k] * s[i, l] + m[j] * m[l] * s[i, k]
                f[d + u, d + v] = cij * ckl * (gaussianPart + meanPart)
            }
        }
        f.symmetrize(from: .lower)
        return f
    }
}
