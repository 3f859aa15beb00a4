import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGTestSupport
import Testing

/// `NetworkObjective`'s one-pass evaluation: the loss against a direct recomputation with the
/// weight-only penalty, the gradient against central differences, minibatches against an
/// objective built on the gathered rows, and target validation at creation.
@Suite struct NetworkObjectiveTests {
    static func objective(l2: Double, examples: Int = 6) throws -> NetworkObjective<Double, BernoulliLikelihood<Double>> {
        let network = try Network<Double>.multilayerPerceptron(sizes: [4, 5, 3], activation: .tanh)
        let inputs: Matrix<Double> = TestMatrices.gaussian(examples, 4, seed: 21)
        var generator = SeededGenerator(seed: 22)
        let targets = Matrix<Double>(rows: examples, columns: 3) { _, _ in generator.uniform() }
        return try NetworkObjective(network: network, likelihood: BernoulliLikelihood(), inputs: inputs, targets: targets, l2: l2)
    }

    static func parameters(_ objective: NetworkObjective<Double, BernoulliLikelihood<Double>>) -> Vector<Double> {
        var generator = SeededGenerator(seed: 23)
        return 2 * objective.network.initialParameters(generator: &generator)
    }

    @Test("evaluate: loss = mean NLL + (λ/2)·Σ weights², gradient = central differences; biases unpenalized")
    func lossAndGradient() throws {
        let objective = try Self.objective(l2: 0.3)
        let theta = Self.parameters(objective)
        let point = try objective.evaluate(at: theta, batch: .all)
        // Direct recomputation: the likelihood's per-example losses and a loop over the weight entries.
        let outputs = try objective.network.outputs(objective.inputs, parameters: theta)
        let losses = try objective.likelihood.negativeLogLikelihoods(outputs: outputs, targets: objective.targets)
        var squares = 0.0
        for layout in objective.network.parameterLayouts { for j in layout.weightRange { squares += theta[j] * theta[j] } }
        let expected = losses.elements.reduce(0, +) / 6 + 0.15 * squares
        #expect(Swift.abs(point.loss - expected) <= 1e-13 * expected)
        #expect(Swift.abs(point.loss - (try objective.loss(at: theta, batch: .all))) <= 1e-13 * expected)
        let layout = objective.network.parameterLayouts[1]
        let h = 1e-6
        for j in [0, 5, layout.weightRange.lowerBound + 2, layout.biasRange.lowerBound, theta.count - 1] {
            var plus = theta, minus = theta
            plus[j] += h
            minus[j] -= h
            let difference = (try objective.loss(at: plus, batch: .all) - (try objective.loss(at: minus, batch: .all))) / (2 * h)
            #expect(Swift.abs(difference - point.gradient[j]) <= 1e-7 * Swift.max(1, Swift.abs(point.gradient[j])), "coordinate \(j)")
        }
        // The penalty's gradient is λ·θ on weights and nothing on biases.
        let unpenalized = try Self.objective(l2: 0).evaluate(at: theta, batch: .all)
        for j in 0..<theta.count {
            let isWeight = objective.network.parameterLayouts.contains { $0.weightRange.contains(j) }
            #expect(Swift.abs(point.gradient[j] - unpenalized.gradient[j] - (isWeight ? 0.3 * theta[j] : 0)) <= 1e-14)
        }
    }

    @Test("a minibatch of indices (with repeats) evaluates as an objective built on those rows")
    func minibatch() throws {
        let objective = try Self.objective(l2: 0.1)
        let theta = Self.parameters(objective)
        let indices = [4, 0, 4, 2]
        let point = try objective.evaluate(at: theta, batch: .examples(indices))
        let gathered = try NetworkObjective(
            network: objective.network, likelihood: objective.likelihood, inputs: objective.inputs.rows(at: indices),
            targets: objective.targets.rows(at: indices), l2: 0.1)
        let reference = try gathered.evaluate(at: theta, batch: .all)
        #expect(point.batchSize == 4)
        #expect(point.loss == reference.loss)
        #expect(point.gradient == reference.gradient)
    }

    @Test("targets outside the likelihood's support are rejected when the objective is created")
    func validation() throws {
        let network = try Network<Float>.multilayerPerceptron(sizes: [2, 2], activation: .identity)
        let inputs = Matrix<Float>(rows: 3, columns: 2, repeating: 1)
        var targets = Matrix<Float>(rows: 3, columns: 2, repeating: 0)
        targets[1, 0] = 1.5
        #expect(throws: (any Error).self) {
            try NetworkObjective(network: network, likelihood: BernoulliLikelihood<Float>(), inputs: inputs, targets: targets)
        }
    }
}
