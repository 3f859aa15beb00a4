import NGCurvature
import NGLinearAlgebra
import NGModels
import NGTestSupport
import Testing

/// Every dense matrix against its matrix-free operator applied to the unit vectors: the two are
/// computed along different paths (per-example gradients and syrk, explicit Jacobians, against
/// Jacobian-vector and vector-Jacobian products), so agreement checks both.
@Suite("Curvature dense matrices equal their operators")
struct CurvatureDenseOperatorTests {
    @Test("perceptron, every kind, Double", arguments: LikelihoodKind.allCases)
    func perceptron(_ kind: LikelihoodKind) throws {
        try checkDenseEqualsOperator(kind.likelihood(Double.self), network: CurvatureFixtures.perceptron(Double.self))
    }

    @Test("convolutional network, every kind, Double", arguments: LikelihoodKind.allCases)
    func convolutional(_ kind: LikelihoodKind) throws {
        try checkDenseEqualsOperator(kind.likelihood(Double.self), network: CurvatureFixtures.convolutional(Double.self))
    }

    @Test("perceptron, every kind, Float32", arguments: LikelihoodKind.allCases)
    func perceptronFloat(_ kind: LikelihoodKind) throws {
        try checkDenseEqualsOperator(kind.likelihood(Float.self), network: CurvatureFixtures.perceptron(Float.self))
    }

    func checkDenseEqualsOperator<L: Likelihood>(_ likelihood: L, network: Network<L.Scalar>) throws {
        let estimator = try CurvatureFixtures.estimator(likelihood, network: network)
        let tolerance = CurvatureFixtures.tolerance(L.Scalar.self) * 10
        for kind in CurvatureKind.allCases {
            let dense = try estimator.denseMatrix(kind, samples: 3, seed: 7)
            #expect(dense.rows == estimator.parameterCount && dense.columns == estimator.parameterCount)
            #expect(dense.asymmetry == 0, "\(kind) dense matrix is not exactly symmetric")
            let products = try CurvatureFixtures.matrixFromProducts(dimension: estimator.parameterCount) {
                try estimator.matrixVectorProduct(kind, $0, samples: 3, seed: 7)
            }
            let error = CurvatureFixtures.relativeMaxError(dense, products)
            #expect(error <= tolerance, "\(kind) with \(likelihood.kind): dense vs operator error \(error)")
            #expect(dense.maxMagnitude > 0, "\(kind): zero matrix")
        }
    }

    @Test("the gradient square root S has SᵀS equal to the dense Fisher kinds")
    func squareRoot() throws {
        let estimator = try CurvatureFixtures.estimator(CategoricalLikelihood<Double>(), network: CurvatureFixtures.perceptron(Double.self))
        let (n, p) = (estimator.exampleCount, estimator.parameterCount)
        for (kind, rows) in [(CurvatureKind.exact, 3 * n), (.monteCarlo, 4 * n), (.empirical, n)] {
            let root = try estimator.gradientSquareRoot(kind, samples: 4, seed: 2)
            #expect(root.rows == rows && root.columns == p)
            let reference = try estimator.denseMatrix(kind, samples: 4, seed: 2)
            #expect(CurvatureFixtures.relativeMaxError(TestMatrices.naiveProduct(root.transposed, root), reference) < 1e-12, "\(kind)")
        }
        #expect(throws: CurvatureError.self) { try estimator.gradientSquareRoot(.ggn) }
    }

    @Test("the Monte-Carlo Fisher is one fixed matrix per (samples, seed) and changes with the seed")
    func monteCarloSeeds() throws {
        let estimator = try CurvatureFixtures.estimator(BernoulliLikelihood<Double>(), network: CurvatureFixtures.perceptron(Double.self))
        let first = try estimator.denseMatrix(.monteCarlo, samples: 5, seed: 11)
        let again = try estimator.denseMatrix(.monteCarlo, samples: 5, seed: 11)
        let other = try estimator.denseMatrix(.monteCarlo, samples: 5, seed: 12)
        #expect(first == again)
        #expect(CurvatureFixtures.relativeFrobeniusError(other, first) > 1e-3)
        let v = TestMatrices.gaussianVector(estimator.parameterCount, seed: 3, as: Double.self)
        #expect(try estimator.matrixVectorProduct(.monteCarlo, v, samples: 5, seed: 11) == estimator.matrixVectorProduct(.monteCarlo, v, samples: 5, seed: 11))
    }

    @Test("the mean loss and its gradient agree with finite differences")
    func lossAndGradient() throws {
        let network = try CurvatureFixtures.perceptron(Double.self)
        let estimator = try CurvatureFixtures.estimator(CategoricalLikelihood<Double>(), network: network)
        let inputs = estimator.pass.inputs, targets = estimator.targets
        let loss = { (theta: Vector<Double>) throws -> Double in
            try CurvatureEstimator(network: network, parameters: theta, inputs: inputs, targets: targets, likelihood: CategoricalLikelihood<Double>()).loss()
        }
        let gradient = try estimator.gradient()
        let h = 1e-6
        for j in 0..<estimator.parameterCount {
            var plus = estimator.parameters, minus = estimator.parameters
            plus[j] += h
            minus[j] -= h
            let difference = (try loss(plus) - loss(minus)) / (2 * h)
            #expect(abs(difference - gradient[j]) <= 1e-7, "∂L/∂θ_\(j): \(gradient[j]) vs \(difference)")
        }
        let manual = try CategoricalLikelihood<Double>().negativeLogLikelihoods(outputs: estimator.outputs, targets: targets).elements.reduce(0, +) / Double(estimator.exampleCount)
        #expect(abs(try estimator.loss() - manual) <= 1e-14)
    }

    @Test("bad arguments are thrown with a clear message")
    func badArguments() throws {
        let network = try CurvatureFixtures.perceptron(Double.self)
        let estimator = try CurvatureFixtures.estimator(GaussianLikelihood<Double>(), network: network)
        #expect(throws: CurvatureError.self) { try estimator.matrixVectorProduct(.exact, Vector(count: 3)) }
        #expect(throws: CurvatureError.self) { try estimator.denseMatrix(.monteCarlo, samples: 0) }
        #expect(throws: CurvatureError.self) { try estimator.kroneckerFactors(.hessian) }
        #expect(throws: CurvatureError.self) { try CurvatureKind(name: "kfac-ish") }
        #expect(try CurvatureKind(name: "MC") == .monteCarlo)
        let inputs: Matrix<Double> = TestMatrices.gaussian(4, 3, seed: 1)
        let parameters = CurvatureFixtures.parameters(for: network, seed: 1)
        #expect(throws: NetworkError.self) {
            try CurvatureEstimator(network: network, parameters: parameters, inputs: inputs, targets: Matrix(rows: 3, columns: 3), likelihood: GaussianLikelihood<Double>())
        }
        #expect(throws: NetworkError.self) {  // rows that are not one-hot
            try CurvatureEstimator(network: network, parameters: parameters, inputs: inputs, targets: Matrix(rows: 4, columns: 3, repeating: 1), likelihood: CategoricalLikelihood<Double>())
        }
        #expect(throws: NetworkError.self) {
            try CurvatureEstimator(network: network, parameters: Vector(count: 5), inputs: inputs, targets: Matrix(rows: 4, columns: 3), likelihood: GaussianLikelihood<Double>())
        }
    }
}
