import NGCurvature
import NGLinearAlgebra
import NGModels
import NGTestSupport
import Testing

/// The estimator's training-step path: `lossAndGradient()` against `loss()` and `gradient()`
/// (and the gradient against central differences), and target validation on request only.
@Suite("Curvature estimator fast path")
struct CurvatureEstimatorFastPathTests {
    @Test("lossAndGradient equals loss() and gradient(), and the gradient matches central differences")
    func lossAndGradient() throws {
        let network = try CurvatureFixtures.convolutional(Double.self, outputs: 3)
        let parameters = CurvatureFixtures.parameters(for: network, seed: 11)
        let inputs: Matrix<Double> = TestMatrices.gaussian(5, network.inputCount, seed: 12)
        let targets: Matrix<Double> = CurvatureFixtures.arbitraryTargets(.bernoulli, examples: 5, outputs: 3, seed: 13)
        let likelihood = BernoulliLikelihood<Double>()
        let estimator = try CurvatureEstimator(network: network, parameters: parameters, inputs: inputs, targets: targets, likelihood: likelihood)
        let (loss, gradient) = try estimator.lossAndGradient()
        #expect(Swift.abs(loss - (try estimator.loss())) <= 1e-14 * Swift.abs(loss))
        #expect(TestMatrices.maxDifference(gradient, try estimator.gradient()) <= 1e-15)
        // Central differences of the loss along a few coordinates (weights of both layers, a bias).
        let h = 1e-6
        for j in [0, 7, 19, 25, network.parameterCount - 1] {
            var plus = parameters, minus = parameters
            plus[j] += h
            minus[j] -= h
            let lossPlus = try network.forward(inputs, parameters: plus).meanLoss(likelihood: likelihood, targets: targets)
            let lossMinus = try network.forward(inputs, parameters: minus).meanLoss(likelihood: likelihood, targets: targets)
            #expect(Swift.abs((lossPlus - lossMinus) / (2 * h) - gradient[j]) <= 1e-7 * Swift.max(1, Swift.abs(gradient[j])))
        }
    }

    @Test("targets are validated by default and skipped only when asked; shapes are always checked")
    func validation() throws {
        let network = try CurvatureFixtures.perceptron(Float.self)
        let parameters = CurvatureFixtures.parameters(for: network, seed: 14)
        let inputs: Matrix<Float> = TestMatrices.gaussian(4, 3, seed: 15)
        var targets = Matrix<Float>(rows: 4, columns: 3, repeating: 1)
        targets[2, 1] = 2
        let likelihood = BernoulliLikelihood<Float>()
        #expect(throws: NetworkError.self) {
            try CurvatureEstimator(network: network, parameters: parameters, inputs: inputs, targets: targets, likelihood: likelihood)
        }
        #expect(throws: NetworkError.self) {
            try CurvatureEstimator(network: network, parameters: parameters, inputs: inputs, targets: targets, likelihood: likelihood, validatingTargets: true)
        }
        let unchecked = try CurvatureEstimator(
            network: network, parameters: parameters, inputs: inputs, targets: targets, likelihood: likelihood, validatingTargets: false)
        #expect(unchecked.exampleCount == 4)
        #expect(throws: NetworkError.self) {
            try CurvatureEstimator(
                network: network, parameters: parameters, inputs: inputs, targets: Matrix(rows: 4, columns: 2), likelihood: likelihood,
                validatingTargets: false)
        }
    }
}
