import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGTestSupport
import Testing

/// Damped Newton (Levenberg–Marquardt): the step against −(H + λI)⁻¹g written out, one-step
/// convergence on quadratics, the damping rule, indefinite Hessians, and logistic regression
/// against a direct Newton solve of the GLM.
@Suite("Newton")
struct NewtonTests {
    /// With λ₀ = 0 one step on a quadratic ½(θ − c)ᵀA(θ − c) lands on c (A a dense SPD matrix).
    @Test func oneStepOnAQuadratic() throws {
        let a: Matrix<Double> = TestMatrices.spd(6, conditionNumber: 1e4, seed: 7)
        let minimum = [1.0, -1, 2, 0, 0.5, -3]
        let objective = SmoothFunctionObjective.quadratic(a, minimum: minimum)
        var optimizer = try Newton<Double>(settings: NewtonSettings(initialDamping: 0))
        var theta = Vector<Double>(count: 6)
        let report = try optimizer.step(&theta, objective: objective, batch: .all)
        #expect(TestMatrices.maxDifference(theta, Vector(minimum)) < 1e-9)
        // The quadratic model is exact: ρ = 1, so λ shrinks (0 stays 0).
        #expect(Swift.abs((report.diagnostics["rho"] ?? 0) - 1) < 1e-9)
        #expect(report.diagnostics["attempts"] == 1 && optimizer.damping == 0)
    }

    /// One damped step on Rosenbrock from (−1.2, 1) is θ − (H + λI)⁻¹∇J with the 2×2 inverse
    /// written out: 1/det·[[d + λ, −b], [−b, a + λ]].
    @Test func dampedStepMatchesTheFormula() throws {
        let lambda = 0.5
        let (x, y) = (-1.2, 1.0)
        let r = 10 * (y - x * x)
        let g = [-(1 - x) - 20 * x * r, 10 * r]
        let (a, b, d) = (1 + 400 * x * x - 20 * r, -200 * x, 100.0)
        let det = (a + lambda) * (d + lambda) - b * b
        let delta = [-((d + lambda) * g[0] - b * g[1]) / det, -(-b * g[0] + (a + lambda) * g[1]) / det]
        var optimizer = try Newton<Double>(settings: NewtonSettings(initialDamping: lambda))
        var theta: Vector<Double> = [x, y]
        let report = try optimizer.step(&theta, objective: LeastSquaresObjective<Double>.rosenbrock, batch: .all)
        #expect(Swift.abs(theta[0] - (x + delta[0])) < 1e-12 && Swift.abs(theta[1] - (y + delta[1])) < 1e-12)
        #expect(report.diagnostics["damping"] == lambda && report.diagnostics["attempts"] == 1)
        // ρ by its definition, from the explicit quadratic model.
        let rosenbrock = { (p: [Double]) in ((1 - p[0]) * (1 - p[0]) + 100 * (p[1] - p[0] * p[0]) * (p[1] - p[0] * p[0])) / 2 }
        let predicted = g[0] * delta[0] + g[1] * delta[1]
            + (a * delta[0] * delta[0] + 2 * b * delta[0] * delta[1] + d * delta[1] * delta[1]) / 2
        let rho = (rosenbrock([x + delta[0], y + delta[1]]) - rosenbrock([x, y])) / predicted
        #expect(Swift.abs((report.diagnostics["rho"] ?? 0) - rho) < 1e-10)
    }

    /// An indefinite Hessian (Rosenbrock at (0, 1): eigenvalues −199 and 100) makes the first
    /// factorizations fail; λ rises until H + λI is positive definite, and the step decreases J.
    @Test func indefiniteHessianRaisesDamping() throws {
        var optimizer = try Newton<Double>(settings: NewtonSettings(initialDamping: 1e-3))
        var theta: Vector<Double> = [0, 1]
        let objective = SmoothFunctionObjective.rosenbrock
        let report = try optimizer.step(&theta, objective: objective, batch: .all)
        #expect((report.diagnostics["damping"] ?? 0) > 199)
        #expect((report.diagnostics["rejected"] ?? 0) >= 1)
        #expect(report.diagnostics["step_rejected"] == 0)
        #expect(objective.value(theta.elements) < objective.value([0, 1]))
    }

    /// The Levenberg–Marquardt rule on runs that see both regimes: after every accepted step
    /// λ_next = 3/2·λ when ρ < 1/4, 2/3·λ when ρ > 3/4, λ otherwise; J never increases; both
    /// the raising and the lowering branch occur. On the pseudo-Huber function Newton overshoots
    /// from |θ| > 1 (small ρ); on Rosenbrock from λ₀ = 1 the second step has ρ ≈ 0.02 (computed
    /// independently with NumPy), and the model is good near the valley (large ρ).
    @Test(arguments: ["pseudo-Huber", "Rosenbrock"])
    func dampingFollowsTheReductionRatio(problem: String) throws {
        let (objective, start, initialDamping): (SmoothFunctionObjective, [Double], Double) =
            problem == "Rosenbrock" ? (.rosenbrock, [-1.2, 1], 1) : (.pseudoHuber, [5], 1e-2)
        var optimizer = try Newton<Double>(settings: NewtonSettings(initialDamping: initialDamping))
        var theta = Vector(start)
        var (raised, lowered) = (0, 0)
        var previous = objective.value(start)
        for _ in 0..<100 {
            let report = try optimizer.step(&theta, objective: objective, batch: .all)
            let current = objective.value(theta.elements)
            #expect(current <= previous)
            if report.diagnostics["step_rejected"] == 1 || current == 0 { break }
            previous = current
            let used = try #require(report.diagnostics["damping"])
            let rho = try #require(report.diagnostics["rho"])
            if rho < 0.25 {
                #expect(Swift.abs(Double(optimizer.damping) - 1.5 * used) <= 1e-15 * used, "ρ = \(rho)")
                raised += 1
            } else if rho > 0.75 {
                #expect(Swift.abs(Double(optimizer.damping) - used * 2 / 3) <= 1e-15 * used, "ρ = \(rho)")
                lowered += 1
            } else {
                #expect(Double(optimizer.damping) == used)
            }
            if (theta - Vector(problem == "Rosenbrock" ? [1, 1] : [0])).norm < 1e-12 { break }
        }
        #expect(raised > 0, "no step with ρ < 1/4 on \(problem)")
        #expect(lowered > 0, "no step with ρ > 3/4 on \(problem)")
    }

    /// On logistic regression with an L2 penalty on the weights, Newton with the Hessian and with
    /// the exact Fisher (equal here: canonical link) reach the optimum of a direct Newton solve
    /// written with the GLM's closed-form gradient and Hessian, to 10⁻⁹ relative.
    @Test(arguments: [CurvatureKind.hessian, .exact])
    func logisticRegressionOptimum(kind: CurvatureKind) throws {
        let (n, d, l2) = (60, 3, 0.05)
        let inputs: Matrix<Double> = TestMatrices.gaussian(n, d, seed: 11)
        var generator = SeededGenerator(seed: 12)
        let truth = [1.5, -2.0, 0.5, 0.3]
        let labels = (0..<n).map { i -> Int in
            let eta = (0..<d).reduce(truth[d]) { $0 + inputs[i, $1] * truth[$1] }
            return generator.uniform() < 1 / (1 + Double.exp(-eta)) ? 1 : 0
        }
        // The direct solve: Newton on the GLM (intercept column last, as the network's bias).
        let glm = try LogisticRegression<Double>(inputDimension: d + 1)
        let design = inputs.appendingInterceptColumn()
        var reference = Vector<Double>(count: d + 1)
        for _ in 0..<50 {
            var gradient = try glm.gradient(parameters: reference, inputs: design, targets: labels)
            var hessian = try glm.hessian(parameters: reference, inputs: design, targets: labels)
            for j in 0..<d {
                gradient[j] += l2 * reference[j]
                hessian[j, j] += l2
            }
            reference -= try Cholesky(hessian).solve(gradient)
        }
        // The network objective: a dense d → 1 layer with a Bernoulli likelihood.
        let network = try Network<Double>(inputShape: .flat(d), layers: [try Dense<Double>(inputCount: d, outputCount: 1)])
        let targets = Matrix<Double>(rows: n, columns: 1) { i, _ in Double(labels[i]) }
        let objective = try NetworkObjective(network: network, likelihood: BernoulliLikelihood<Double>(), inputs: inputs, targets: targets, l2: l2)
        var optimizer = try Newton<Double>(settings: NewtonSettings(kind: kind))
        var theta = Vector<Double>(count: d + 1)
        for _ in 0..<30 { _ = try optimizer.step(&theta, objective: objective, batch: .all) }
        let error = (theta - reference).norm / reference.norm
        #expect(error < 1e-9, "relative error \(error)")
        #expect(try objective.evaluate(at: theta, batch: .all).gradient.norm < 1e-12)
    }

    @Test func namesAndLimits() throws {
        #expect(try Newton<Double>().name == "newton")
        #expect(try Newton<Double>(settings: NewtonSettings(kind: .ggn)).name == "newton-ggn")
        var optimizer = try Newton<Double>(settings: NewtonSettings(maximumParameterCount: 1))
        var theta: Vector<Double> = [0, 0]
        #expect(throws: OptimizerError.self) { try optimizer.step(&theta, objective: LeastSquaresObjective<Double>.rosenbrock, batch: .all) }
        #expect(throws: OptimizerError.self) { try NewtonSettings<Double>(initialDamping: -1) }
        #expect(throws: OptimizerError.self) { try NewtonSettings<Double>(lowerThreshold: 0.8) }
        #expect(throws: OptimizerError.self) { try NewtonSettings<Double>(increaseFactor: 1) }
        #expect(throws: OptimizerError.self) { try NewtonSettings<Double>(decreaseFactor: 1) }
        #expect(throws: OptimizerError.self) { try NewtonSettings<Double>(maximumAttempts: 0) }
    }

    /// Float: Newton reaches Rosenbrock's minimum to the precision's floor.
    @Test func floatRosenbrock() throws {
        var optimizer = try Newton<Float>()
        var theta: Vector<Float> = [-1.2, 1]
        for _ in 0..<60 { _ = try optimizer.step(&theta, objective: LeastSquaresObjective<Float>.rosenbrock, batch: .all) }
        #expect(Swift.abs(theta[0] - 1) < 1e-3 && Swift.abs(theta[1] - 1) < 1e-3)
    }
}
