import Foundation
import NGExperiments
import NGLinearAlgebra
import NGModels
import NGRandom
import NGReport
import NGTestSupport
import Testing

@Suite("Experiment: invariance")
struct InvarianceExperimentTests {
    /// The wine MLP of the smoke scale, its start, and the two maps.
    static func problem() throws -> (objective: CurvatureProblems.BinaryClassifier, start: Vector<Double>, scales: Vector<Double>, map: InputAffineMap) {
        let (objective, start) = try CurvatureProblems.binaryClassifier("breast-cancer", hidden: [3], components: 5, seed: 7)
        var generator = SeededGenerator(seed: 11)
        let scales = Vector((0..<objective.parameterCount).map { _ in exp((2 * generator.uniform() - 1) * log(4.0)) })
        let map = try InputAffineMap(dimension: objective.network.inputCount, scaleRange: 4, mixing: 1, generator: &generator)
        return (objective, start, scales, map)
    }

    @Test func theMapsAreInvertibleAndPreserveTheFunction() throws {
        let (objective, start, scales, map) = try Self.problem()
        let network = objective.network
        // The rescaling round-trips and gives the same outputs.
        let rescaled = RescaledObjective(base: objective, scales: scales)
        let primed = rescaled.rescaled(start)
        #expect(TestMatrices.maxDifference(rescaled.original(primed), start) <= 1e-15 * start.maxMagnitude)
        #expect(try abs(rescaled.loss(at: primed, batch: .all) - objective.loss(at: start, batch: .all)) <= 1e-14)
        // T·T⁻¹ = I, and the input map round-trips on the parameters.
        let product = try map.matrix.multiplied(by: map.inverse)
        #expect(TestMatrices.maxDifference(product, Matrix<Double>.identity(map.matrix.rows)) <= 1e-12)
        let layout = network.parameterLayouts[0]
        let transformed = map.transformedParameters(start, firstLayer: layout)
        #expect(TestMatrices.maxDifference(map.originalParameters(transformed, firstLayer: layout), start) <= 1e-12)
        #expect(TestMatrices.maxDifference(transformed, start) > 1e-3)  // the map is not the identity
        // The network on x′ = Tx + b at θ′ computes what it computes on x at θ.
        let original = try network.outputs(objective.inputs, parameters: start)
        let mapped = try network.outputs(try map.transform(objective.inputs), parameters: transformed)
        #expect(TestMatrices.maxDifference(original, mapped) <= 1e-10)
    }

    @Test func theRescaledGradientAndFisherTransformByTheChainRule() throws {
        let (objective, start, scales, _) = try Self.problem()
        let rescaled = RescaledObjective(base: objective, scales: scales)
        let primed = rescaled.rescaled(start)
        let point = try rescaled.evaluate(at: primed, batch: .all)
        // A central difference of J(θ′) along a unit vector checks ∇′ = D⊙∇.
        let j = 5, step = 1e-5
        var plus = primed, minus = primed
        plus[j] += step
        minus[j] -= step
        let numeric = (try rescaled.loss(at: plus, batch: .all) - rescaled.loss(at: minus, batch: .all)) / (2 * step)
        #expect(abs(numeric - point.gradient[j]) <= 1e-7 * max(1, abs(numeric)))
        // The natural gradient is the same tangent vector: D⊙(F′⁻¹∇′) = F⁻¹∇ (both undamped, on the range of F).
        let fisher = try objective.evaluate(at: start, batch: .all).denseCurvature(.exact, samples: 1, seed: 0)
        let fisherPrime = try point.denseCurvature(.exact, samples: 1, seed: 0)
        #expect(abs(fisherPrime[2, 9] - scales[2] * fisher[2, 9] * scales[9]) <= 1e-14 * max(1, abs(fisherPrime[2, 9])))
    }

    @Test func exactNGDDistanceShrinksWithTheStepAndGDStaysFarApart() throws {
        let (objective, start, scales, _) = try Self.problem()
        let network = objective.network
        func trace(_ kind: InvarianceOptimizer, _ h: Double, _ steps: Int, hyperbolic: Bool) throws -> InvarianceTrace {
            let b = RescaledObjective(base: objective, scales: scales, hyperbolic: hyperbolic)
            return try InvarianceNetworkRuns.trace(
                map: "map", kind: kind, stepSize: h, damping: 1e-10, steps: steps, a: objective, from: start,
                outputsA: { try network.outputs(objective.inputs, parameters: $0) }, b: b, from: b.rescaled(start),
                outputsB: { try network.outputs(objective.inputs, parameters: b.original($0)) })
        }
        // Nonlinear map: Euler's error is O(h), so the KL (quadratic in it) falls like h², a ratio near 1/4.
        let coarse = try trace(.naturalGradient, 0.04, 5, hyperbolic: true), fine = try trace(.naturalGradient, 0.02, 10, hyperbolic: true)
        #expect(coarse.stoppedAtStep == nil && fine.stoppedAtStep == nil)
        #expect(coarse.distances[0] <= 1e-15)  // the same model at the start, up to sinh/asinh rounding
        let ratio = fine.finalDistance / coarse.finalDistance
        #expect(ratio > 0.15 && ratio < 0.4, "NGD distance ratio for h/2: \(ratio)")
        // Linear map: the Euler steps themselves are invariant; only the damping (λ = 1e-10) separates the runs.
        let linear = try trace(.naturalGradient, 0.04, 5, hyperbolic: false)
        #expect(linear.finalDistance < 1e-12, "linear-map NGD distance \(linear.finalDistance)")
        // GD for the same time moves along different paths in the two coordinate systems: orders of
        // magnitude apart from NGD under the linear map, and well apart under the nonlinear one.
        let gd = try trace(.gradientDescent, 0.02, 10, hyperbolic: false)
        #expect(gd.finalDistance > 1e6 * linear.finalDistance, "GD \(gd.finalDistance) vs NGD \(linear.finalDistance)")
        let gdNonlinear = try trace(.gradientDescent, 0.02, 10, hyperbolic: true)
        #expect(gdNonlinear.finalDistance > 10 * fine.finalDistance, "GD \(gdNonlinear.finalDistance) vs NGD \(fine.finalDistance)")
        // The reported distance is the mean Bernoulli KL, recomputed here at the last step from the logits.
        let z = try network.outputs(objective.inputs, parameters: start)
        var shifted = z
        for i in 0..<shifted.rows { shifted.elements[i] += 0.3 }
        var expected = 0.0
        for i in 0..<z.rows {
            let p = 1 / (1 + exp(-z.elements[i])), q = 1 / (1 + exp(-shifted.elements[i]))
            expected += p * log(p / q) + (1 - p) * log((1 - p) / (1 - q))
        }
        #expect(abs(try InvarianceNetworkRuns.meanPredictiveKL(z, shifted) - expected / Double(z.rows)) < 1e-12)
    }

    @Test func theGaussianNaturalGradientIsInvariantAndGradientDescentIsNot() throws {
        let iris = try CurvatureProblems.standardizedClassification("iris", count: nil, seed: 0)
        let moments = try GaussianMoments(samples: iris.features)
        let start = try MultivariateGaussian(mean: Vector([0.5, -0.5, 0.5, -0.5]), covariance: Matrix<Double>.identity(4).addingToDiagonal(1))
        let coarse = try InvarianceGaussianRuns.trace(kind: .naturalGradient, stepSize: 0.2, steps: 5, start: start, moments: moments)
        let fine = try InvarianceGaussianRuns.trace(kind: .naturalGradient, stepSize: 0.1, steps: 10, start: start, moments: moments)
        let ratio = fine.finalDistance / coarse.finalDistance
        #expect(ratio > 0.1 && ratio < 0.45, "Gaussian NGD distance ratio for h/2: \(ratio)")
        let gd = try InvarianceGaussianRuns.trace(kind: .gradientDescent, stepSize: 0.1, steps: 10, start: start, moments: moments)
        #expect(gd.finalDistance > 100 * fine.finalDistance, "GD \(gd.finalDistance) vs NGD \(fine.finalDistance)")
        // The KL of the final pair, recomputed from its closed form on the two fits, is what the trace reports.
        #expect(fine.distances.allSatisfy { $0 >= 0 && $0.isFinite })
    }

    @Test func theSmokeSectionHasItsTablesFiguresAndRecord() throws {
        let section = try InvarianceExperiment.experiment.run(ExperimentSettings(seed: 3, scale: .smoke, command: "test"))
        #expect(section.id == "invariance")
        #expect(section.record.seed == 3 && section.record.command == "test")
        #expect(section.tables.map(\.id) == ["distances", "step-size-slopes"])
        #expect(section.figures.map(\.id) == ["distance-rescaling", "distance-sinh", "distance-input-map", "distance-gaussian", "distance-vs-step-size"])
        #expect(section.findings.count == 5)
        for figure in section.figures {
            guard case let .lines(plot) = figure.content else { Issue.record("\(figure.id) is not a line plot"); continue }
            #expect(plot.yAxis.scale == .log)
            #expect(!plot.series.isEmpty)
        }
    }
}
