import NGLinearAlgebra

/// The first two moments of a data batch, or of a target distribution: everything the average
/// Gaussian negative log-likelihood depends on.
///
/// For samples x₁…x_N, the mean x̄ = (1/N)·Σ xᵢ and the covariance about it
/// S = (1/N)·Σ (xᵢ − x̄)(xᵢ − x̄)ᵀ (divisor N: the maximum-likelihood estimate, not the unbiased
/// one). The average NLL of N(μ, Σ) on the batch is then
///
///     L(μ, Σ) = ½·[d·log 2π + log det Σ + tr(Σ⁻¹S) + (x̄ − μ)ᵀΣ⁻¹(x̄ − μ)],
///
/// minimized by μ = x̄, Σ = S. With the moments of a distribution q instead of a batch, the same
/// formula is the cross-entropy E_q[−log p], so one code path serves both objectives.
public struct GaussianMoments: Sendable, Equatable {
    /// The mean x̄ (length d).
    public let mean: Vector<Double>
    /// The covariance S about the mean (d×d, symmetric positive semidefinite, divisor N).
    public let covariance: Matrix<Double>

    /// d, the dimension of the samples.
    public var dimension: Int { mean.count }

    /// The second moment E[xxᵀ] = S + x̄x̄ᵀ.
    public var secondMoment: Matrix<Double> {
        var m = covariance
        // Shapes agree by construction.
        do { try m.addOuterProduct(mean, mean) } catch { preconditionFailure("\(error)") }
        return m
    }

    /// The moments of N samples, one per row.
    /// - Throws: ``StatisticalModelError/invalidArgument(model:reason:)`` for an empty batch or no
    ///   columns, ``StatisticalModelError/nonFinite(model:what:index:)`` for NaN or infinite entries.
    public init(samples: Matrix<Double>) throws {
        guard samples.rows >= 1, samples.columns >= 1 else {
            throw StatisticalModelError.invalidArgument(
                model: "GaussianMoments", reason: "need at least one sample of dimension ≥ 1, got \(samples.shapeDescription)")
        }
        try StatisticalChecks.requireFinite(samples, "samples", model: "GaussianMoments")
        let n = samples.rows, d = samples.columns
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += samples.elements[i * d + j] } }
        for j in 0..<d { mean[j] /= Double(n) }
        // Centered first, then one syrk: more accurate than E[xxᵀ] − x̄x̄ᵀ when |x̄| is large.
        var centered = samples
        for i in 0..<n { for j in 0..<d { centered.elements[i * d + j] -= mean[j] } }
        self.mean = Vector(mean)
        self.covariance = centered.gram(alpha: 1 / Double(n))
    }

    /// Moments given directly: a mean and a covariance about it (exactly symmetrized).
    /// - Throws: ``StatisticalModelError/shapeMismatch(model:what:expected:actual:)`` unless the
    ///   covariance is d×d for a mean of length d ≥ 1; ``StatisticalModelError/nonFinite(model:what:index:)``;
    ///   ``StatisticalModelError/invalidArgument(model:reason:)`` for a clearly asymmetric
    ///   covariance or a negative diagonal entry.
    public init(mean: Vector<Double>, covariance: Matrix<Double>) throws {
        self.mean = mean
        self.covariance = try GaussianChecks.symmetricMatrix(covariance, dimension: mean.count, what: "covariance", model: "GaussianMoments")
        try StatisticalChecks.requireFinite(mean, "mean", model: "GaussianMoments")
        if let bad = (0..<mean.count).first(where: { self.covariance[$0, $0] < 0 }) {
            throw StatisticalModelError.invalidArgument(
                model: "GaussianMoments", reason: "the covariance has a negative diagonal entry \(self.covariance[bad, bad]) at \(bad)")
        }
    }

    /// The moments (μ, Σ) of a Gaussian: with them the average NLL becomes the cross-entropy from it.
    public init(of distribution: MultivariateGaussian) {
        mean = distribution.mean
        covariance = distribution.covariance
    }
}

/// Shape and symmetry checks shared by the Gaussian types.
enum GaussianChecks {
    /// The matrix made exactly symmetric, after checking it is d×d (d ≥ 1), finite, and symmetric
    /// to within 1e-10 of its largest entry (rounding in a product computed as A·Aᵀ by gemm).
    static func symmetricMatrix(_ matrix: Matrix<Double>, dimension d: Int, what: String, model: String) throws -> Matrix<Double> {
        guard d >= 1, matrix.rows == d, matrix.columns == d else {
            throw StatisticalModelError.shapeMismatch(
                model: model, what: what, expected: "\(d)×\(d) for a mean of length \(d) (d ≥ 1)", actual: matrix.shapeDescription)
        }
        try StatisticalChecks.requireFinite(matrix, what, model: model)
        let asymmetry = matrix.asymmetry
        guard asymmetry <= 1e-10 * matrix.maxMagnitude else {
            throw StatisticalModelError.invalidArgument(model: model, reason: "the \(what) is not symmetric (|Aᵢⱼ − Aⱼᵢ| up to \(asymmetry))")
        }
        var out = matrix
        for i in 0..<d {
            for j in 0..<i {
                let average = (matrix[i, j] + matrix[j, i]) / 2
                out[i, j] = average
                out[j, i] = average
            }
        }
        return out
    }
}
