import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGTestSupport
import Testing

/// Hessian-free optimization on quadratics, where the answer is known in closed form: one
/// undamped step with enough CG iterations is the Newton step and lands on the minimum; warm
/// starts and CG-iterate backtracking are checked against CG runs and objective values computed
/// here.
@Suite("HessianFree: Newton steps, warm starts, backtracking")
struct HessianFreeTests {
    /// HF with λ = 0, no damping adaptation or progress rule, CG to convergence.
    static func undamped<T: BLASScalar>(_: T.Type, preconditionerExponent: T? = nil) throws -> HessianFree<T> {
        try HessianFree<T>(
            settings: HessianFreeSettings(
                initialDamping: 0, dampingAdaptation: nil, progressTolerance: nil, preconditionerExponent: preconditionerExponent))
    }

    func checkParabolaOneStep<T: BLASScalar>(_: T.Type) throws {
        let count = 8
        let curvatures: [T] = HessianFreeFixtures.curvatures(count: count, distinct: count, low: 0.1, high: 10)
        let minimum: [T] = HessianFreeFixtures.gaussian(count, seed: 3)
        let objective = LeastSquaresObjective<T>.parabola(curvatures: curvatures, minimum: minimum)
        var optimizer = try Self.undamped(T.self)
        var parameters = Vector<T>(count: count)
        let report = try optimizer.step(&parameters, objective: objective, batch: .all)

        let tolerance = T.self == Float.self ? 2e-4 : 1e-9
        #expect(TestMatrices.maxDifference(parameters, Vector(minimum)) <= tolerance)
        // On a quadratic the model is exact: ρ = 1, and the unit step passes the line search.
        #expect(Swift.abs((report.diagnostics["rho"] ?? 0) - 1) <= tolerance * 10)
        #expect(report.diagnostics["step_size"] == 1)
        #expect(report.diagnostics["chosen_iterate"] == report.diagnostics["cg_iterations"])
        // CG terminates in n iterations in exact arithmetic; allow two more for rounding (Float may stall short of 10⁻⁵).
        #expect((report.diagnostics["cg_iterations"] ?? 0) <= Double(count) + (T.self == Float.self ? 250 : 2))
    }

    @Test("one undamped step reaches the minimum of a parabola (Double)")
    func parabolaOneStepDouble() throws { try checkParabolaOneStep(Double.self) }

    @Test("one undamped step reaches the minimum of a parabola (Float)")
    func parabolaOneStepFloat() throws { try checkParabolaOneStep(Float.self) }

    func checkLinearRegressionOneStep<T: BLASScalar>(_: T.Type, preconditioned: Bool) throws {
        let objective = try HessianFreeFixtures.linearRegression(examples: 40, features: 4, outputs: 2, seed: 11, as: T.self)
        let expected = try HessianFreeFixtures.normalEquationsSolution(objective)
        var optimizer = try Self.undamped(T.self, preconditionerExponent: preconditioned ? 0.75 : nil)
        var parameters = Vector<T>(HessianFreeFixtures.gaussian(objective.parameterCount, seed: 5))
        _ = try optimizer.step(&parameters, objective: objective, batch: .all)

        let scale = expected.map(Swift.abs).max() ?? 1
        let error = zip(parameters.elements, expected).map { Swift.abs(Double($0) - $1) }.max() ?? 0
        #expect(error <= (T.self == Float.self ? 2e-3 : 1e-8) * scale, "HF step vs normal equations: \(error)")
    }

    @Test("one undamped step on linear regression equals the normal-equations solution", arguments: [false, true])
    func linearRegressionOneStep(preconditioned: Bool) throws {
        try checkLinearRegressionOneStep(Double.self, preconditioned: preconditioned)
        try checkLinearRegressionOneStep(Float.self, preconditioned: preconditioned)
    }

    @Test("a warm start from the previous solution needs fewer CG iterations on a similar second step")
    func warmStartSavesIterations() throws {
        // A step that the line search rejects leaves θ where it was, so the next step solves the
        // same system with λ raised by 3/2 — the situation where the previous solution is
        // nearly right. The model is a tenth of the true curvature (so the unit step overshoots
        // and is rejected), with 60 distinct eigenvalues in [0.01, 1], so that CG from zero
        // needs dozens of iterations.
        let count = 60
        let curvatures: [Double] = HessianFreeFixtures.curvatures(count: count, distinct: count, low: 0.1, high: 10)
        let minimum: [Double] = HessianFreeFixtures.gaussian(count, seed: 21)
        let roots = curvatures.map { $0.squareRoot() }
        let model = Matrix(diagonal: Vector(curvatures.map { $0 / 10 }))
        let objective = LeastSquaresObjective<Double>(
            parameterCount: count, residuals: { theta in Vector((0..<count).map { roots[$0] * (theta[$0] - minimum[$0]) }) },
            jacobian: { _ in Matrix(diagonal: Vector(roots)) }, hessian: { _ in model })
        func settings(warm: Bool) -> HessianFreeSettings<Double> {
            HessianFreeSettings(
                initialDamping: 1e-4, curvatureKind: .hessian, relativeTolerance: 1e-10, progressTolerance: nil,
                warmStartDecay: warm ? 0.95 : nil, backtrackingRatio: nil, lineSearch: HessianFreeLineSearch(maximumSteps: 0))
        }
        var warm = try HessianFree<Double>(settings: settings(warm: true))
        var cold = try HessianFree<Double>(settings: settings(warm: false))
        let start = Vector<Double>(count: count)
        var warmParameters = start
        var coldParameters = start
        let firstWarm = try warm.step(&warmParameters, objective: objective, batch: .all)
        let firstCold = try cold.step(&coldParameters, objective: objective, batch: .all)
        // The first steps are identical (nothing to warm-start from yet) and rejected.
        #expect(firstWarm.diagnostics["step_size"] == 0 && firstCold.diagnostics["step_size"] == 0)
        #expect(warmParameters == start && coldParameters == start)
        #expect(firstWarm.diagnostics["cg_iterations"] == firstCold.diagnostics["cg_iterations"])

        let secondWarm = try warm.step(&warmParameters, objective: objective, batch: .all)
        let secondCold = try cold.step(&coldParameters, objective: objective, batch: .all)
        #expect(Swift.abs((secondWarm.diagnostics["damping"] ?? 0) - 1.5e-4) <= 1e-18)
        let warmIterations = try #require(secondWarm.diagnostics["cg_iterations"])
        let coldIterations = try #require(secondCold.diagnostics["cg_iterations"])
        #expect(warmIterations < coldIterations - 3, "warm \(warmIterations) vs cold \(coldIterations) CG iterations")
        // Both solved the same system to the same tolerance: the same solution.
        let warmSolution = try #require(warm.previousSolution)
        let coldSolution = try #require(cold.previousSolution)
        #expect(TestMatrices.maxDifference(warmSolution, coldSolution) <= 1e-8 * coldSolution.maxMagnitude)
    }

    @Test("backtracking picks the stored CG iterate with the lowest objective when later ones are worse")
    func backtrackingPicksBestIterate() throws {
        // The true objective is the parabola ½Σaᵢ(θᵢ − cᵢ)², but the "Hessian" handed to CG is a
        // tenth of the true one: the model is too flat, CG's later iterates run towards ten
        // times the Newton step and overshoot, so J rises again along the CG path.
        let count = 12
        let curvatures: [Double] = HessianFreeFixtures.curvatures(count: count, distinct: count, low: 0.5, high: 5)
        let minimum: [Double] = HessianFreeFixtures.gaussian(count, seed: 8)
        let roots = curvatures.map { $0.squareRoot() }
        let modelCurvature = Matrix(diagonal: Vector(curvatures.map { $0 / 10 }))
        let objective = LeastSquaresObjective<Double>(
            parameterCount: count, residuals: { theta in Vector((0..<count).map { roots[$0] * (theta[$0] - minimum[$0]) }) },
            jacobian: { _ in Matrix(diagonal: Vector(roots)) }, hessian: { _ in modelCurvature })
        var optimizer = try HessianFree<Double>(
            settings: HessianFreeSettings(
                initialDamping: 0, dampingAdaptation: nil, curvatureKind: .hessian, progressTolerance: nil, lineSearch: nil))
        let start = Vector<Double>(count: count)
        var parameters = start
        let report = try optimizer.step(&parameters, objective: objective, batch: .all)

        // The CG run HF makes, repeated here: same system, same stored iterates.
        let gradient = try objective.evaluate(at: start, batch: .all).gradient
        let run = try ConjugateGradient.solve(
            -gradient, options: ConjugateGradientOptions(relativeTolerance: 1e-10, maximumIterations: 250, storedIterates: .geometric(ratio: 1.3))
        ) { modelCurvature * $0 }
        let values = try run.iterates.map { try objective.loss(at: start + $0.point, batch: .all) }
        let best = try #require(values.indices.min { values[$0] < values[$1] })
        #expect(best < values.count - 1, "the construction must make the last iterate worse than an earlier one")
        #expect(values.last! > values[best])
        #expect(report.diagnostics["chosen_iterate"] == Double(run.iterates[best].iteration))
        #expect(TestMatrices.maxDifference(parameters, start + run.iterates[best].point) <= 1e-12)
        #expect(Swift.abs((report.diagnostics["loss_after"] ?? .nan) - values[best]) <= 1e-12)
    }

    @Test("without backtracking the final CG iterate is taken")
    func noBacktrackingTakesFinalIterate() throws {
        let count = 6
        let curvatures: [Double] = HessianFreeFixtures.curvatures(count: count, distinct: count, low: 0.5, high: 5)
        let minimum: [Double] = HessianFreeFixtures.gaussian(count, seed: 9)
        let objective = LeastSquaresObjective<Double>.parabola(curvatures: curvatures, minimum: minimum)
        var optimizer = try HessianFree<Double>(
            settings: HessianFreeSettings(initialDamping: 0.5, dampingAdaptation: nil, progressTolerance: nil, backtrackingRatio: nil, lineSearch: nil))
        var parameters = Vector<Double>(count: count)
        let report = try optimizer.step(&parameters, objective: objective, batch: .all)
        // (A + λI)Δ = −g solved exactly from θ = 0, where g = −a⊙c: Δᵢ = aᵢcᵢ/(aᵢ + λ).
        let expected = Vector((0..<count).map { curvatures[$0] * minimum[$0] / (curvatures[$0] + 0.5) })
        #expect(TestMatrices.maxDifference(parameters, expected) <= 1e-10)
        #expect(report.diagnostics["chosen_iterate"] == report.diagnostics["cg_iterations"])
    }
}
