import Foundation
import NGLinearAlgebra
import NGModels
import NGRandom
import Testing

/// Naive 3×3 determinant and inverse (cofactors) and the textbook Gaussian density: oracles
/// independent of the Cholesky-based implementation.
enum GaussianReference {
    static func determinant(_ a: Matrix<Double>) -> Double {
        precondition(a.rows == 3 && a.columns == 3)
        return a[0, 0] * (a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1])
            - a[0, 1] * (a[1, 0] * a[2, 2] - a[1, 2] * a[2, 0])
            + a[0, 2] * (a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0])
    }

    static func inverse(_ a: Matrix<Double>) -> Matrix<Double> {
        let det = determinant(a)
        return Matrix(rows: 3, columns: 3) { i, j in
            // Cofactor of (j, i) over the determinant.
            let r = [0, 1, 2].filter { $0 != j }, c = [0, 1, 2].filter { $0 != i }
            let minor = a[r[0], c[0]] * a[r[1], c[1]] - a[r[0], c[1]] * a[r[1], c[0]]
            return ((i + j) % 2 == 0 ? 1 : -1) * minor / det
        }
    }

    /// log N(x; μ, Σ) = −½[d log 2π + log det Σ + (x − μ)ᵀΣ⁻¹(x − μ)] with the cofactor inverse.
    static func logDensity(_ x: [Double], mean: Vector<Double>, covariance: Matrix<Double>) -> Double {
        let p = inverse(covariance)
        let delta = (0..<3).map { x[$0] - mean[$0] }
        var quadratic = 0.0
        for i in 0..<3 { for j in 0..<3 { quadratic += delta[i] * p[i, j] * delta[j] } }
        return -0.5 * (3 * log(2 * Double.pi) + log(determinant(covariance)) + quadratic)
    }

    /// A fixed 3-dimensional N(μ, Σ) with Σ = AAᵀ + ½I for a Gaussian A.
    static func distribution(seed: UInt64, meanScale: Double = 1) throws -> MultivariateGaussian {
        let a = StatisticalFixtures.design(rows: 3, features: 3, seed: seed)  // 3×4, last column ones
        let covariance = Matrix<Double>(rows: 3, columns: 3) { i, j in
            (0..<3).reduce(0.0) { $0 + a[i, $1] * a[j, $1] } / 2 + (i == j ? 0.5 : 0)
        }
        return try MultivariateGaussian(mean: StatisticalFixtures.vector(3, scale: meanScale, seed: seed + 1), covariance: covariance)
    }

    /// The moments of 50 samples from another Gaussian: the data the gradients are taken on.
    static func dataMoments() throws -> GaussianMoments {
        var rng = SeededGenerator(seed: 99)
        return try GaussianMoments(samples: distribution(seed: 90).sample(count: 50, using: &rng))
    }
}

/// The distribution type, its moments and the half-vectorization against naive formulas.
@Suite struct GaussianDistributionTests {
    @Test func halfVectorizationOrderAndDuplicationMatrix() throws {
        let pairs = HalfVectorization.pairs(dimension: 3)
        #expect(pairs.map { [$0.row, $0.column] } == [[0, 0], [1, 0], [1, 1], [2, 0], [2, 1], [2, 2]])
        for (position, pair) in pairs.enumerated() { #expect(HalfVectorization.index(row: pair.row, column: pair.column) == position) }
        let symmetric = try Matrix<Double>([[1, 2, 3], [2, 4, 5], [3, 5, 6]])
        let vech = HalfVectorization.lowerTriangle(symmetric)
        #expect(vech == [1, 2, 4, 3, 5, 6])
        #expect(HalfVectorization.symmetricMatrix(vech, dimension: 3) == symmetric)
        #expect(HalfVectorization.lowerTriangularMatrix(vech, dimension: 3) == (try Matrix<Double>([[1, 0, 0], [2, 4, 0], [3, 5, 6]])))
        // vec(A) = D·vech(A), and Dᵀvec(G) doubles the off-diagonal entries.
        let duplication: Matrix<Double> = HalfVectorization.duplicationMatrix(dimension: 3)
        #expect((duplication * Vector(vech)).elements == symmetric.elements)
        let pulledBack = try duplication.multiplied(by: Vector(symmetric.elements), transposingSelf: true)
        #expect(pulledBack.elements == HalfVectorization.weightedLowerTriangle(symmetric))
        #expect(HalfVectorization.weightedLowerTriangle(symmetric) == [1, 4, 4, 6, 10, 6])
    }

    @Test func densityLikelihoodAndKullbackLeiblerMatchTheTextbookFormulas() throws {
        let q = try GaussianReference.distribution(seed: 1)
        var rng = SeededGenerator(seed: 2)
        let samples = q.sample(count: 25, using: &rng)
        var naiveNLL = 0.0
        for i in 0..<samples.rows {
            let naive = GaussianReference.logDensity(samples.row(i).elements, mean: q.mean, covariance: q.covariance)
            #expect(abs(try q.logDensity(samples.row(i)) - naive) <= 1e-12 * max(1, abs(naive)))
            naiveNLL -= naive / Double(samples.rows)
        }
        #expect(abs(try q.negativeLogLikelihood(samples: samples) - naiveNLL) <= 1e-12 * max(1, abs(naiveNLL)))
        #expect(abs(q.logDeterminant - log(GaussianReference.determinant(q.covariance))) <= 1e-13)
        #expect(StatisticalFixtures.maxDifference(q.precision, GaussianReference.inverse(q.covariance)) <= 1e-12)

        // The cross-entropy E_r[−log q] = ½[d log 2π + log det Σ_q + tr(Σ_q⁻¹Σ_r) + (μ_r − μ_q)ᵀΣ_q⁻¹(μ_r − μ_q)].
        let r = try GaussianReference.distribution(seed: 3)
        let p = GaussianReference.inverse(q.covariance)
        var traceTerm = 0.0, quadratic = 0.0
        for i in 0..<3 {
            for j in 0..<3 {
                traceTerm += p[i, j] * r.covariance[j, i]
                quadratic += (r.mean[i] - q.mean[i]) * p[i, j] * (r.mean[j] - q.mean[j])
            }
        }
        let crossEntropy = 0.5 * (3 * log(2 * Double.pi) + log(GaussianReference.determinant(q.covariance)) + traceTerm + quadratic)
        #expect(abs(try q.negativeLogLikelihood(moments: GaussianMoments(of: r)) - crossEntropy) <= 1e-12 * crossEntropy)

        // KL between diagonal Gaussians is the sum of the one-dimensional divergences.
        let a = try MultivariateGaussian(mean: Vector([0.3, -1, 2]), covariance: Matrix(diagonal: Vector([0.5, 2, 1.5])))
        let b = try MultivariateGaussian(mean: Vector([1, 0, 2.5]), covariance: Matrix(diagonal: Vector([1, 0.7, 3])))
        let oneDimensional = (0..<3).reduce(0.0) { sum, i in
            let s1 = a.covariance[i, i], s2 = b.covariance[i, i], dm = a.mean[i] - b.mean[i]
            return sum + 0.5 * log(s2 / s1) + (s1 + dm * dm) / (2 * s2) - 0.5
        }
        #expect(abs(try a.kullbackLeiblerDivergence(to: b) - oneDimensional) <= 1e-13)
        #expect(abs(try q.kullbackLeiblerDivergence(to: q)) <= 1e-13)
    }

    @Test func samplesHaveTheDistributionsMoments() throws {
        let q = try GaussianReference.distribution(seed: 4)
        let m = 40_000
        var rng = SeededGenerator(seed: 5)
        let moments = try GaussianMoments(samples: q.sample(count: m, using: &rng))
        for i in 0..<3 {
            #expect(abs(moments.mean[i] - q.mean[i]) <= 5 * (q.covariance[i, i] / Double(m)).squareRoot(), "mean \(i)")
            for j in 0..<3 {
                // Var[(xᵢ − μᵢ)(xⱼ − μⱼ)] = ΣᵢᵢΣⱼⱼ + Σᵢⱼ².
                let standardError = ((q.covariance[i, i] * q.covariance[j, j] + q.covariance[i, j] * q.covariance[i, j]) / Double(m)).squareRoot()
                #expect(abs(moments.covariance[i, j] - q.covariance[i, j]) <= 5 * standardError, "covariance (\(i), \(j))")
            }
        }
    }

    @Test func momentsOfSamplesMatchNaiveLoops() throws {
        let x = try Matrix<Double>([[1, 2], [3, -1], [0.5, 4], [2, 2]])
        let moments = try GaussianMoments(samples: x)
        #expect(StatisticalFixtures.maxDifference(moments.mean, Vector([1.625, 1.75])) <= 1e-15)
        let naive = Matrix<Double>(rows: 2, columns: 2) { a, b in
            (0..<4).reduce(0.0) { $0 + (x[$1, a] - moments.mean[a]) * (x[$1, b] - moments.mean[b]) } / 4
        }
        #expect(StatisticalFixtures.maxDifference(moments.covariance, naive) <= 1e-15)
        let second = Matrix<Double>(rows: 2, columns: 2) { a, b in (0..<4).reduce(0.0) { $0 + x[$1, a] * x[$1, b] } / 4 }
        #expect(StatisticalFixtures.maxDifference(moments.secondMoment, second) <= 1e-14)
    }

    @Test func choleskyFactorWithNegativeDiagonalGivesTheSameDistribution() throws {
        let l = try Matrix<Double>([[-1.5, 0, 0], [0.3, 0.8, 0], [-0.2, 0.4, -1.1]])
        let q = try MultivariateGaussian(mean: Vector([0, 1, 2]), choleskyFactor: l)
        let naive = Matrix<Double>(rows: 3, columns: 3) { i, j in (0..<3).reduce(0.0) { $0 + l[i, $1] * l[j, $1] } }
        #expect(StatisticalFixtures.maxDifference(q.covariance, naive) <= 1e-15)
        for i in 0..<3 { #expect(q.choleskyFactor[i, i] > 0) }
        #expect(StatisticalFixtures.maxDifference(q.choleskyFactor.gram(transposing: false), naive) <= 1e-14)
    }

    @Test func badInputIsAClearError() throws {
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return "no error"
        }
        let mean = Vector<Double>([0, 0])
        #expect(message { _ = try MultivariateGaussian(mean: mean, covariance: Matrix([[1, 2], [2, 1]])) }.contains("not positive definite"))
        #expect(message { _ = try MultivariateGaussian(mean: mean, covariance: Matrix([[1, 0.5], [0.4, 1]])) }.contains("not symmetric"))
        #expect(message { _ = try MultivariateGaussian(mean: mean, covariance: Matrix.identity(3)) }.contains("covariance has the wrong shape"))
        #expect(message { _ = try MultivariateGaussian(mean: mean, choleskyFactor: Matrix([[1, 0], [1, 0]])) }.contains("zero diagonal entry at 1"))
        #expect(message { _ = try GaussianMoments(samples: Matrix([[1, .nan]])) }.contains("samples has a NaN or infinite entry at index 1"))
        #expect(message { _ = try GaussianMoments(samples: Matrix(rows: 0, columns: 2)) }.contains("at least one sample"))
        let q = try MultivariateGaussian(mean: mean, covariance: Matrix.identity(2))
        #expect(message { _ = try q.negativeLogLikelihood(moments: GaussianReference.dataMoments()) }.contains("expected dimension 2"))
        let natural = try GaussianNaturalParameters(dimension: 2)
        #expect(message { _ = try natural.distribution(at: Vector([0, 0, 1, 0, 1])) }.contains("−2η₂ (the precision) is not positive definite"))
        let cholesky = try GaussianMeanCholesky(dimension: 2)
        #expect(message { _ = try cholesky.distribution(at: Vector([0, 0, 1, 0])) }.contains("parameters has the wrong shape"))
        #expect(message { _ = try cholesky.naturalGradient(at: cholesky.parameters(of: q), moments: GaussianMoments(of: q), damping: .nan) }
            .contains("damping must be finite"))
        #expect(message { _ = try GaussianMeanCovariance(dimension: 0) }.contains("dimension must be at least 1"))
    }
}

/// The three parameterizations: round trips, gradients against finite differences, and each
/// Fisher against three independent oracles — the pull-back JᵀF_ΣJ with J from finite
/// differences, the Hessian of the expected NLL, and the Monte-Carlo covariance of the score.
@Suite struct GaussianParameterizationTests {
    static let dimension = 3

    func eachParameterization(_ body: (any GaussianParameterization) throws -> Void) throws {
        try body(GaussianMeanCovariance(dimension: Self.dimension))
        try body(GaussianMeanCholesky(dimension: Self.dimension))
        try body(GaussianNaturalParameters(dimension: Self.dimension))
    }

    @Test func parametersRoundTripAndConvert() throws {
        let q = try GaussianReference.distribution(seed: 7)
        try eachParameterization { p in
            let theta = try p.parameters(of: q)
            #expect(theta.count == 9 && p.parameterCount == 9)
            let back = try p.distribution(at: theta)
            #expect(StatisticalFixtures.maxDifference(back.mean, q.mean) <= 1e-13, "\(p.name)")
            #expect(StatisticalFixtures.maxDifference(back.covariance, q.covariance) <= 1e-13, "\(p.name)")
            try eachParameterization { other in
                let converted = try p.converting(theta, to: other)
                #expect(StatisticalFixtures.maxDifference(try other.converting(converted, to: p), theta) <= 1e-12, "\(p.name) → \(other.name)")
            }
        }
        // The documented layouts.
        let covariance = try GaussianMeanCovariance(dimension: 3).parameters(of: q)
        #expect(covariance.elements == q.mean.elements + [q.covariance[0, 0], q.covariance[1, 0], q.covariance[1, 1], q.covariance[2, 0], q.covariance[2, 1], q.covariance[2, 2]])
        let natural = try GaussianNaturalParameters(dimension: 3).parameters(of: q)
        let p = GaussianReference.inverse(q.covariance)
        let eta1 = (0..<3).map { i in (0..<3).reduce(0.0) { $0 + p[i, $1] * q.mean[$1] } }
        #expect(StatisticalFixtures.maxDifference(natural, Vector(eta1 + [p[0, 0], p[1, 0], p[1, 1], p[2, 0], p[2, 1], p[2, 2]].map { -$0 / 2 })) <= 1e-12)
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        let q = try GaussianReference.distribution(seed: 8)
        let moments = try GaussianReference.dataMoments()
        try eachParameterization { p in
            let theta = try p.parameters(of: q)
            let gradient = try p.gradient(at: theta, moments: moments)
            let numeric = try StatisticalFiniteDifferences.gradient(at: theta) { try p.negativeLogLikelihood(at: $0, moments: moments) }
            let error = StatisticalFixtures.maxDifference(gradient, numeric)
            #expect(error <= 1e-8 * StatisticalFixtures.scale(gradient), "\(p.name): \(error)")
        }
        // At a Cholesky factor with a negative diagonal entry too (the derivative at the L given).
        let cholesky = try GaussianMeanCholesky(dimension: 3)
        var theta = try cholesky.parameters(of: q)
        for index in [3, 4, 6, 7, 8] { theta[index] = -theta[index] }  // negate column 0 of L
        let numeric = try StatisticalFiniteDifferences.gradient(at: theta) { try cholesky.negativeLogLikelihood(at: $0, moments: moments) }
        #expect(StatisticalFixtures.maxDifference(try cholesky.gradient(at: theta, moments: moments), numeric) <= 1e-8 * StatisticalFixtures.scale(numeric))
    }

    /// F_Σ = blockdiag(Σ⁻¹, Dᵀ·½(Σ⁻¹ ⊗ Σ⁻¹)·D) built from the duplication matrix and an explicit Kronecker product.
    @Test func meanCovarianceFisherIsTheDuplicatedKroneckerProduct() throws {
        let q = try GaussianReference.distribution(seed: 9)
        let parameterization = try GaussianMeanCovariance(dimension: 3)
        let fisher = try parameterization.fisher(at: parameterization.parameters(of: q))
        let p = GaussianReference.inverse(q.covariance)
        let duplication: Matrix<Double> = HalfVectorization.duplicationMatrix(dimension: 3)
        var kronecker = try KroneckerProduct(p, p).dense
        kronecker.scale(by: 0.5)
        let block = try duplication.multiplied(by: kronecker * duplication, transposingSelf: true)
        let reference = Matrix<Double>(rows: 9, columns: 9) { a, b in
            a < 3 && b < 3 ? p[a, b] : (a >= 3 && b >= 3 ? block[a - 3, b - 3] : 0)
        }
        #expect(StatisticalFixtures.maxDifference(fisher, reference) <= 1e-12 * StatisticalFixtures.scale(reference))
    }

    /// The Fisher metric transforms as F_ξ = Jᵀ·F_Σ·J, J = ∂θ_Σ/∂ξ by central differences of the
    /// conversion map: an independent check of the (μ, L) and natural-parameter closed forms.
    @Test func fishersArePullBacksOfTheMeanCovarianceFisher() throws {
        let q = try GaussianReference.distribution(seed: 10)
        let meanCovariance = try GaussianMeanCovariance(dimension: 3)
        let fisherSigma = try meanCovariance.fisher(at: meanCovariance.parameters(of: q))
        try eachParameterization { p in
            let xi = try p.parameters(of: q)
            let jacobian = try StatisticalFiniteDifferences.jacobian(at: xi) { try p.converting($0, to: meanCovariance) }
            let pulledBack = try jacobian.multiplied(by: fisherSigma * jacobian, transposingSelf: true)
            let fisher = try p.fisher(at: xi)
            let error = StatisticalFixtures.maxDifference(fisher, pulledBack)
            #expect(error <= 1e-7 * StatisticalFixtures.scale(fisher), "\(p.name): \(error)")
            #expect(fisher.asymmetry == 0, "\(p.name)")
        }
    }

    /// F(θ₀) = ∇²_θ E_{x∼p_θ₀}[−log p_θ(x)] at θ = θ₀: the expected Hessian of the NLL, through
    /// the cross-entropy (the NLL with the moments of p_θ₀), differentiated numerically.
    @Test func fisherIsTheExpectedHessianOfTheNegativeLogLikelihood() throws {
        let q = try GaussianReference.distribution(seed: 11)
        let moments = GaussianMoments(of: q)
        try eachParameterization { p in
            let theta = try p.parameters(of: q)
            let hessian = try StatisticalFiniteDifferences.hessian(at: theta) { try p.gradient(at: $0, moments: moments) }
            let fisher = try p.fisher(at: theta)
            let error = StatisticalFixtures.maxDifference(fisher, hessian)
            #expect(error <= 1e-7 * StatisticalFixtures.scale(fisher), "\(p.name): \(error)")
            // The gradient of the cross-entropy vanishes at its minimum θ₀.
            #expect(try p.gradient(at: theta, moments: moments).maxMagnitude <= 1e-12 * StatisticalFixtures.scale(fisher), "\(p.name)")
        }
    }

    /// F = E[s·sᵀ] with s = ∇log p_θ(x) for x ∼ p_θ: each entry of the Monte-Carlo average within
    /// five standard errors (the sample standard deviation of sₐs_b over √M).
    @Test func fisherIsTheCovarianceOfTheScore() throws {
        let q = try GaussianReference.distribution(seed: 12, meanScale: 0.5)
        let m = 20_000
        var rng = SeededGenerator(seed: 13)
        let samples = q.sample(count: m, using: &rng)
        try eachParameterization { p in
            let theta = try p.parameters(of: q)
            let count = p.parameterCount
            var sum = Matrix<Double>(rows: count, columns: count), sumOfSquares = sum
            for i in 0..<m {
                let score = -(try p.gradient(at: theta, moments: GaussianMoments(samples: StatisticalFixtures.rowBatch(samples, i))))
                for a in 0..<count {
                    for b in 0..<count {
                        let product = score[a] * score[b]
                        sum[a, b] += product
                        sumOfSquares[a, b] += product * product
                    }
                }
            }
            let fisher = try p.fisher(at: theta)
            for a in 0..<count {
                for b in 0..<count {
                    let mean = sum[a, b] / Double(m)
                    let standardError = ((sumOfSquares[a, b] / Double(m) - mean * mean) / Double(m)).squareRoot()
                    #expect(abs(mean - fisher[a, b]) <= 5 * standardError, "\(p.name) (\(a), \(b)): \(mean) vs \(fisher[a, b]) ± \(standardError)")
                }
            }
        }
    }

    /// Natural parameters: log p(x) = ⟨θ, T(x)⟩ − A(θ), A against the textbook formula, and the
    /// Fisher equal to the Hessian of A (the covariance of the sufficient statistics).
    @Test func naturalParametersFisherIsTheHessianOfTheLogPartition() throws {
        let q = try GaussianReference.distribution(seed: 14)
        let natural = try GaussianNaturalParameters(dimension: 3)
        let theta = try natural.parameters(of: q)
        let p = GaussianReference.inverse(q.covariance)
        var quadratic = 0.0
        for i in 0..<3 { for j in 0..<3 { quadratic += q.mean[i] * p[i, j] * q.mean[j] } }
        let logPartition = 0.5 * quadratic + 0.5 * log(GaussianReference.determinant(q.covariance)) + 1.5 * log(2 * Double.pi)
        #expect(abs(try natural.logPartition(at: theta) - logPartition) <= 1e-12 * abs(logPartition))
        for x in [[0.1, -0.4, 2.0], [1.5, 0.0, -0.3]] {
            let statistics = try natural.sufficientStatistics(Vector(x))
            let logDensity = try theta.dot(statistics) - natural.logPartition(at: theta)
            #expect(abs(logDensity - GaussianReference.logDensity(x, mean: q.mean, covariance: q.covariance)) <= 1e-12)
        }
        let hessian = try StatisticalFiniteDifferences.hessian(at: theta, step: 1e-4) { point in
            try StatisticalFiniteDifferences.gradient(at: point, step: 1e-4) { try natural.logPartition(at: $0) }
        }
        let fisher = try natural.fisher(at: theta)
        #expect(StatisticalFixtures.maxDifference(fisher, hessian) <= 1e-4 * StatisticalFixtures.scale(fisher))
    }

    /// In (μ, Σ) the natural gradient has the closed form (μ − x̄, vech(Σ − S − (x̄ − μ)(x̄ − μ)ᵀ)).
    @Test func meanCovarianceNaturalGradientHasItsClosedForm() throws {
        let q = try GaussianReference.distribution(seed: 15)
        let moments = try GaussianReference.dataMoments()
        let parameterization = try GaussianMeanCovariance(dimension: 3)
        let step = try parameterization.naturalGradient(at: parameterization.parameters(of: q), moments: moments)
        let delta = (0..<3).map { q.mean[$0] - moments.mean[$0] }
        let target = Matrix<Double>(rows: 3, columns: 3) { i, j in q.covariance[i, j] - moments.covariance[i, j] - delta[i] * delta[j] }
        let closedForm = Vector(delta + HalfVectorization.lowerTriangle(target))
        #expect(StatisticalFixtures.maxDifference(step, closedForm) <= 1e-11 * StatisticalFixtures.scale(closedForm))
        // With damping the step solves (F + λI)x = ∇L.
        let theta = try parameterization.parameters(of: q)
        let damped = try parameterization.naturalGradient(at: theta, moments: moments, damping: 0.3)
        let gradient = try parameterization.gradient(at: theta, moments: moments)
        #expect(StatisticalFixtures.maxDifference(try parameterization.fisher(at: theta).addingToDiagonal(0.3) * damped, gradient) <= 1e-12 * StatisticalFixtures.scale(gradient))
    }

    /// The natural gradient is a tangent vector: pushed forward to (μ, Σ) coordinates through
    /// J = ∂θ_Σ/∂ξ it is the (μ, Σ) natural gradient, in every parameterization (Amari 1998). The
    /// plain gradient is not.
    @Test func naturalGradientsAreTheSameTangentVectorInEveryParameterization() throws {
        let q = try GaussianReference.distribution(seed: 16)
        let moments = try GaussianReference.dataMoments()
        let meanCovariance = try GaussianMeanCovariance(dimension: 3)
        let thetaSigma = try meanCovariance.parameters(of: q)
        let reference = try meanCovariance.naturalGradient(at: thetaSigma, moments: moments)
        let plainReference = try meanCovariance.gradient(at: thetaSigma, moments: moments)
        for p in [try GaussianMeanCholesky(dimension: 3) as any GaussianParameterization, try GaussianNaturalParameters(dimension: 3)] {
            let xi = try p.parameters(of: q)
            let jacobian = try StatisticalFiniteDifferences.jacobian(at: xi) { try p.converting($0, to: meanCovariance) }
            let pushed = try jacobian * p.naturalGradient(at: xi, moments: moments)
            let error = StatisticalFixtures.maxDifference(pushed, reference)
            #expect(error <= 1e-7 * StatisticalFixtures.scale(reference), "\(p.name): \(error)")
            let plainPushed = try jacobian * p.gradient(at: xi, moments: moments)
            #expect(StatisticalFixtures.maxDifference(plainPushed, plainReference) > 0.1, "\(p.name): the plain gradient should not be invariant")
        }
    }
}
