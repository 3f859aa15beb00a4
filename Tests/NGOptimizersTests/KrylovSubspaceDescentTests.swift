import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGTestSupport
import Testing

/// Krylov subspace descent: exact on quadratics whose curvature has at most K distinct
/// eigenvalues (the Krylov space then contains the Newton step), and a working optimizer on a
/// small network.
@Suite("KrylovSubspaceDescent")
struct KrylovSubspaceDescentTests {
    func checkQuadratic<T: BLASScalar>(_: T.Type, dimension: Int) throws -> (error: Double, report: StepReport) {
        // 12 coordinates, 4 distinct curvatures in [0.2, 5].
        let count = 12
        let curvatures: [T] = HessianFreeFixtures.curvatures(count: count, distinct: 4, low: 0.2, high: 5)
        let minimum: [T] = HessianFreeFixtures.gaussian(count, seed: 17)
        let objective = LeastSquaresObjective<T>.parabola(curvatures: curvatures, minimum: minimum)
        var optimizer = try KrylovSubspaceDescent<T>(
            settings: KrylovSubspaceDescentSettings(subspaceDimension: dimension, initialDamping: 0, dampingAdaptation: nil))
        var parameters = Vector<T>(count: count)
        let report = try optimizer.step(&parameters, objective: objective, batch: .all)
        return (TestMatrices.maxDifference(parameters, Vector(minimum)), report)
    }

    @Test("with K ≥ the number of distinct eigenvalues one step reaches the minimum of a quadratic")
    func quadraticOneStep() throws {
        for dimension in [4, 6] {
            let (error, report) = try checkQuadratic(Double.self, dimension: dimension)
            #expect(error <= 1e-9, "K = \(dimension): error \(error)")
            // The Krylov space is exhausted after 4 vectors; later ones are dropped.
            #expect(report.diagnostics["subspace_dimension"] == 4)
            #expect(Swift.abs((report.diagnostics["rho"] ?? 0) - 1) <= 1e-9)
        }
        let (floatError, _) = try checkQuadratic(Float.self, dimension: 4)
        #expect(floatError <= 1e-3)
    }

    @Test("with K below the number of distinct eigenvalues one step does not reach the minimum")
    func quadraticTooSmallSubspace() throws {
        let (error, report) = try checkQuadratic(Double.self, dimension: 3)
        #expect(error > 1e-3)
        #expect(report.diagnostics["subspace_dimension"] == 3)
    }

    @Test("one undamped step on linear regression equals the normal-equations solution")
    func linearRegressionOneStep() throws {
        // 4 features + bias, 2 outputs: P = 10, the Gauss–Newton matrix has at most 5 distinct eigenvalues.
        let objective = try HessianFreeFixtures.linearRegression(examples: 40, features: 4, outputs: 2, seed: 19, as: Double.self)
        let expected = try HessianFreeFixtures.normalEquationsSolution(objective)
        var optimizer = try KrylovSubspaceDescent<Double>(
            settings: KrylovSubspaceDescentSettings(subspaceDimension: 5, initialDamping: 0, dampingAdaptation: nil))
        var parameters = Vector<Double>(count: objective.parameterCount)
        _ = try optimizer.step(&parameters, objective: objective, batch: .all)
        let error = zip(parameters.elements, expected).map { Swift.abs($0 - $1) }.max() ?? 0
        #expect(error <= 1e-8)
    }

    @Test("the previous direction joins the subspace from the second step on")
    func previousDirectionJoins() throws {
        let (objective, start) = try HessianFreeFixtures.blobClassifier(seed: 41, as: Double.self)
        var optimizer = try KrylovSubspaceDescent<Double>(settings: KrylovSubspaceDescentSettings(subspaceDimension: 5))
        var parameters = start
        let first = try optimizer.step(&parameters, objective: objective, batch: .all)
        let second = try optimizer.step(&parameters, objective: objective, batch: .all)
        #expect(first.diagnostics["subspace_dimension"] == 5)
        #expect(second.diagnostics["subspace_dimension"] == 6)
        #expect(second.diagnostics["curvature_products"] == 6)
    }

    @Test("KSD lowers the loss of a small tanh classifier, every step, faster than gradient descent")
    func decreasesNetworkLoss() throws {
        let (objective, start) = try HessianFreeFixtures.blobClassifier(seed: 42, as: Double.self)
        var optimizer = try KrylovSubspaceDescent<Double>(settings: KrylovSubspaceDescentSettings(subspaceDimension: 10))
        let steps = 15
        let losses = try HessianFreeFixtures.losses(&optimizer, objective: objective, start: start, steps: steps)
        let initial = try objective.loss(at: start, batch: .all)
        for (before, after) in zip([initial] + losses, losses) { #expect(after <= before) }
        #expect(losses.last! < 0.25 * initial)
        var bestSGD = Double.infinity
        for learningRate in [0.1, 0.3, 1, 3] as [Double] {
            var sgd = HessianFreeFixtures.gradientDescent(learningRate)
            let final = try HessianFreeFixtures.losses(&sgd, objective: objective, start: start, steps: steps).last!
            if final.isFinite { bestSGD = Swift.min(bestSGD, final) }
        }
        #expect(losses.last! < bestSGD, "KSD \(losses.last!) vs best SGD \(bestSGD)")
    }

    @Test("KSD with a preconditioner and curvature subsets trains in Float")
    func floatPreconditioned() throws {
        let (objective, start) = try HessianFreeFixtures.blobClassifier(seed: 43, as: Float.self)
        var optimizer = try KrylovSubspaceDescent<Float>(
            settings: KrylovSubspaceDescentSettings(subspaceDimension: 8, curvatureBatchFraction: 0.5, preconditionerExponent: 0.75))
        let losses = try HessianFreeFixtures.losses(&optimizer, objective: objective, start: start, steps: 10)
        #expect(losses.allSatisfy { $0.isFinite })
        #expect(losses.last! < 0.5 * Double(try objective.loss(at: start, batch: .all)))
    }

    @Test("invalid settings throw")
    func invalidSettings() {
        #expect(throws: OptimizerError.self) { try KrylovSubspaceDescent<Double>(settings: KrylovSubspaceDescentSettings(subspaceDimension: 0)) }
        #expect(throws: OptimizerError.self) { try KrylovSubspaceDescent<Double>(settings: KrylovSubspaceDescentSettings(initialDamping: .nan)) }
        #expect(throws: OptimizerError.self) {
            try KrylovSubspaceDescent<Double>(settings: KrylovSubspaceDescentSettings(curvatureBatchFraction: 2))
        }
    }
}
