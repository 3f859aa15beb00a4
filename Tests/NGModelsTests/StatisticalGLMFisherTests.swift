import Foundation
import NGLinearAlgebra
import NGModels
import NGRandom
import Testing

/// The exact distribution of one target given its input, as (target, probability) pairs: every
/// label for the Bernoulli and categorical models, counts up to a cutoff beyond which the Poisson
/// tail is below 1e-40, and a 5-point Gauss–Hermite rule for the Gaussian (exact for polynomials
/// of degree ≤ 9 in the noise, so for the second and fourth moments of the score).
enum GLMOutcomes {
    static func logistic(_ theta: Vector<Double>, _ x: Matrix<Double>) -> (Int) -> [(Int, Double)] {
        { i in
            let p = 1 / (1 + exp(-StatisticalFixtures.dot(theta.elements, x.row(i).elements)))
            return [(1, p), (0, 1 - p)]
        }
    }

    static func softmax(_ model: SoftmaxRegression<Double>, _ theta: Vector<Double>, _ x: Matrix<Double>) -> (Int) -> [(Int, Double)] {
        let probabilities = GLMReference.softmaxProbabilities(model, theta, x)
        return { i in probabilities[i].enumerated().map { ($0.offset, $0.element) } }
    }

    static func poisson(_ theta: Vector<Double>, _ x: Matrix<Double>) -> (Int) -> [(Int, Double)] {
        { i in
            let rate = exp(StatisticalFixtures.dot(theta.elements, x.row(i).elements))
            precondition(rate < 10, "the cutoff 120 assumes small rates")
            return (0...120).map { y in (y, exp(Double(y) * log(rate) - rate - lgamma(Double(y) + 1))) }
        }
    }

    static func linear(_ theta: Vector<Double>, _ x: Matrix<Double>, variance: Double) -> (Int) -> [(Double, Double)] {
        let r = 10.0.squareRoot()
        let nodes = [0, (5 - r).squareRoot(), -(5 - r).squareRoot(), (5 + r).squareRoot(), -(5 + r).squareRoot()]
        let weights = [8.0 / 15, (7 + 2 * r) / 60, (7 + 2 * r) / 60, (7 - 2 * r) / 60, (7 - 2 * r) / 60]
        return { i in
            let mean = StatisticalFixtures.dot(theta.elements, x.row(i).elements)
            return zip(nodes, weights).map { (mean + variance.squareRoot() * $0, $1) }
        }
    }
}

/// The closed-form Fisher of each GLM against its definition E_y[∇ℓ∇ℓᵀ] under the model,
/// summed exactly over the outcomes; and the Monte-Carlo Fisher against it, within a tolerance
/// computed from the sample count.
@Suite struct GLMFisherTests {
    /// (1/N)·Σᵢ E[gᵢgᵢᵀ] and the per-entry variance (1/N²)·Σᵢ Var[gᵢₐgᵢ_b] of one Monte-Carlo
    /// draw per input, with gᵢ = ∇ℓᵢ from the model's gradient on a batch of one (itself checked
    /// against finite differences in GLMDerivativeTests).
    func definition<M: GeneralizedLinearModel>(
        _ model: M, _ theta: Vector<Double>, _ x: Matrix<Double>, _ outcomes: (Int) -> [(M.Target, Double)]
    ) throws -> (fisher: Matrix<Double>, variance: Matrix<Double>) where M.Scalar == Double {
        let p = model.parameterCount, n = Double(x.rows)
        var fisher = Matrix<Double>(rows: p, columns: p)
        var variance = Matrix<Double>(rows: p, columns: p)
        for i in 0..<x.rows {
            var first = Matrix<Double>(rows: p, columns: p), second = Matrix<Double>(rows: p, columns: p)
            let batch = StatisticalFixtures.rowBatch(x, i)
            var totalProbability = 0.0
            for (y, probability) in outcomes(i) {
                totalProbability += probability
                let g = try model.gradient(parameters: theta, inputs: batch, targets: [y])
                for a in 0..<p {
                    for b in 0..<p {
                        first[a, b] += probability * g[a] * g[b]
                        second[a, b] += probability * g[a] * g[a] * g[b] * g[b]
                    }
                }
            }
            #expect(abs(totalProbability - 1) <= 1e-12, "\(model.modelName): the outcomes of example \(i) sum to \(totalProbability)")
            for a in 0..<p {
                for b in 0..<p {
                    fisher[a, b] += first[a, b] / n
                    variance[a, b] += (second[a, b] - first[a, b] * first[a, b]) / (n * n)
                }
            }
        }
        return (fisher, variance)
    }

    func check<M: GeneralizedLinearModel>(
        _ fixture: (M, Vector<Double>, Matrix<Double>, [M.Target]), _ outcomes: (Int) -> [(M.Target, Double)]
    ) throws where M.Scalar == Double {
        let (model, theta, x, _) = fixture
        let (reference, variance) = try definition(model, theta, x, outcomes)
        let fisher = try model.fisher(parameters: theta, inputs: x)
        let error = StatisticalFixtures.maxDifference(fisher, reference)
        #expect(error <= 1e-12 * StatisticalFixtures.scale(reference), "\(model.modelName) Fisher vs E[ggᵀ]: \(error)")
        #expect(fisher.asymmetry == 0)

        // Monte-Carlo Fisher with k draws per input: every entry within 5 standard errors
        // √(variance/k), and the error shrinking like 1/√k.
        var rng = SeededGenerator(seed: 77)
        var errors: [Double] = []
        for k in [4, 64] {
            let estimate = try model.monteCarloFisher(parameters: theta, inputs: x, samples: k, using: &rng)
            for a in 0..<model.parameterCount {
                for b in 0..<model.parameterCount {
                    let standardError = (variance[a, b] / Double(k)).squareRoot()
                    #expect(abs(estimate[a, b] - reference[a, b]) <= 5 * standardError + 1e-12,
                            "\(model.modelName) k = \(k) entry (\(a), \(b)): \(estimate[a, b]) vs \(reference[a, b]) ± \(standardError)")
                }
            }
            errors.append((estimate - reference).norm)
        }
        let ratio = errors[0] / errors[1]
        #expect(ratio > 2 && ratio < 8, "\(model.modelName): error ratio \(ratio) for 16× the samples (expected about 4)")
    }

    @Test func linearRegressionFisherIsTheExpectedOuterProductOfScores() throws {
        let fixture = try GLMFixtures.linear()
        try check(fixture, GLMOutcomes.linear(fixture.1, fixture.2, variance: 0.7))
        // The closed form XᵀX/(Nσ²), built by loops.
        let (model, theta, x, _) = fixture
        let naive = Matrix<Double>(rows: 4, columns: 4) { a, b in (0..<x.rows).reduce(0.0) { $0 + x[$1, a] * x[$1, b] } / (Double(x.rows) * 0.7) }
        #expect(StatisticalFixtures.maxDifference(try model.fisher(parameters: theta, inputs: x), naive) <= 1e-13 * StatisticalFixtures.scale(naive))
    }

    @Test func logisticRegressionFisherIsTheExpectedOuterProductOfScores() throws {
        let fixture = try GLMFixtures.logistic()
        try check(fixture, GLMOutcomes.logistic(fixture.1, fixture.2))
    }

    @Test func poissonRegressionFisherIsTheExpectedOuterProductOfScores() throws {
        let fixture = try GLMFixtures.poisson()
        try check(fixture, GLMOutcomes.poisson(fixture.1, fixture.2))
    }

    @Test func softmaxRegressionFisherIsTheExpectedOuterProductOfScores() throws {
        for parameterization in [SoftmaxParameterization.full, .lastClassPinned] {
            let fixture = try GLMFixtures.softmax(parameterization)
            try check(fixture, GLMOutcomes.softmax(fixture.0, fixture.1, fixture.2))
        }
    }

    /// The softmax Fisher in the documented parameter order: entry (k·d + j, l·d + m) is
    /// (1/N)·Σᵢ pᵢₖ(δₖₗ − pᵢₗ)·xᵢⱼxᵢₘ, i.e. (1/N)·Σᵢ (diag(pᵢ) − pᵢpᵢᵀ) ⊗ xᵢxᵢᵀ with the
    /// row-major Kronecker product of KroneckerProduct.
    @Test func softmaxFisherIsASumOfKroneckerProducts() throws {
        let (model, theta, x, _) = try GLMFixtures.softmax(.full)
        let probabilities = GLMReference.softmaxProbabilities(model, theta, x)
        var reference = Matrix<Double>(rows: model.parameterCount, columns: model.parameterCount)
        for i in 0..<x.rows {
            let p = probabilities[i]
            let covariance = Matrix<Double>(rows: 4, columns: 4) { k, l in p[k] * ((k == l ? 1 : 0) - p[l]) }
            let outer = Matrix<Double>(rows: 3, columns: 3) { j, m in x[i, j] * x[i, m] }
            try reference.add(KroneckerProduct(covariance, outer).dense, scaledBy: 1 / Double(x.rows))
        }
        let fisher = try model.fisher(parameters: theta, inputs: x)
        #expect(StatisticalFixtures.maxDifference(fisher, reference) <= 1e-14)
    }
}

/// The samplers against the distributions they draw from, with tolerances from the sample count.
@Suite struct GLMSamplingTests {
    static let draws = 20_000

    /// Poisson counts: mean within 5 standard errors, and a χ² goodness-of-fit over bins with
    /// at least 20 expected counts (tails lumped) below df + 6√(2·df), about six standard deviations.
    /// 200 000 draws resolve a bias of 0.05 in the mean at λ = 10 (a rounding offset in PTRS off by 0.1 fails).
    @Test(arguments: [0.3, 2.5, 9.9, 10, 31.4, 2000])
    func poissonCountsFollowThePoissonDistribution(_ rate: Double) throws {
        let draws = 200_000
        let model = try PoissonRegression<Double>(inputDimension: 1)
        let ones = Matrix<Double>(rows: draws, columns: 1, repeating: 1)
        var rng = SeededGenerator(seed: UInt64(rate * 1000))
        let counts = try model.sampleTargets(parameters: Vector([log(rate)]), inputs: ones, using: &rng)
        let m = Double(draws)
        let mean = Double(counts.reduce(0, +)) / m
        #expect(abs(mean - rate) <= 5 * (rate / m).squareRoot(), "λ = \(rate): sample mean \(mean)")

        func pmf(_ k: Int) -> Double { exp(Double(k) * log(rate) - rate - lgamma(Double(k) + 1)) }
        let largest = counts.max()!
        var histogram = [Int](repeating: 0, count: largest + 1)
        for c in counts { histogram[c] += 1 }
        let central = (0...(largest + 1)).filter { m * pmf($0) >= 20 }
        let low = central.first!, high = central.last!
        var bins: [(observed: Double, expected: Double)] = []
        let lowTail = (0..<low).reduce(0.0) { $0 + pmf($1) }
        bins.append((Double(histogram.prefix(low).reduce(0, +)), m * lowTail))
        var covered = lowTail
        for k in low...high {
            bins.append((Double(k < histogram.count ? histogram[k] : 0), m * pmf(k)))
            covered += pmf(k)
        }
        bins.append((Double(histogram.dropFirst(high + 1).reduce(0, +)), m * (1 - covered)))
        let used = bins.filter { $0.expected > 0 }
        let chiSquare = used.reduce(0.0) { $0 + ($1.observed - $1.expected) * ($1.observed - $1.expected) / $1.expected }
        let df = Double(used.count - 1)
        #expect(chiSquare <= df + 6 * (2 * df).squareRoot(), "λ = \(rate): χ² = \(chiSquare) with \(df) degrees of freedom")
    }

    /// Label frequencies within 5 binomial standard errors of the model's probabilities.
    @Test func labelsFollowTheModelProbabilities() throws {
        let m = Double(Self.draws)
        let point = try Matrix<Double>([[0.4, -1.2, 1]])
        let repeated = Matrix<Double>(rows: Self.draws, columns: 3) { _, j in point[0, j] }
        var rng = SeededGenerator(seed: 5)

        let logistic = try LogisticRegression<Double>(inputDimension: 3)
        let theta = Vector([0.5, 0.3, -0.2])
        let p = 1 / (1 + exp(-StatisticalFixtures.dot(theta.elements, point.row(0).elements)))
        let ones = Double(try logistic.sampleTargets(parameters: theta, inputs: repeated, using: &rng).reduce(0, +)) / m
        #expect(abs(ones - p) <= 5 * (p * (1 - p) / m).squareRoot(), "logistic: \(ones) vs \(p)")

        let softmax = try SoftmaxRegression<Double>(classCount: 3, inputDimension: 3, parameterization: .full)
        let weights = Vector([0.5, 0.3, -0.2, -0.4, 0.1, 0.6, 0, 0.2, 0.1])
        let probabilities = GLMReference.softmaxProbabilities(softmax, weights, point)[0]
        let labels = try softmax.sampleTargets(parameters: weights, inputs: repeated, using: &rng)
        for k in 0..<3 {
            let frequency = Double(labels.filter { $0 == k }.count) / m
            let q = probabilities[k]
            #expect(abs(frequency - q) <= 5 * (q * (1 - q) / m).squareRoot(), "softmax class \(k): \(frequency) vs \(q)")
        }

        let linear = try LinearRegression<Double>(inputDimension: 3, noiseVariance: 2.5)
        let mean = StatisticalFixtures.dot(theta.elements, point.row(0).elements)
        let residuals = try linear.sampleTargets(parameters: theta, inputs: repeated, using: &rng).map { $0 - mean }
        let residualMean = residuals.reduce(0, +) / m
        let residualVariance = residuals.reduce(0) { $0 + $1 * $1 } / m
        #expect(abs(residualMean) <= 5 * (2.5 / m).squareRoot())
        #expect(abs(residualVariance - 2.5) <= 5 * 2.5 * (2 / m).squareRoot())
    }

    /// The same seed gives the same targets.
    @Test func samplingIsReproducible() throws {
        let (model, theta, x, _) = try GLMFixtures.poisson()
        var first = SeededGenerator(seed: 3), second = SeededGenerator(seed: 3)
        #expect(try model.sampleTargets(parameters: theta, inputs: x, using: &first) == model.sampleTargets(parameters: theta, inputs: x, using: &second))
    }
}
