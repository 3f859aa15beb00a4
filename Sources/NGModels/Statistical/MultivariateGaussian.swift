import NGLinearAlgebra
import NGRandom

/// The multivariate normal distribution N(μ, Σ) on ℝᵈ, in Double.
///
///     log p(x) = −½·[d·log 2π + log det Σ + (x − μ)ᵀΣ⁻¹(x − μ)]
///
/// The value holds the distribution itself; its coordinates for optimization — (μ, Σ), (μ, L)
/// with Σ = LLᵀ, or the natural parameters (Σ⁻¹μ, −½Σ⁻¹) — are the ``GaussianParameterization``
/// conformers, which map parameter vectors to and from this type. The Cholesky factor, the
/// precision Σ⁻¹ and log det Σ are computed once, when the value is made.
public struct MultivariateGaussian: Sendable, Equatable {
    /// μ (length d).
    public let mean: Vector<Double>
    /// Σ (d×d, symmetric positive definite, exactly symmetric).
    public let covariance: Matrix<Double>
    /// The Cholesky factor L of Σ = LLᵀ: lower triangular with a positive diagonal.
    public let choleskyFactor: Matrix<Double>
    /// The precision Σ⁻¹ (exactly symmetric).
    public let precision: Matrix<Double>
    /// log det Σ.
    public let logDeterminant: Double

    /// d, the dimension.
    public var dimension: Int { mean.count }

    /// N(μ, Σ).
    /// - Throws: ``StatisticalModelError/shapeMismatch(model:what:expected:actual:)`` unless Σ is
    ///   d×d for μ of length d ≥ 1; ``StatisticalModelError/nonFinite(model:what:index:)``;
    ///   ``StatisticalModelError/invalidArgument(model:reason:)`` for an asymmetric Σ;
    ///   ``StatisticalModelError/invalidParameters(model:reason:)`` when Σ is not positive definite.
    public init(mean: Vector<Double>, covariance: Matrix<Double>) throws {
        let sigma = try GaussianChecks.symmetricMatrix(covariance, dimension: mean.count, what: "covariance", model: "MultivariateGaussian")
        try StatisticalChecks.requireFinite(mean, "mean", model: "MultivariateGaussian")
        let cholesky: Cholesky<Double>
        do {
            cholesky = try Cholesky(sigma)
        } catch LinearAlgebraError.notPositiveDefinite(let order, _) {
            throw StatisticalModelError.invalidParameters(
                model: "MultivariateGaussian", reason: "the covariance is not positive definite (its leading minor of order \(order) is not)")
        }
        self.mean = mean
        self.covariance = sigma
        self.choleskyFactor = cholesky.lower
        self.precision = cholesky.inverse
        self.logDeterminant = cholesky.logDeterminant
    }

    /// N(μ, LLᵀ) for a lower-triangular L with a non-zero diagonal (its strict upper triangle is
    /// ignored). A negative diagonal entry is allowed: the stored ``choleskyFactor`` flips the
    /// sign of that column, which leaves LLᵀ unchanged.
    /// - Throws: as ``init(mean:covariance:)``; ``StatisticalModelError/invalidParameters(model:reason:)``
    ///   for a zero on the diagonal of L (Σ singular).
    public init(mean: Vector<Double>, choleskyFactor: Matrix<Double>) throws {
        let d = mean.count
        guard d >= 1, choleskyFactor.rows == d, choleskyFactor.columns == d else {
            throw StatisticalModelError.shapeMismatch(
                model: "MultivariateGaussian", what: "Cholesky factor", expected: "\(d)×\(d) for a mean of length \(d) (d ≥ 1)",
                actual: choleskyFactor.shapeDescription)
        }
        var lower = Matrix<Double>(rows: d, columns: d)
        for i in 0..<d { for j in 0...i { lower[i, j] = choleskyFactor[i, j] } }
        try StatisticalChecks.requireFinite(lower, "Cholesky factor", model: "MultivariateGaussian")
        if let zero = (0..<d).first(where: { lower[$0, $0] == 0 }) {
            throw StatisticalModelError.invalidParameters(
                model: "MultivariateGaussian", reason: "the Cholesky factor has a zero diagonal entry at \(zero), so Σ = LLᵀ is singular")
        }
        for j in 0..<d where lower[j, j] < 0 { for i in j..<d { lower[i, j] = -lower[i, j] } }
        try self.init(mean: mean, covariance: lower.gram(transposing: false))
    }

    /// log p(x).
    /// - Throws: ``StatisticalModelError/shapeMismatch(model:what:expected:actual:)`` unless x has length d.
    public func logDensity(_ x: Vector<Double>) throws -> Double {
        guard x.count == dimension else {
            throw StatisticalModelError.shapeMismatch(model: "MultivariateGaussian", what: "point", expected: "length \(dimension)", actual: "length \(x.count)")
        }
        // (x − μ)ᵀΣ⁻¹(x − μ) = ‖L⁻¹(x − μ)‖².
        let whitened = try choleskyFactor.solveTriangular(x - mean, triangle: .lower)
        let squaredDistance = try whitened.dot(whitened)
        return -0.5 * (Double(dimension) * Double.log(2 * Double.pi) + logDeterminant + squaredDistance)
    }

    /// The average negative log-likelihood −(1/N)·Σ log p(xᵢ) of N samples, one per row.
    /// - Throws: as ``GaussianMoments/init(samples:)``, and for samples of the wrong dimension.
    public func negativeLogLikelihood(samples: Matrix<Double>) throws -> Double {
        try negativeLogLikelihood(moments: GaussianMoments(samples: samples))
    }

    /// ½·[d·log 2π + log det Σ + tr(Σ⁻¹S) + (x̄ − μ)ᵀΣ⁻¹(x̄ − μ)] for moments (x̄, S): the average
    /// NLL of a batch with those moments, or the cross-entropy E_q[−log p] from a distribution q.
    /// - Throws: ``StatisticalModelError/shapeMismatch(model:what:expected:actual:)`` for moments of another dimension.
    public func negativeLogLikelihood(moments: GaussianMoments) throws -> Double {
        try requireDimension(of: moments)
        let delta = moments.mean - mean
        let quadratic = try delta.dot(precision * delta)
        let traceTerm = try precision.dot(moments.covariance)
        return 0.5 * (Double(dimension) * Double.log(2 * Double.pi) + logDeterminant + traceTerm + quadratic)
    }

    /// The entropy H = ½·[d·(1 + log 2π) + log det Σ].
    public var entropy: Double { 0.5 * (Double(dimension) * (1 + Double.log(2 * Double.pi)) + logDeterminant) }

    /// KL(self ‖ other) = ½·[tr(Σ₂⁻¹Σ₁) + (μ₂ − μ₁)ᵀΣ₂⁻¹(μ₂ − μ₁) − d + log det Σ₂ − log det Σ₁],
    /// the cross-entropy from self to other minus self's entropy.
    /// - Throws: ``StatisticalModelError/shapeMismatch(model:what:expected:actual:)`` for another dimension.
    public func kullbackLeiblerDivergence(to other: MultivariateGaussian) throws -> Double {
        try other.negativeLogLikelihood(moments: GaussianMoments(of: self)) - entropy
    }

    /// `count` samples μ + L·z with z ∼ N(0, I), one per row.
    public func sample(count: Int, using generator: inout SeededGenerator) -> Matrix<Double> {
        precondition(count >= 0, "MultivariateGaussian.sample: negative count \(count)")
        let d = dimension
        // Z (count×d) times Lᵀ: row i is (L·zᵢ)ᵀ.
        let z = Matrix<Double>(rows: count, columns: d) { _, _ in generator.normal() }
        var x = Matrix<Double>(rows: count, columns: d)
        // Shapes agree by construction.
        do { try x.gemm(z, .none, choleskyFactor, .transpose) } catch { preconditionFailure("\(error)") }
        for i in 0..<count { for j in 0..<d { x.elements[i * d + j] += mean[j] } }
        return x
    }

    /// Throws unless the moments have this distribution's dimension.
    func requireDimension(of moments: GaussianMoments) throws {
        guard moments.dimension == dimension else {
            throw StatisticalModelError.shapeMismatch(
                model: "MultivariateGaussian", what: "moments", expected: "dimension \(dimension)", actual: "dimension \(moments.dimension)")
        }
    }
}
