import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGTestSupport
import Testing

/// Hessian-free damping: the Levenberg–Marquardt rule, the reduction ratio ρ against a direct
/// computation, non-positive curvature, the line search, and invalid settings.
@Suite("HessianFree: damping, curvature and settings")
struct HessianFreeDampingTests {
    @Test("the Levenberg–Marquardt rule raises λ for small ρ, lowers it for large ρ, keeps it between")
    func levenbergMarquardtRule() {
        let rule = LevenbergMarquardtRule<Double>()
        #expect(rule.adapted(2, rho: 0.1) == 3)
        #expect(rule.adapted(2, rho: -5) == 3)
        #expect(rule.adapted(2, rho: .nan) == 3)
        #expect(rule.adapted(3, rho: 0.9) == 2)
        #expect(rule.adapted(2, rho: 0.5) == 2)
        #expect(rule.adapted(2, rho: 0.25) == 2)
        #expect(rule.adapted(2, rho: 0.75) == 2)
        let clamped = LevenbergMarquardtRule<Double>(minimumDamping: 1, maximumDamping: 4)
        #expect(clamped.adapted(1.2, rho: 0.9) == 1)
        #expect(clamped.adapted(3, rho: 0) == 4)
    }

    /// A parabola ½Σaᵢ(θᵢ − cᵢ)² whose `.hessian` is `modelScale`·diag(a) — exact for 1, a
    /// model that is too flat for values below 1.
    static func parabola(count: Int, modelScale: Double, seed: UInt64) -> (LeastSquaresObjective<Double>, model: Matrix<Double>) {
        let curvatures: [Double] = HessianFreeFixtures.curvatures(count: count, distinct: count, low: 0.5, high: 5)
        let minimum: [Double] = HessianFreeFixtures.gaussian(count, seed: seed)
        let roots = curvatures.map { $0.squareRoot() }
        let model = Matrix(diagonal: Vector(curvatures.map { $0 * modelScale }))
        let objective = LeastSquaresObjective<Double>(
            parameterCount: count, residuals: { theta in Vector((0..<count).map { roots[$0] * (theta[$0] - minimum[$0]) }) },
            jacobian: { _ in Matrix(diagonal: Vector(roots)) }, hessian: { _ in model })
        return (objective, model)
    }

    /// ρ = (J(θ + Δ) − J(θ)) / (gᵀΔ + ½ΔᵀBΔ) computed directly from the step taken.
    static func reductionRatio(_ objective: LeastSquaresObjective<Double>, model: Matrix<Double>, from start: Vector<Double>, to end: Vector<Double>) throws -> Double {
        let step = end - start
        let gradient = try objective.evaluate(at: start, batch: .all).gradient
        let predicted = try gradient.dot(step) + (try step.dot(model * step)) / 2
        return (try objective.loss(at: end, batch: .all) - objective.loss(at: start, batch: .all)) / predicted
    }

    @Test("λ shrinks by 2/3 when the model is exact (ρ = 1)")
    func dampingLoweredWhenModelIsGood() throws {
        let (objective, model) = Self.parabola(count: 6, modelScale: 1, seed: 1)
        var optimizer = try HessianFree<Double>(settings: HessianFreeSettings(initialDamping: 1, curvatureKind: .hessian))
        let start = Vector<Double>(count: 6)
        var parameters = start
        let report = try optimizer.step(&parameters, objective: objective, batch: .all)
        let rho = try #require(report.diagnostics["rho"])
        #expect(Swift.abs(rho - 1) <= 1e-10)
        #expect(Swift.abs(rho - (try Self.reductionRatio(objective, model: model, from: start, to: parameters))) <= 1e-10)
        #expect(report.diagnostics["damping"] == 1)
        #expect(Swift.abs(optimizer.damping - 2.0 / 3) <= 1e-15)
    }

    @Test("λ grows by 3/2 when the model is poor (ρ < 1/4), and ρ matches a direct computation")
    func dampingRaisedWhenModelIsPoor() throws {
        // The model's curvature is a tenth of the truth: the step is ~10× too long, J rises.
        let (objective, model) = Self.parabola(count: 6, modelScale: 0.1, seed: 2)
        var optimizer = try HessianFree<Double>(
            settings: HessianFreeSettings(initialDamping: 1e-3, curvatureKind: .hessian, backtrackingRatio: nil, lineSearch: nil))
        let start = Vector<Double>(count: 6)
        var parameters = start
        let report = try optimizer.step(&parameters, objective: objective, batch: .all)
        let rho = try #require(report.diagnostics["rho"])
        #expect(rho < 0.25)
        #expect(Swift.abs(rho - (try Self.reductionRatio(objective, model: model, from: start, to: parameters))) <= 1e-8)
        #expect(Swift.abs(optimizer.damping - 1.5e-3) <= 1e-15)
    }

    @Test("over several steps on a poor model λ keeps growing until steps are accepted")
    func dampingAdaptsOverSteps() throws {
        let (objective, _) = Self.parabola(count: 6, modelScale: 0.1, seed: 3)
        var optimizer = try HessianFree<Double>(
            settings: HessianFreeSettings(initialDamping: 1e-3, curvatureKind: .hessian, backtrackingRatio: nil))
        var parameters = Vector<Double>(count: 6)
        let initial = try objective.loss(at: parameters, batch: .all)
        var dampings = [Double]()
        for _ in 0..<30 {
            let report = try optimizer.step(&parameters, objective: objective, batch: .all)
            dampings.append(try #require(report.diagnostics["damping"]))
        }
        #expect(dampings.max()! > 1e-1, "λ must grow past the model's curvature deficit")
        #expect(try objective.loss(at: parameters, batch: .all) < 1e-3 * initial)
    }

    @Test("an indefinite Hessian: CG stops on non-positive curvature, λ is raised, the loss still falls")
    func nonPositiveCurvatureRaisesDamping() throws {
        // The "Hessian" is −diag(a): every direction has negative curvature, so λ = 0 fails at
        // once and the step must raise λ above max(a) before CG can make progress.
        let count = 5
        let curvatures: [Double] = HessianFreeFixtures.curvatures(count: count, distinct: count, low: 0.5, high: 5)
        let minimum: [Double] = HessianFreeFixtures.gaussian(count, seed: 4)
        let roots = curvatures.map { $0.squareRoot() }
        let negative = Matrix(diagonal: Vector(curvatures.map { -$0 }))
        let objective = LeastSquaresObjective<Double>(
            parameterCount: count, residuals: { theta in Vector((0..<count).map { roots[$0] * (theta[$0] - minimum[$0]) }) },
            jacobian: { _ in Matrix(diagonal: Vector(roots)) }, hessian: { _ in negative })
        var optimizer = try HessianFree<Double>(settings: HessianFreeSettings(initialDamping: 0, curvatureKind: .hessian))
        var parameters = Vector<Double>(count: count)
        let before = try objective.loss(at: parameters, batch: .all)
        let report = try optimizer.step(&parameters, objective: objective, batch: .all)
        #expect(report.diagnostics["nonpositive_curvature"] == 1)
        #expect((report.diagnostics["curvature_retries"] ?? 0) >= 1)
        #expect((report.diagnostics["damping"] ?? 0) > 0)
        #expect(parameters.isFinite)
        #expect(try objective.loss(at: parameters, batch: .all) < before)
    }

    @Test("with the Gauss–Newton matrix on a tanh network no non-positive curvature occurs")
    func gaussNewtonIsPositive() throws {
        let (objective, start) = try HessianFreeFixtures.blobClassifier(seed: 5, as: Double.self)
        var optimizer = try HessianFree<Double>(settings: HessianFreeSettings(initialDamping: 1e-2))
        var parameters = start
        for _ in 0..<3 {
            let report = try optimizer.step(&parameters, objective: objective, batch: .all)
            #expect(report.diagnostics["nonpositive_curvature"] == 0)
        }
    }

    @Test("the Armijo line search shortens a step that overshoots")
    func lineSearchShortensOvershoot() throws {
        let (objective, _) = Self.parabola(count: 6, modelScale: 0.1, seed: 6)
        var optimizer = try HessianFree<Double>(
            settings: HessianFreeSettings(initialDamping: 0, dampingAdaptation: nil, curvatureKind: .hessian, backtrackingRatio: nil))
        var parameters = Vector<Double>(count: 6)
        let report = try optimizer.step(&parameters, objective: objective, batch: .all)
        let stepSize = try #require(report.diagnostics["step_size"])
        // The unit step (10× Newton) raises J by 81×; α ≤ 0.2 is needed just to lower it.
        #expect(stepSize > 0 && stepSize < 0.2)
        #expect(try objective.loss(at: parameters, batch: .all) < report.loss)
    }

    @Test("invalid settings and inputs throw")
    func invalidSettingsThrow() throws {
        #expect(throws: OptimizerError.self) { try HessianFree<Double>(settings: HessianFreeSettings(initialDamping: -1)) }
        #expect(throws: OptimizerError.self) { try HessianFree<Double>(settings: HessianFreeSettings(curvatureBatchFraction: 0)) }
        #expect(throws: OptimizerError.self) { try HessianFree<Double>(settings: HessianFreeSettings(warmStartDecay: 1.5)) }
        #expect(throws: OptimizerError.self) { try HessianFree<Double>(settings: HessianFreeSettings(backtrackingRatio: 1)) }
        #expect(throws: OptimizerError.self) { try HessianFree<Double>(settings: HessianFreeSettings(maximumIterations: 0)) }
        #expect(throws: OptimizerError.self) {
            try HessianFree<Double>(settings: HessianFreeSettings(dampingAdaptation: LevenbergMarquardtRule(increaseFactor: 0.5)))
        }
        #expect(throws: OptimizerError.self) {
            try HessianFree<Double>(settings: HessianFreeSettings(lineSearch: HessianFreeLineSearch(shrinkFactor: 1)))
        }
        var optimizer = try HessianFree<Double>()
        var wrongLength = Vector<Double>(count: 3)
        #expect(throws: OptimizerError.self) {
            try optimizer.step(&wrongLength, objective: LeastSquaresObjective<Double>.rosenbrock, batch: .all)
        }
    }
}
