import NGCurvature
import NGLinearAlgebra
import NGModels
import NGRandom
import NGTestSupport
import Testing

/// The sampled Fisher estimates against the exact Fisher: the Monte-Carlo Fisher converges like
/// 1/√k; the empirical Fisher is a different matrix unless the labels come from the model.
@Suite("Curvature Monte-Carlo and empirical Fisher")
struct CurvatureMonteCarloTests {
    @Test("the Monte-Carlo Fisher converges to the exact one like 1/√k", arguments: LikelihoodKind.allCases)
    func monteCarloConvergence(_ kind: LikelihoodKind) throws {
        try checkConvergence(kind.likelihood(Double.self))
    }

    func checkConvergence<L: Likelihood>(_ likelihood: L) throws where L.Scalar == Double {
        let estimator = try CurvatureFixtures.estimator(likelihood, network: CurvatureFixtures.perceptron(Double.self), examples: 6)
        let exact = try estimator.denseMatrix(.exact)
        let sampleCounts = [16, 64, 256, 1024]
        let seeds: [UInt64] = [1, 2, 3, 4, 5, 6]
        var meanErrors = [Double]()
        for k in sampleCounts {
            // Independent seeds per k, so that the errors at different k are independent.
            let errors = try seeds.map { seed in
                CurvatureFixtures.relativeFrobeniusError(try estimator.denseMatrix(.monteCarlo, samples: k, seed: seed &* 7919 &+ UInt64(k)), exact)
            }
            meanErrors.append(errors.reduce(0, +) / Double(errors.count))
        }
        // Least-squares slope of log(error) against log(k): −1/2 for a 1/√k rate.
        let x = sampleCounts.map { Double.log(Double($0)) }, y = meanErrors.map { Double.log($0) }
        let (mx, my) = (x.reduce(0, +) / Double(x.count), y.reduce(0, +) / Double(y.count))
        var covariance = 0.0, variance = 0.0
        for (a, b) in zip(x, y) {
            covariance += (a - mx) * (b - my)
            variance += (a - mx) * (a - mx)
        }
        let slope = covariance / variance
        #expect(slope > -0.7 && slope < -0.3, "\(likelihood.kind): slope \(slope), errors \(meanErrors)")
        #expect(meanErrors.last! < 0.1, "\(likelihood.kind): error at k = 1024 is \(meanErrors.last!)")
        // k → 16k: the error shrinks by about 4.
        let ratio = meanErrors[0] / meanErrors[2]
        #expect(ratio > 2.8 && ratio < 5.6, "\(likelihood.kind): error ratio between k = 16 and 256 is \(ratio)")
    }

    @Test("the empirical Fisher differs from the exact one with labels not drawn from the model, and matches it with labels that are", arguments: LikelihoodKind.allCases)
    func empiricalVersusExact(_ kind: LikelihoodKind) throws {
        try checkEmpirical(kind.likelihood(Double.self))
    }

    /// Each of 4 inputs is repeated R = 500 times, so the empirical Fisher averages R labels per
    /// input: with labels drawn from the model at θ it is a Monte-Carlo Fisher with k = R and
    /// converges to the exact Fisher; with labels from elsewhere (uniform classes, fair coins,
    /// standard normal targets unrelated to z) it converges to a different matrix, e.g. for the
    /// Gaussian (1/N)·Σ Jᵢᵀ(I + zᵢzᵢᵀ)Jᵢ instead of (1/N)·Σ JᵢᵀJᵢ (Kunstner et al. 2019).
    func checkEmpirical<L: Likelihood>(_ likelihood: L) throws where L.Scalar == Double {
        let network = try CurvatureFixtures.perceptron(Double.self)
        let parameters = CurvatureFixtures.parameters(for: network, seed: 4)
        let distinct: Matrix<Double> = TestMatrices.gaussian(4, network.inputCount, seed: 8)
        let replicas = 500
        let inputs = distinct.rows(at: (0..<(4 * replicas)).map { $0 % 4 })
        let outputs = try network.outputs(inputs, parameters: parameters)
        var generator = SeededGenerator(seed: 21)
        let modelLabels = likelihood.sampleTargets(outputs: outputs, generator: &generator)
        let otherLabels: Matrix<Double> = CurvatureFixtures.arbitraryTargets(likelihood.kind, examples: inputs.rows, outputs: network.outputCount, seed: 22)

        let fromModel = try CurvatureEstimator(network: network, parameters: parameters, inputs: inputs, targets: modelLabels, likelihood: likelihood)
        let fromElsewhere = try CurvatureEstimator(network: network, parameters: parameters, inputs: inputs, targets: otherLabels, likelihood: likelihood)
        let exact = try fromModel.denseMatrix(.exact)
        let agreeing = CurvatureFixtures.relativeFrobeniusError(try fromModel.denseMatrix(.empirical), exact)
        let disagreeing = CurvatureFixtures.relativeFrobeniusError(try fromElsewhere.denseMatrix(.empirical), exact)
        #expect(agreeing < 0.12, "\(likelihood.kind): labels from the model, relative difference \(agreeing)")
        #expect(disagreeing > 0.3, "\(likelihood.kind): labels not from the model, relative difference \(disagreeing)")

        // On a small batch at a random initialization, one label per example: far from the Fisher.
        let small = try CurvatureFixtures.estimator(likelihood, network: network, examples: 5)
        let difference = CurvatureFixtures.relativeFrobeniusError(try small.denseMatrix(.empirical), try small.denseMatrix(.exact))
        #expect(difference > 0.3, "\(likelihood.kind): small batch, relative difference \(difference)")
    }

    @Test("the Monte-Carlo labels are the likelihood's samples from one seeded generator")
    func monteCarloLabels() throws {
        let estimator = try CurvatureFixtures.estimator(CategoricalLikelihood<Double>(), network: CurvatureFixtures.perceptron(Double.self))
        let labels = try estimator.monteCarloTargets(samples: 3, seed: 5)
        var generator = SeededGenerator(seed: 5)
        for draw in labels { #expect(draw == CategoricalLikelihood<Double>().sampleTargets(outputs: estimator.outputs, generator: &generator)) }
        // The Monte-Carlo Fisher is the mean of the empirical Fishers at those labels.
        var mean = Matrix<Double>(rows: estimator.parameterCount, columns: estimator.parameterCount)
        for draw in labels {
            let relabeled = try CurvatureEstimator(
                network: estimator.network, parameters: estimator.parameters, inputs: estimator.pass.inputs, targets: draw, likelihood: CategoricalLikelihood<Double>())
            try mean.add(relabeled.denseMatrix(.empirical), scaledBy: 1.0 / 3)
        }
        #expect(CurvatureFixtures.relativeMaxError(try estimator.denseMatrix(.monteCarlo, samples: 3, seed: 5), mean) < 1e-13)
    }
}
