import Foundation
import NGLinearAlgebra
import NGModels
import NGRandom
import NGTestSupport
import Testing

/// The output distributions: losses against direct formulas, gradients and Hessians against
/// finite differences, the output-space Fisher against the exact expectation of ∇ℓ·∇ℓᵀ over the
/// model's own labels, its product and square-root forms against the matrix, and sampling.
@Suite struct NetworkLikelihoodTests {
    static let examples = 4, outputs = 3

    /// Outputs with a spread of logits, and targets drawn from the model.
    static func batch<T: BLASScalar>(_ likelihood: any Likelihood<T>, seed: UInt64) -> (z: Matrix<T>, y: Matrix<T>) {
        let z: Matrix<T> = TestMatrices.gaussian(examples, outputs, seed: seed).map { 2 * $0 }
        return (z, NetworkFixtures.targets(likelihood, outputs: z, seed: seed + 100))
    }

    /// The support of p(·|z) (categorical: the one-hot rows; Bernoulli: all 2^out binary rows) or, for
    /// the Gaussian, a 3-point Gauss–Hermite product rule (exact for quadratic integrands such as
    /// ∇ℓ·∇ℓᵀ), as (probability weight, target) pairs computed in Double.
    static func exactExpectationRule(_ kind: LikelihoodKind, output z: [Double]) -> [(Double, [Double])] {
        let n = z.count
        switch kind {
        case .categorical:
            let largest = z.max()!
            let exponentials = z.map { Foundation.exp($0 - largest) }
            let total = exponentials.reduce(0, +)
            return (0..<n).map { c in (exponentials[c] / total, (0..<n).map { $0 == c ? 1.0 : 0.0 }) }
        case .bernoulli:
            let p = z.map { 1 / (1 + Foundation.exp(-$0)) }
            return (0..<(1 << n)).map { bits in
                let y = (0..<n).map { Double((bits >> $0) & 1) }
                let weight = (0..<n).reduce(1.0) { $0 * (y[$1] == 1 ? p[$1] : 1 - p[$1]) }
                return (weight, y)
            }
        case .poisson:
            // The product of the outputs' Poisson laws, each truncated where its tail is negligible.
            var rule: [(Double, [Double])] = [(1, [])]
            for rate in z.map({ Foundation.exp($0) }) {
                let cutoff = Int(rate + 12 * rate.squareRoot() + 12)
                let pmf = (0...cutoff).map { k in Foundation.exp(Double(k) * Foundation.log(rate) - rate - Foundation.lgamma(Double(k) + 1)) }
                rule = rule.flatMap { weight, y in pmf.enumerated().map { (weight * $0.element, y + [Double($0.offset)]) } }
            }
            return rule
        case .gaussian:
            let nodes = [(-3.0.squareRoot(), 1.0 / 6), (0.0, 2.0 / 3), (3.0.squareRoot(), 1.0 / 6)]
            var rule: [(Double, [Double])] = [(1, [])]
            for k in 0..<n {
                rule = rule.flatMap { weight, y in nodes.map { node, w in (weight * w, y + [z[k] + node]) } }
            }
            return rule
        }
    }

    // MARK: Losses

    /// ℓ against −log p(y|z) computed directly in Double (softmax, sigmoid, squared error).
    @Test(arguments: NetworkFixtures.precisions)
    func lossesMatchDirectFormulas(_ type: any BLASScalar.Type) throws { try checkLosses(type) }

    func checkLosses<T: BLASScalar>(_: T.Type) throws {
        for likelihood in NetworkFixtures.likelihoods(T.self) {
            let (z, y) = Self.batch(likelihood, seed: 1)
            let losses = try likelihood.negativeLogLikelihoods(outputs: z, targets: y)
            for i in 0..<Self.examples {
                let zi = z.row(i).elements.map(Double.init), yi = y.row(i).elements.map(Double.init)
                let expected: Double
                switch likelihood.kind {
                case .gaussian: expected = zip(zi, yi).reduce(0) { $0 + 0.5 * ($1.0 - $1.1) * ($1.0 - $1.1) }
                case .bernoulli:
                    expected = zip(zi, yi).reduce(0) { sum, pair in
                        let p = 1 / (1 + Foundation.exp(-pair.0))
                        return sum - pair.1 * Foundation.log(p) - (1 - pair.1) * Foundation.log(1 - p)
                    }
                case .categorical:
                    let total = zi.reduce(0) { $0 + Foundation.exp($1) }
                    expected = -zip(zi, yi).reduce(0) { $0 + $1.1 * Foundation.log(Foundation.exp($1.0) / total) }
                case .poisson:
                    expected = zip(zi, yi).reduce(0) { $0 + Foundation.exp($1.0) - $1.1 * $1.0 + Foundation.lgamma($1.1 + 1) }
                }
                #expect(Swift.abs(Double(losses[i]) - expected) < NetworkFixtures.tolerance(T.self) * Swift.max(1, expected), "\(likelihood) example \(i)")
            }
            let mean = try likelihood.meanNegativeLogLikelihood(outputs: z, targets: y)
            #expect(Swift.abs(Double(mean) - losses.elements.reduce(0.0) { $0 + Double($1) } / Double(Self.examples)) < NetworkFixtures.tolerance(T.self) * 10)
        }
    }

    /// Logits of ±1000 give finite, correct losses and gradients (no overflow in exp).
    @Test func largeLogitsStayFinite() throws {
        let z = try Matrix<Double>([[1000, -1000, 0]])
        let categorical = CategoricalLikelihood<Double>()
        #expect(try categorical.negativeLogLikelihoods(outputs: z, targets: try CategoricalLikelihood.oneHot(labels: [1], classCount: 3))[0] == 2000)
        #expect(try categorical.outputGradients(outputs: z, targets: try CategoricalLikelihood.oneHot(labels: [0], classCount: 3)).isFinite)
        let bernoulli = BernoulliLikelihood<Double>()
        let loss = try bernoulli.negativeLogLikelihoods(outputs: z, targets: try Matrix([[0, 1, 1]]))[0]
        #expect(Swift.abs(loss - (2000 + Foundation.log(2))) < 1e-9)
    }

    // MARK: Derivatives in output space

    /// ∇_z ℓ equals central differences of ℓ, and ∇²_z ℓ (the closed-form Hessian and its
    /// product) equals central differences of ∇_z ℓ — and equals F_z (canonical links).
    @Test func gradientAndHessianMatchFiniteDifferences() throws {
        for likelihood in NetworkFixtures.likelihoods(Double.self) {
            let (z, y) = Self.batch(likelihood, seed: 2)
            let gradient = try likelihood.outputGradients(outputs: z, targets: y)
            let differences = try NetworkFixtures.finiteDifferenceGradient(at: Vector(z.elements)) { flat in
                try likelihood.negativeLogLikelihoods(outputs: Matrix(rows: Self.examples, columns: Self.outputs, elements: flat.elements), targets: y)
                    .elements.reduce(0, +)
            }
            #expect(NetworkFixtures.relativeError(gradient.elements, differences) < 1e-8, "\(likelihood) gradient")

            let u: Matrix<Double> = TestMatrices.gaussian(Self.examples, Self.outputs, seed: 3)
            let hessianProducts = try likelihood.hessianProducts(outputs: z, targets: y, u)
            let fisherProducts = try likelihood.fisherProducts(outputs: z, u)
            // One directional difference of the gradient per batch gives every row's H_i·u_i.
            let directional = try NetworkFixtures.centralDifference(at: Vector(z.elements), direction: Vector(u.elements)) { flat in
                try likelihood.outputGradients(outputs: Matrix(rows: Self.examples, columns: Self.outputs, elements: flat.elements), targets: y).elements
            }
            #expect(NetworkFixtures.relativeError(hessianProducts.elements, directional) < 1e-8, "\(likelihood) Hessian product")
            #expect(NetworkFixtures.relativeError(fisherProducts.elements, directional) < 1e-8, "\(likelihood) Fisher = Hessian")
            for i in 0..<Self.examples {
                let hessian = likelihood.hessianMatrix(output: z.row(i), target: y.row(i))
                let columns = try (0..<Self.outputs).map { k -> [Double] in
                    var unit = Vector<Double>(count: Self.examples * Self.outputs)
                    unit[i * Self.outputs + k] = 1
                    let column = try NetworkFixtures.centralDifference(at: Vector(z.elements), direction: unit) { flat in
                        try likelihood.outputGradients(outputs: Matrix(rows: Self.examples, columns: Self.outputs, elements: flat.elements), targets: y).elements
                    }
                    return Array(column[(i * Self.outputs)..<((i + 1) * Self.outputs)])
                }
                let finiteHessian = Matrix<Double>(rows: Self.outputs, columns: Self.outputs) { j, k in columns[k][j] }
                #expect(DenseOracles.maxDifference(hessian, finiteHessian) < 1e-8, "\(likelihood) Hessian example \(i)")
                #expect(DenseOracles.maxDifference(likelihood.fisherMatrix(output: z.row(i)), finiteHessian) < 1e-8, "\(likelihood) Fisher example \(i)")
            }
        }
    }

    /// F_z equals E_{y~p(·|z)}[∇ℓ·∇ℓᵀ] summed exactly over the labels (quadrature for the Gaussian);
    /// the batch product F_z·u and the square-root factors Σ_r b·bᵀ reproduce the matrix.
    @Test(arguments: NetworkFixtures.precisions)
    func fisherIsTheExpectedOuterProduct(_ type: any BLASScalar.Type) throws { try checkFisher(type) }

    func checkFisher<T: BLASScalar>(_: T.Type) throws {
        let tolerance = NetworkFixtures.tolerance(T.self) * 10
        for likelihood in NetworkFixtures.likelihoods(T.self) {
            let (z, _) = Self.batch(likelihood, seed: 4)
            let u: Matrix<T> = TestMatrices.gaussian(Self.examples, Self.outputs, seed: 5)
            let products = try likelihood.fisherProducts(outputs: z, u)
            let factors = likelihood.fisherSquareRootFactors(outputs: z)
            #expect(factors.allSatisfy { $0.rows == Self.examples && $0.columns == Self.outputs })
            for i in 0..<Self.examples {
                let fisher = likelihood.fisherMatrix(output: z.row(i))
                let rule = Self.exactExpectationRule(likelihood.kind, output: z.row(i).elements.map(Double.init))
                #expect(Swift.abs(rule.reduce(0) { $0 + $1.0 } - 1) < 1e-12)
                var expected = Matrix<Double>(rows: Self.outputs, columns: Self.outputs)
                for (weight, target) in rule {
                    let g = try likelihood.outputGradients(outputs: z.row(i).asColumn.transposed, targets: Matrix(rows: 1, columns: Self.outputs, elements: target.map { T($0) }))
                    try expected.addOuterProduct(DenseOracles.double(g).row(0), DenseOracles.double(g).row(0), alpha: weight)
                }
                #expect(DenseOracles.maxDifference(fisher, expected) < tolerance, "\(likelihood) \(T.self) example \(i): F_z vs expectation")

                let product = DenseOracles.product(DenseOracles.double(fisher), DenseOracles.double(u.row(i).asColumn))
                #expect(TestMatrices.maxDifference(DenseOracles.double(products.row(i).asColumn), product) < tolerance, "\(likelihood) product")

                var reconstructed = Matrix<Double>(rows: Self.outputs, columns: Self.outputs)
                for factor in factors {
                    let b = DenseOracles.double(factor).row(i)
                    try reconstructed.addOuterProduct(b, b)
                }
                #expect(DenseOracles.maxDifference(fisher, reconstructed) < tolerance, "\(likelihood) \(T.self) square-root factors")
            }
        }
    }

    // MARK: Sampling

    /// Samples are reproducible from the seed, their mean converges to E[y] within five standard
    /// errors, and the Monte-Carlo Fisher (1/k)·Σ ∇ℓ(z, yₛ)·∇ℓ(z, yₛ)ᵀ approaches F_z.
    @Test(arguments: NetworkFixtures.precisions)
    func samplingMatchesTheDistribution(_ type: any BLASScalar.Type) throws { try checkSampling(type) }

    func checkSampling<T: BLASScalar>(_: T.Type) throws {
        let draws = 20_000
        let z = try Matrix<T>([[0.8, -1.2, 0.3]])
        let repeated = z.rows(at: Array(repeating: 0, count: draws))
        for likelihood in NetworkFixtures.likelihoods(T.self) {
            var first = SeededGenerator(seed: 9), second = SeededGenerator(seed: 9)
            let samples = likelihood.sampleTargets(outputs: repeated, generator: &first)
            #expect(samples == likelihood.sampleTargets(outputs: repeated, generator: &second))

            let zd = z.row(0).elements.map(Double.init)
            let expectedMean: [Double], deviation: [Double]
            switch likelihood.kind {
            case .gaussian: (expectedMean, deviation) = (zd, [1, 1, 1])
            case .bernoulli:
                expectedMean = zd.map { 1 / (1 + Foundation.exp(-$0)) }
                deviation = expectedMean.map { ($0 * (1 - $0)).squareRoot() }
            case .categorical:
                let total = zd.reduce(0) { $0 + Foundation.exp($1) }
                expectedMean = zd.map { Foundation.exp($0) / total }
                deviation = expectedMean.map { ($0 * (1 - $0)).squareRoot() }
            case .poisson:
                expectedMean = zd.map { Foundation.exp($0) }
                deviation = expectedMean.map { $0.squareRoot() }
            }
            for k in 0..<3 {
                let mean = (0..<draws).reduce(0.0) { $0 + Double(samples[$1, k]) } / Double(draws)
                #expect(Swift.abs(mean - expectedMean[k]) < 5 * deviation[k] / Double(draws).squareRoot(), "\(likelihood) output \(k)")
            }
            if likelihood.kind == .categorical { #expect((0..<draws).allSatisfy { i in samples.row(i).elements.reduce(0, +) == 1 }) }

            let gradients = DenseOracles.double(try likelihood.outputGradients(outputs: repeated, targets: samples))
            let monteCarlo = gradients.gram(alpha: 1 / Double(draws))
            let exact = DenseOracles.double(likelihood.fisherMatrix(output: z.row(0)))
            #expect(DenseOracles.maxDifference(monteCarlo, exact) < 6 / Double(draws).squareRoot() * Swift.max(1, DenseOracles.maxMagnitude(exact)), "\(likelihood)")
        }
    }

    // MARK: Names and validation

    /// Every CLI name resolves to its kind; unknown names are rejected with the list of choices.
    @Test func likelihoodNamesResolve() throws {
        let expected: [String: LikelihoodKind] = [
            "gaussian": .gaussian, "squared-error": .gaussian, "mse": .gaussian, "bernoulli": .bernoulli,
            "sigmoid-cross-entropy": .bernoulli, "categorical": .categorical, "softmax-cross-entropy": .categorical,
            "Softmax-Cross-Entropy": .categorical,
        ]
        for (name, kind) in expected { #expect(try LikelihoodKind(name: name) == kind, "\(name)") }
        #expect(LikelihoodKind.allCases.allSatisfy { $0.likelihood(Double.self).kind == $0 })
        do {
            _ = try LikelihoodKind(name: "hinge")
            Issue.record("an unknown likelihood name was accepted")
        } catch {
            #expect("\(error)".contains("hinge") && "\(error)".contains("softmax-cross-entropy"))
        }
    }

    /// One-hot labels, target validation and shape checks throw with clear messages.
    @Test func badTargetsThrow() throws {
        let onehot: Matrix<Double> = try CategoricalLikelihood.oneHot(labels: [2, 0], classCount: 3)
        #expect(onehot.elements == [0, 0, 1, 1, 0, 0])
        do {
            let _: Matrix<Double> = try CategoricalLikelihood.oneHot(labels: [0, 3], classCount: 3)
            Issue.record("label 3 of 3 classes was accepted")
        } catch {
            #expect("\(error)".contains("label 3 of example 1"))
        }
        let categorical = CategoricalLikelihood<Double>()
        try categorical.validate(targets: onehot, outputCount: 3)
        #expect(throws: NetworkError.self) { try categorical.validate(targets: try Matrix([[0.5, 0.2, 0.2]]), outputCount: 3) }
        #expect(throws: NetworkError.self) { try categorical.validate(targets: onehot, outputCount: 4) }
        #expect(throws: NetworkError.self) { try BernoulliLikelihood<Double>().validate(targets: try Matrix([[0, 2]]), outputCount: 2) }
        #expect(throws: NetworkError.self) { try GaussianLikelihood<Double>().validate(targets: try Matrix([[0, .nan]]), outputCount: 2) }
        #expect(throws: NetworkError.self) { try categorical.negativeLogLikelihoods(outputs: Matrix(rows: 2, columns: 4), targets: onehot) }
        #expect(throws: NetworkError.self) { try categorical.fisherProducts(outputs: Matrix(rows: 2, columns: 3), Matrix(rows: 3, columns: 3)) }
    }
}
