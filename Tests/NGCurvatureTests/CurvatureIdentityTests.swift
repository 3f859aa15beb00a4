import NGCurvature
import NGLinearAlgebra
import NGModels
import NGRandom
import NGTestSupport
import Testing

/// The identities between the exact curvature matrices: exact Fisher = GGN for canonical links,
/// exact Fisher = expected Hessian, Hessian = derivative of the gradient, Fisher = pull-back of
/// the output Fisher through finite-difference Jacobians.
@Suite("Curvature identities")
struct CurvatureIdentityTests {
    @Test("exact Fisher = GGN for the canonical likelihoods (dense and operator paths)", arguments: LikelihoodKind.allCases)
    func fisherEqualsGaussNewton(_ kind: LikelihoodKind) throws {
        try checkFisherEqualsGaussNewton(kind.likelihood(Double.self), network: CurvatureFixtures.perceptron(Double.self))
        try checkFisherEqualsGaussNewton(kind.likelihood(Double.self), network: CurvatureFixtures.convolutional(Double.self))
        try checkFisherEqualsGaussNewton(kind.likelihood(Float.self), network: CurvatureFixtures.perceptron(Float.self))
    }

    func checkFisherEqualsGaussNewton<L: Likelihood>(_ likelihood: L, network: Network<L.Scalar>) throws {
        let estimator = try CurvatureFixtures.estimator(likelihood, network: network)
        let tolerance = CurvatureFixtures.tolerance(L.Scalar.self) * 10
        // Square-root factors and syrk against explicit Jacobians and the closed-form output Hessians.
        let fisher = try estimator.denseMatrix(.exact), gaussNewton = try estimator.denseMatrix(.ggn)
        #expect(CurvatureFixtures.relativeMaxError(fisher, gaussNewton) <= tolerance, "\(likelihood.kind) \(L.Scalar.self) dense")
        // F_z products against H_z products.
        let v = TestMatrices.gaussianVector(estimator.parameterCount, seed: 5, as: L.Scalar.self)
        let fv = try estimator.matrixVectorProduct(.exact, v), gv = try estimator.matrixVectorProduct(.ggn, v)
        #expect(CurvatureFixtures.relativeMaxError(fv.asColumn, gv.asColumn) <= tolerance, "\(likelihood.kind) \(L.Scalar.self) operator")
    }

    @Test("exact Fisher = (1/N)·Σ Jᵢᵀ·F_z(zᵢ)·Jᵢ with Jacobians by finite differences", arguments: LikelihoodKind.allCases)
    func fisherFromFiniteDifferenceJacobians(_ kind: LikelihoodKind) throws {
        for network in [try CurvatureFixtures.perceptron(Double.self), try CurvatureFixtures.convolutional(Double.self)] {
            try checkFiniteDifferenceFisher(kind.likelihood(Double.self), network: network)
        }
    }

    func checkFiniteDifferenceFisher<L: Likelihood>(_ likelihood: L, network: Network<Double>) throws where L.Scalar == Double {
        do {
            let estimator = try CurvatureFixtures.estimator(likelihood, network: network, examples: 3)
            let (n, out, p) = (estimator.exampleCount, network.outputCount, estimator.parameterCount)
            // jacobians[i] is out×P, column j = (z(θ + h e_j) − z(θ − h e_j)) / 2h for example i.
            var jacobians = [Matrix<Double>](repeating: Matrix(rows: out, columns: p), count: n)
            let h = 1e-6
            for j in 0..<p {
                var plus = estimator.parameters, minus = estimator.parameters
                plus[j] += h
                minus[j] -= h
                let difference = try network.outputs(estimator.pass.inputs, parameters: plus) - network.outputs(estimator.pass.inputs, parameters: minus)
                for i in 0..<n { for k in 0..<out { jacobians[i][k, j] = difference[i, k] / (2 * h) } }
            }
            var reference = Matrix<Double>(rows: p, columns: p)
            for i in 0..<n {
                let outputFisher = likelihood.fisherMatrix(output: estimator.outputs.row(i))
                reference += TestMatrices.naiveProduct(TestMatrices.naiveProduct(jacobians[i].transposed, outputFisher), jacobians[i])
            }
            reference.scale(by: 1 / Double(n))
            let error = CurvatureFixtures.relativeMaxError(try estimator.denseMatrix(.exact), reference)
            #expect(error <= 1e-7, "\(likelihood.kind) on \(network.layers.count) layers: \(error)")
        }
    }

    @Test("exact Fisher = E_{y~p}[∇²_θ ℓ(θ; y)], the Hessian averaged over the model's labels", arguments: LikelihoodKind.allCases)
    func fisherEqualsExpectedHessian(_ kind: LikelihoodKind) throws {
        try checkExpectedHessian(kind.likelihood(Double.self), network: CurvatureFixtures.perceptron(Double.self))
    }

    /// Per example, enumerates the labels with their probabilities (categorical: every class;
    /// Bernoulli: all 2^out label vectors), or for the Gaussian the pair y = z ± δ, whose mean is
    /// z = E[y] (the Hessian is affine in y, so the pair averages the residual term out exactly).
    func checkExpectedHessian<L: Likelihood>(_ likelihood: L, network: Network<Double>) throws where L.Scalar == Double {
        let estimator = try CurvatureFixtures.estimator(likelihood, network: network, examples: 3)
        let (n, out, p) = (estimator.exampleCount, network.outputCount, estimator.parameterCount)
        var expected = Matrix<Double>(rows: p, columns: p)
        var generator = SeededGenerator(seed: 9)
        for i in 0..<n {
            let input = estimator.pass.inputs.rows(at: [i]), z = estimator.outputs.row(i)
            var labels = [(target: [Double], weight: Double)]()
            switch likelihood.kind {
            case .categorical:
                let probabilities = CategoricalLikelihood<Double>().probabilities(outputs: z.asColumn.transposed)
                labels = (0..<out).map { c in ((0..<out).map { $0 == c ? 1 : 0 }, probabilities[0, c]) }
            case .bernoulli:
                let q = z.elements.map { 1 / (1 + Double.exp(-$0)) }
                labels = (0..<(1 << out)).map { mask in
                    let y = (0..<out).map { Double((mask >> $0) & 1) }
                    return (y, (0..<out).reduce(1.0) { $0 * (y[$1] == 1 ? q[$1] : 1 - q[$1]) })
                }
            case .poisson:
                // The Hessian is affine in each count y_k (through the residual exp(z_k) − y_k), so
                // the product of two-point rules on ⌊λ_k⌋ and ⌊λ_k⌋ + 1 with mean λ_k = exp(z_k) is exact.
                let rates = z.elements.map { Double.exp($0) }
                labels = (0..<(1 << out)).map { mask in
                    var target = [Double](), weight = 1.0
                    for k in 0..<out {
                        let low = rates[k].rounded(.down), upper = (mask >> k) & 1 == 1
                        target.append(upper ? low + 1 : low)
                        weight *= upper ? rates[k] - low : low + 1 - rates[k]
                    }
                    return (target, weight)
                }
            case .gaussian:
                let delta = (0..<out).map { _ in generator.normal() }
                labels = [(zip(z.elements, delta).map(+), 0.5), (zip(z.elements, delta).map(-), 0.5)]
            }
            #expect(abs(labels.map(\.weight).reduce(0, +) - 1) < 1e-12)
            for (target, weight) in labels {
                let single = try CurvatureEstimator(
                    network: network, parameters: estimator.parameters, inputs: input,
                    targets: try Matrix(rows: 1, columns: out, elements: target), likelihood: likelihood)
                let (hessian, asymmetry) = try single.denseHessian()
                #expect(asymmetry < 1e-12)
                try expected.add(hessian, scaledBy: weight / Double(n))
            }
        }
        let fisher = try estimator.denseMatrix(.exact)
        let error = CurvatureFixtures.relativeMaxError(fisher, expected)
        #expect(error <= 1e-10, "\(likelihood.kind): \(error)")
        // …whereas the Hessian at the observed labels is a different matrix.
        #expect(CurvatureFixtures.relativeMaxError(try estimator.denseMatrix(.hessian), fisher) > 1e-2)
    }

    @Test("the Hessian equals finite differences of the gradient", arguments: LikelihoodKind.allCases)
    func hessianFromGradientDifferences(_ kind: LikelihoodKind) throws {
        for network in [try CurvatureFixtures.perceptron(Double.self), try CurvatureFixtures.convolutional(Double.self)] {
            try checkHessianDifferences(kind.likelihood(Double.self), network: network)
        }
    }

    func checkHessianDifferences<L: Likelihood>(_ likelihood: L, network: Network<Double>) throws where L.Scalar == Double {
        let kind = likelihood.kind
        do {
            let estimator = try CurvatureFixtures.estimator(likelihood, network: network, examples: 4)
            let p = estimator.parameterCount
            let h = 1e-5
            var reference = Matrix<Double>(rows: p, columns: p)
            for j in 0..<p {
                var plus = estimator.parameters, minus = estimator.parameters
                plus[j] += h
                minus[j] -= h
                let gradientPlus = try network.lossAndGradient(inputs: estimator.pass.inputs, targets: estimator.targets, parameters: plus, likelihood: likelihood).gradient
                let gradientMinus = try network.lossAndGradient(inputs: estimator.pass.inputs, targets: estimator.targets, parameters: minus, likelihood: likelihood).gradient
                for i in 0..<p { reference[i, j] = (gradientPlus[i] - gradientMinus[i]) / (2 * h) }
            }
            let (hessian, asymmetry) = try estimator.denseHessian()
            #expect(asymmetry < 1e-12, "\(kind): asymmetry \(asymmetry)")
            let error = CurvatureFixtures.relativeMaxError(hessian, reference)
            #expect(error <= 1e-7, "\(kind): \(error)")
            // The Hessian is not the GGN here (the network's own curvature is present).
            #expect(CurvatureFixtures.relativeMaxError(hessian, try estimator.denseMatrix(.ggn)) > 1e-2)
        }
    }

    @Test("the exact Fisher and the Gaussian GGN do not depend on the labels, the empirical Fisher does")
    func labelDependence() throws {
        let network = try CurvatureFixtures.perceptron(Double.self)
        let first = try CurvatureFixtures.estimator(GaussianLikelihood<Double>(), network: network, seed: 1)
        let second = try CurvatureEstimator(
            network: network, parameters: first.parameters, inputs: first.pass.inputs,
            targets: CurvatureFixtures.arbitraryTargets(.gaussian, examples: first.exampleCount, outputs: 3, seed: 99), likelihood: GaussianLikelihood<Double>())
        #expect(CurvatureFixtures.relativeMaxError(try first.denseMatrix(.exact), try second.denseMatrix(.exact)) < 1e-14)
        #expect(CurvatureFixtures.relativeMaxError(try first.denseMatrix(.ggn), try second.denseMatrix(.ggn)) < 1e-14)
        #expect(CurvatureFixtures.relativeMaxError(try first.denseMatrix(.empirical), try second.denseMatrix(.empirical)) > 1e-2)
    }
}
