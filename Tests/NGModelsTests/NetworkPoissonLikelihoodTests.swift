import Foundation
import NGLinearAlgebra
import NGModels
import NGRandom
import NGTestSupport
import Testing

/// The Poisson likelihood with log link: losses against the direct formula, derivatives against
/// finite differences, the output Fisher against the exact expectation over counts, sampling
/// against the distribution's moments, and a one-layer network against the closed-form
/// ``PoissonRegression``.
@Suite struct NetworkPoissonLikelihoodTests {
    static let examples = 4, outputs = 3

    /// Log-rates between about −2 and 2.5 (rates 0.1 to 12) and counts drawn from the model.
    static func batch<T: BLASScalar>(_: T.Type, seed: UInt64) -> (z: Matrix<T>, y: Matrix<T>) {
        let z: Matrix<T> = TestMatrices.gaussian(examples, outputs, seed: seed).map { $0 * T(0.8) + T(0.3) }
        var generator = SeededGenerator(seed: seed + 100)
        return (z, PoissonLikelihood<T>().sampleTargets(outputs: z, generator: &generator))
    }

    /// log P(y | λ) for a Poisson count, in Double from Foundation's lgamma.
    static func logProbability(_ y: Double, rate: Double) -> Double {
        y * Foundation.log(rate) - rate - Foundation.lgamma(y + 1)
    }

    @Test(arguments: NetworkFixtures.precisions)
    func lossesMatchTheDirectFormula(_ type: any BLASScalar.Type) throws { try checkLosses(type) }

    func checkLosses<T: BLASScalar>(_: T.Type) throws {
        let likelihood = PoissonLikelihood<T>()
        let (z, y) = Self.batch(T.self, seed: 1)
        #expect(y.elements.allSatisfy { $0 >= 0 && $0.rounded() == $0 })
        try likelihood.validate(targets: y, outputCount: Self.outputs)
        let losses = try likelihood.negativeLogLikelihoods(outputs: z, targets: y)
        for i in 0..<Self.examples {
            var expected = 0.0
            for j in 0..<Self.outputs { expected -= Self.logProbability(Double(y[i, j]), rate: Foundation.exp(Double(z[i, j]))) }
            #expect(Swift.abs(Double(losses[i]) - expected) < NetworkFixtures.tolerance(T.self) * Swift.max(1, Swift.abs(expected)), "example \(i)")
        }
        // A zero rate (z = −∞) with a zero count costs nothing; with a positive count it is impossible.
        let edge = try likelihood.negativeLogLikelihoods(outputs: Matrix<T>([[-.infinity, -.infinity]]), targets: Matrix<T>([[0, 1]]))
        #expect(edge[0] == .infinity)
        #expect(try likelihood.negativeLogLikelihoods(outputs: Matrix<T>([[-.infinity]]), targets: Matrix<T>([[0]]))[0] == 0)
    }

    /// ∇_z ℓ = exp(z) − y matches central differences of ℓ; the Hessian (matrix and products)
    /// matches central differences of ∇_z ℓ and equals F_z.
    @Test func derivativesMatchFiniteDifferences() throws {
        let likelihood = PoissonLikelihood<Double>()
        let (z, y) = Self.batch(Double.self, seed: 2)
        let (n, k) = (Self.examples, Self.outputs)
        let gradient = try likelihood.outputGradients(outputs: z, targets: y)
        let differences = try NetworkFixtures.finiteDifferenceGradient(at: Vector(z.elements)) { flat in
            try likelihood.negativeLogLikelihoods(outputs: Matrix(rows: n, columns: k, elements: flat.elements), targets: y).elements.reduce(0, +)
        }
        #expect(NetworkFixtures.relativeError(gradient.elements, differences) < 1e-8)

        let u: Matrix<Double> = TestMatrices.gaussian(n, k, seed: 3)
        let directional = try NetworkFixtures.centralDifference(at: Vector(z.elements), direction: Vector(u.elements)) { flat in
            try likelihood.outputGradients(outputs: Matrix(rows: n, columns: k, elements: flat.elements), targets: y).elements
        }
        #expect(NetworkFixtures.relativeError(try likelihood.hessianProducts(outputs: z, targets: y, u).elements, directional) < 1e-8)
        #expect(NetworkFixtures.relativeError(try likelihood.fisherProducts(outputs: z, u).elements, directional) < 1e-8)
        for i in 0..<n {
            let hessian = likelihood.hessianMatrix(output: z.row(i), target: y.row(i))
            for column in 0..<k {
                var unit = Vector<Double>(count: n * k)
                unit[i * k + column] = 1
                let finite = try NetworkFixtures.centralDifference(at: Vector(z.elements), direction: unit) { flat in
                    try likelihood.outputGradients(outputs: Matrix(rows: n, columns: k, elements: flat.elements), targets: y).elements
                }
                for row in 0..<k {
                    #expect(Swift.abs(hessian[row, column] - finite[i * k + row]) < 1e-7 * Swift.max(1, Swift.abs(finite[i * k + row])))
                }
            }
            #expect(likelihood.fisherMatrix(output: z.row(i)) == hessian)
        }
    }

    /// F_z(z) equals E_{y~p(·|z)}[∇ℓ·∇ℓᵀ], summed exactly over the joint counts of two outputs
    /// (truncated where the remaining probability is below 1e-16), and the square-root factors
    /// Σ_r b·bᵀ reproduce it.
    @Test(arguments: NetworkFixtures.precisions)
    func fisherIsTheExpectedOuterProduct(_ type: any BLASScalar.Type) throws { try checkFisher(type) }

    func checkFisher<T: BLASScalar>(_: T.Type) throws {
        let likelihood = PoissonLikelihood<T>()
        let z = try Matrix<T>([[0.7, -1.1], [2.2, 0.1]])
        let factors = likelihood.fisherSquareRootFactors(outputs: z)
        #expect(factors.count == 2)
        for i in 0..<z.rows {
            let rates = z.row(i).elements.map { Foundation.exp(Double($0)) }
            let largest = 60  // P(y ≥ 60) < 1e-30 for rates below 10
            var expected = Matrix<Double>(rows: 2, columns: 2)
            var mass = 0.0
            for a in 0..<largest {
                for b in 0..<largest {
                    let weight = Foundation.exp(Self.logProbability(Double(a), rate: rates[0]) + Self.logProbability(Double(b), rate: rates[1]))
                    mass += weight
                    let g = try likelihood.outputGradients(outputs: Matrix(rows: 1, columns: 2, elements: z.row(i).elements), targets: Matrix<T>([[T(a), T(b)]]))
                    let gd = DenseOracles.double(g).row(0)
                    try expected.addOuterProduct(gd, gd, alpha: weight)
                }
            }
            #expect(Swift.abs(mass - 1) < 1e-12)
            let fisher = likelihood.fisherMatrix(output: z.row(i))
            let tolerance = NetworkFixtures.tolerance(T.self) * 10 * DenseOracles.maxMagnitude(expected)
            #expect(DenseOracles.maxDifference(fisher, expected) < tolerance, "\(T.self) example \(i)")
            var reconstructed = Matrix<Double>(rows: 2, columns: 2)
            for factor in factors {
                let b = DenseOracles.double(factor).row(i)
                try reconstructed.addOuterProduct(b, b)
            }
            #expect(DenseOracles.maxDifference(fisher, reconstructed) < tolerance)
        }
    }

    /// Draws are reproducible from the seed; their mean and variance both converge to λ (within
    /// five standard errors), at rates on both sides of the sampler's switch at 10.
    @Test func samplingMatchesTheDistribution() throws {
        let draws = 20_000
        let rates = [0.4, 3.0, 25.0]
        let z = try Matrix<Double>([rates.map { Foundation.log($0) }])
        let repeated = z.rows(at: Array(repeating: 0, count: draws))
        let likelihood = PoissonLikelihood<Double>()
        var first = SeededGenerator(seed: 9), second = SeededGenerator(seed: 9)
        let samples = likelihood.sampleTargets(outputs: repeated, generator: &first)
        #expect(samples == likelihood.sampleTargets(outputs: repeated, generator: &second))
        try likelihood.validate(targets: samples, outputCount: 3)
        for (k, rate) in rates.enumerated() {
            let values = (0..<draws).map { samples[$0, k] }
            let mean = values.reduce(0, +) / Double(draws)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws - 1)
            #expect(Swift.abs(mean - rate) < 5 * (rate / Double(draws)).squareRoot(), "mean at rate \(rate)")
            // Var of the sample variance ≈ (μ₄ − σ⁴)/n with μ₄ = λ + 3λ² for a Poisson.
            #expect(Swift.abs(variance - rate) < 5 * ((rate + 2 * rate * rate) / Double(draws)).squareRoot(), "variance at rate \(rate)")
        }
        // A diverged model does not trap the sampler.
        var generator = SeededGenerator(seed: 1)
        let extreme = likelihood.sampleTargets(outputs: try Matrix([[.nan, .infinity, 1000]]), generator: &generator)
        #expect(extreme[0, 0].isNaN && extreme[0, 1] == 0x1p52 && extreme[0, 2] == 0x1p52)
    }

    /// A dense d→1 network with this likelihood is Poisson regression: its mean loss, gradient and
    /// Gauss-Newton (= Fisher) products equal those of ``PoissonRegression`` on [X 1] (the bias is
    /// the intercept, last in both parameter orders).
    @Test func oneLayerNetworkIsPoissonRegression() throws {
        let (n, d) = (30, 4)
        let inputs: Matrix<Double> = TestMatrices.gaussian(n, d, seed: 5).map { 0.5 * $0 }
        let theta = TestMatrices.gaussianVector(d + 1, seed: 6, as: Double.self)
        let model = try PoissonRegression<Double>(inputDimension: d + 1)
        let design = inputs.appendingInterceptColumn()
        var generator = SeededGenerator(seed: 7)
        let counts = try model.sampleTargets(parameters: theta, inputs: design, using: &generator)
        let network = try Network<Double>.multilayerPerceptron(sizes: [d, 1], activation: .identity)
        let targets = try Matrix(rows: n, columns: 1, elements: counts.map(Double.init))
        let likelihood = PoissonLikelihood<Double>()
        try likelihood.validate(targets: targets, outputCount: 1)
        let pass = try network.forward(inputs, parameters: theta)
        #expect(Swift.abs(try pass.meanLoss(likelihood: likelihood, targets: targets) - model.negativeLogLikelihood(parameters: theta, inputs: design, targets: counts)) < 1e-12)
        #expect(TestMatrices.maxDifference(
            try pass.lossGradient(likelihood: likelihood, targets: targets), try model.gradient(parameters: theta, inputs: design, targets: counts)) < 1e-12)
        let fisher = try model.fisher(parameters: theta, inputs: design)
        let v = TestMatrices.gaussianVector(d + 1, seed: 8, as: Double.self)
        #expect(TestMatrices.maxDifference(try pass.gaussNewtonVectorProduct(v, likelihood: likelihood), fisher * v) < 1e-12)
        #expect(TestMatrices.maxDifference(try pass.hessianVectorProduct(v, likelihood: likelihood, targets: targets), fisher * v) < 1e-12)
    }

    @Test func badTargetsAreRejected() throws {
        let likelihood = PoissonLikelihood<Double>()
        for bad in [-1.0, 0.5, .nan, .infinity] {
            #expect(throws: NetworkError.self) { try likelihood.validate(targets: try Matrix([[1, bad]]), outputCount: 2) }
        }
        do {
            try likelihood.validate(targets: try Matrix([[1], [2.5]]), outputCount: 1)
            Issue.record("a fractional count was accepted")
        } catch {
            #expect("\(error)".contains("poisson") && "\(error)".contains("example 1"))
        }
        #expect(throws: NetworkError.self) { try likelihood.validate(targets: try Matrix([[1, 2]]), outputCount: 3) }
        #expect(throws: NetworkError.self) { try likelihood.negativeLogLikelihoods(outputs: Matrix(rows: 2, columns: 3), targets: Matrix(rows: 2, columns: 2)) }
        #expect(likelihood.description == "poisson")
    }
}
