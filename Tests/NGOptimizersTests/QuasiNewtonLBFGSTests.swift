import NGLinearAlgebra
import NGOptimizers
import NGTestSupport
import Testing

/// L-BFGS: the two-loop recursion against the dense BFGS update, the curvature-pair test, and
/// the optimizer's behaviour (first step, determinism, evaluation reuse, failures).
@Suite("QuasiNewton L-BFGS")
struct QuasiNewtonLBFGSTests {
    /// H after the BFGS updates H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ from H₀ = γI (γ = sᵀy/yᵀy of the
    /// last pair), written with dense loops (Nocedal & Wright eq. 6.17 / 7.19).
    static func denseBFGS(_ pairs: [(s: [Double], y: [Double])]) -> [[Double]] {
        let n = pairs[0].s.count
        let last = pairs[pairs.count - 1]
        let gamma = zip(last.s, last.y).map(*).reduce(0, +) / last.y.map { $0 * $0 }.reduce(0, +)
        var h = (0..<n).map { i in (0..<n).map { i == $0 ? gamma : 0 } }
        for (s, y) in pairs {
            let rho = 1 / zip(s, y).map(*).reduce(0, +)
            // V = I − ρ·y·sᵀ;  H ← Vᵀ·H·V + ρ·s·sᵀ.
            let v = (0..<n).map { i in (0..<n).map { j in (i == j ? 1 : 0) - rho * y[i] * s[j] } }
            let hv = (0..<n).map { i in (0..<n).map { j in (0..<n).reduce(0) { $0 + h[i][$1] * v[$1][j] } } }
            h = (0..<n).map { i in (0..<n).map { j in (0..<n).reduce(0) { $0 + v[$1][i] * hv[$1][j] } + rho * s[i] * s[j] } }
        }
        return h
    }

    /// Pairs from a quadratic with SPD Hessian A (y = A·s, so sᵀy > 0).
    static func pairs(count: Int, dimension n: Int = 5, seed: UInt64 = 3) -> [(s: [Double], y: [Double])] {
        let a: Matrix<Double> = TestMatrices.spd(n, conditionNumber: 50, seed: seed)
        return (0..<count).map { k in
            let s = TestMatrices.gaussianVector(n, seed: seed &+ 10 &+ UInt64(k), as: Double.self).elements
            let y = (0..<n).map { i in (0..<n).reduce(0) { $0 + a[i, $1] * s[$1] } }
            return (s, y)
        }
    }

    /// The two-loop recursion equals the dense BFGS matrix built from the last m pairs, for
    /// memories holding all the pairs and fewer; and it satisfies the secant equation H·y = s for
    /// the newest pair.
    @Test(arguments: [(3, 10), (5, 3), (8, 3), (1, 1)])
    func twoLoopMatchesDenseBFGS(pairCount: Int, capacity: Int) throws {
        let pairs = Self.pairs(count: pairCount)
        var memory = try LBFGSMemory<Double>(capacity: capacity, curvatureThreshold: 1e-8)
        for pair in pairs { #expect(try memory.append(step: Vector(pair.s), gradientChange: Vector(pair.y))) }
        let kept = Array(pairs.suffix(capacity))
        #expect(memory.pairs.count == kept.count)
        #expect(memory.pairs.map(\.step.elements) == kept.map(\.s))
        let h = Self.denseBFGS(kept)
        let v = TestMatrices.gaussianVector(5, seed: 99, as: Double.self)
        let product = try memory.inverseHessianProduct(v)
        for i in 0..<5 {
            let expected = (0..<5).reduce(0) { $0 + h[i][$1] * v[$1] }
            #expect(Swift.abs(product[i] - expected) < 1e-10 * Swift.max(1, Swift.abs(expected)), "entry \(i)")
        }
        let newest = try #require(kept.last)
        let secant = try memory.inverseHessianProduct(Vector(newest.y))
        for i in 0..<5 { #expect(Swift.abs(secant[i] - newest.s[i]) < 1e-10 * Swift.max(1, Swift.abs(newest.s[i]))) }
    }

    /// Pairs with sᵀy ≤ ε‖s‖‖y‖ are skipped (negative curvature, near-orthogonal, non-finite).
    @Test func curvatureTestSkipsBadPairs() throws {
        var memory = try LBFGSMemory<Double>(capacity: 4, curvatureThreshold: 1e-3)
        #expect(!(try memory.append(step: [1, 0], gradientChange: [-1, 0])))           // sᵀy < 0
        #expect(!(try memory.append(step: [1, 0], gradientChange: [1e-4, 1])))          // sᵀy = 10⁻⁴ ≤ 10⁻³·‖s‖‖y‖
        #expect(!(try memory.append(step: [1, 0], gradientChange: [.nan, 1])))
        #expect(!(try memory.append(step: [0, 0], gradientChange: [0, 0])))
        #expect(memory.pairs.isEmpty)
        #expect(try memory.append(step: [1, 0], gradientChange: [2e-3, 1]))             // sᵀy = 2·10⁻³ > 10⁻³·1.000002
        #expect(memory.pairs.count == 1)
        #expect(throws: OptimizerError.self) { try memory.append(step: [1, 0, 0], gradientChange: [1, 0, 0]) }
        #expect(throws: OptimizerError.self) { try memory.inverseHessianProduct([1, 2, 3]) }
        // With no pairs, H = I.
        memory.removeAll()
        #expect(try memory.inverseHessianProduct([1, -2]) == [1, -2])
    }

    /// The first step goes along −∇J with the trial α = min(1, 1/‖g‖), a step of length ≤ 1,
    /// and satisfies the strong Wolfe conditions.
    @Test func firstStepIsScaledSteepestDescent() throws {
        let objective = SmoothFunctionObjective.rosenbrock
        var optimizer = try LBFGS<Double>()
        var theta: Vector<Double> = [-1.2, 1]
        let start = theta
        let gradient = objective.gradient(start.elements)
        let report = try optimizer.step(&theta, objective: objective, batch: .all)
        let move = theta - start
        let gradientVector = Vector(gradient)
        let cosine: Double = try move.dot(gradientVector) / (move.norm * gradientVector.norm)
        #expect(Swift.abs(cosine + 1) < 1e-12)
        #expect(report.diagnostics["strong_wolfe"] == 1)
        #expect(report.loss == objective.value(start.elements))
        #expect(objective.value(theta.elements) < objective.value(start.elements))
        #expect(report.diagnostics["memory"] == 1)
    }

    /// On full batch the optimizer is deterministic, and a step whose first trial is accepted
    /// costs exactly the line search's evaluations: the accepted point's gradient is reused.
    @Test func deterministicAndReusesEvaluations() throws {
        func run() throws -> (Vector<Double>, evaluations: Int, lineSearch: Int, losses: Int) {
            let objective = SmoothFunctionObjective.rosenbrock
            var optimizer = try LBFGS<Double>()
            var theta: Vector<Double> = [-1.2, 1]
            var lineSearch = 0
            for _ in 0..<30 {
                let report = try optimizer.step(&theta, objective: objective, batch: .all)
                lineSearch += Int(report.diagnostics["line_search_evaluations"] ?? 0)
            }
            return (theta, objective.counter.evaluations, lineSearch, objective.counter.losses)
        }
        let first = try run()
        let second = try run()
        #expect(first.0 == second.0)
        // One evaluation at the start; every other evaluation is a line-search trial.
        #expect(first.evaluations == first.lineSearch + 1)
        #expect(first.losses == 0)
    }

    /// On a quadratic in 6-D with condition number 10³, L-BFGS reaches J ≤ 10⁻¹⁸ (from J ≈ 10³)
    /// within 60 steps. Without exact line searches there is no finite termination; SciPy's
    /// L-BFGS-B (m = 10) needs 25–30 iterations for 10⁻¹¹ and about 45 for 10⁻²⁰ on such problems.
    @Test func convergesOnAQuadratic() throws {
        let a: Matrix<Double> = TestMatrices.spd(6, conditionNumber: 1e3, seed: 5)
        let minimum = [1.0, -1, 2, 0, 0.5, -3]
        let objective = SmoothFunctionObjective.quadratic(a, minimum: minimum)
        var optimizer = try LBFGS<Double>(settings: LBFGSSettings(memory: 10))
        var theta = Vector<Double>(count: 6)
        var steps = 0
        while steps < 60, objective.value(theta.elements) > 1e-18 {
            _ = try optimizer.step(&theta, objective: objective, batch: .all)
            steps += 1
        }
        #expect(objective.value(theta.elements) <= 1e-18, "loss \(objective.value(theta.elements)) after \(steps) steps")
    }

    /// At the minimum (zero gradient) a step does nothing; a non-finite start is an error.
    @Test func stationaryAndNonFinitePoints() throws {
        var optimizer = try LBFGS<Double>()
        var theta: Vector<Double> = [1, 1]
        let report = try optimizer.step(&theta, objective: SmoothFunctionObjective.rosenbrock, batch: .all)
        #expect(theta == [1, 1] && report.loss == 0 && report.diagnostics["step_size"] == 0)
        var bad: Vector<Double> = [.nan, 1]
        #expect(throws: OptimizerError.self) { try optimizer.step(&bad, objective: SmoothFunctionObjective.rosenbrock, batch: .all) }
        #expect(throws: OptimizerError.self) { try LBFGSSettings<Double>(memory: 0) }
        #expect(throws: OptimizerError.self) { try LBFGSSettings<Double>(curvatureThreshold: -1) }
    }

    /// L-BFGS works in Float: on the 5-D parabola it reaches the precision's floor.
    @Test func floatParabola() throws {
        let objective = LeastSquaresObjective<Float>.parabola(
            curvatures: OptimizerTable.curvatures.map { Float($0) }, minimum: OptimizerTable.parabolaMinimum.map { Float($0) })
        var optimizer = try LBFGS<Float>()
        var theta = Vector<Float>(count: 5)
        for _ in 0..<40 { _ = try optimizer.step(&theta, objective: objective, batch: .all) }
        #expect(try objective.loss(at: theta, batch: .all) < 1e-6)
    }
}
