import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGTestSupport
import Testing

@Suite("NaturalGradientDescent: damping adaptation and convergence")
struct NaturalGradientDescentDampingTests {
    /// F̃ = I on a parabola of curvature 100 overshoots: the model predicts a decrease, the
    /// objective rises, ρ < 0, and λ is raised by 1/ω.
    @Test func overshootRaisesDamping() throws {
        let parabola = LeastSquaresObjective<Double>.parabola(curvatures: [100, 100], minimum: [0, 0])
        let initial = 1e-3
        var ngd = try NaturalGradientDescent(
            approximation: IdentityApproximation<Double>(),
            settings: NaturalGradientDescentSettings(learningRate: 1, damping: initial, dampingAdaptation: LevenbergMarquardtDamping(interval: 1)))
        var theta = Vector<Double>([1, 1])
        let report = try ngd.step(&theta, objective: parabola, batch: .all)
        // By hand: g = (100, 100), Δ = −g/(1 + λ), J = 50·Σθ², q(Δ) − q(0) = gᵀΔ + ½ΔᵀΔ.
        let step = 100 / (1 + initial)
        let actual = 100 * (1 - step) * (1 - step) - 100
        let predicted = -2 * 100 * step + step * step
        let rho = try #require(report.diagnostics["rho"])
        #expect(abs(rho - actual / predicted) < 1e-12 * abs(actual / predicted))
        #expect(rho < 0.25)
        #expect(abs(ngd.state.damping - initial / 0.95) < 1e-18)
        #expect(report.diagnostics["damping"] == ngd.state.damping)
    }

    /// With the exact Fisher of a quadratic the undamped model is exact: ρ = 1 and λ is lowered
    /// by ω = (19/20)^T₃ every T₃ steps, and left alone in between.
    @Test func exactModelLowersDamping() throws {
        let parabola = LeastSquaresObjective<Double>.parabola(curvatures: [1, 4, 9], minimum: [1, 2, 3])
        var ngd = try NaturalGradientDescent(
            approximation: ExactCurvatureApproximation<Double>(source: .exact),
            settings: NaturalGradientDescentSettings(learningRate: 1, damping: 0.5, dampingAdaptation: LevenbergMarquardtDamping(interval: 5)))
        var theta = Vector<Double>([-3, -3, -3])
        for step in 0..<4 {
            let report = try ngd.step(&theta, objective: parabola, batch: .all)
            #expect(report.diagnostics["rho"] == nil, "step \(step)")
            #expect(report.diagnostics["damping"] == 0.5)
        }
        let report = try ngd.step(&theta, objective: parabola, batch: .all)
        let rho = try #require(report.diagnostics["rho"])
        #expect(abs(rho - 1) < 1e-10)
        #expect(abs(ngd.state.damping - 0.5 * Double.pow(0.95, 5)) < 1e-15)
    }

    /// The damped model predicts less decrease, so ρ = actual / (actual + ½λ‖Δ‖²) > 1 on a quadratic.
    @Test func dampedModelRatio() throws {
        let a = [1.0, 4, 9], c = [1.0, 2, 3], lambda = 0.5
        let parabola = LeastSquaresObjective<Double>.parabola(curvatures: a, minimum: c)
        var ngd = try NaturalGradientDescent(
            approximation: ExactCurvatureApproximation<Double>(source: .exact),
            settings: NaturalGradientDescentSettings(
                learningRate: 1, damping: lambda, dampingAdaptation: LevenbergMarquardtDamping(interval: 1, quadraticModel: .damped)))
        var theta = Vector<Double>([0, 0, 0])
        let report = try ngd.step(&theta, objective: parabola, batch: .all)
        var actual = 0.0, predicted = 0.0
        for i in 0..<3 {
            let g = -a[i] * c[i], delta = -g / (a[i] + lambda)
            actual += g * delta + a[i] * delta * delta / 2
            predicted += g * delta + (a[i] + lambda) * delta * delta / 2
        }
        let rho = try #require(report.diagnostics["rho"])
        #expect(abs(rho - actual / predicted) < 1e-12)
        #expect(rho > 1)
    }

    /// A step out of the objective's domain (J = ∞) raises λ without storing a ρ.
    @Test func infiniteTrialLossRaisesDamping() throws {
        let objective = LeastSquaresObjective<Double>(
            parameterCount: 1, residuals: { t in Vector([abs(t[0]) > 2 ? .infinity : t[0]]) }, jacobian: { _ in Matrix(diagonal: Vector([1])) })
        var ngd = try NaturalGradientDescent(
            approximation: IdentityApproximation<Double>(),
            settings: NaturalGradientDescentSettings(learningRate: 5, damping: 0.01, dampingAdaptation: LevenbergMarquardtDamping(interval: 1)))
        var theta = Vector<Double>([1])
        let report = try ngd.step(&theta, objective: objective, batch: .all)
        #expect(report.diagnostics["rho"] == nil)
        #expect(ngd.state.rho == nil)
        #expect(abs(ngd.state.damping - 0.01 / 0.95) < 1e-15)
    }

    /// An adapted λ reaches the approximation at the next scheduled inverse update.
    @Test func adaptedDampingReachesTheNextInverse() throws {
        let parabola = LeastSquaresObjective<Double>.parabola(curvatures: [1, 4, 9], minimum: [1, 2, 3])
        var ngd = try NaturalGradientDescent(
            approximation: NaturalGradientDescentCountingApproximation(base: try ExactCurvatureApproximation<Double>(source: .exact)),
            settings: NaturalGradientDescentSettings(
                learningRate: 0.5, damping: 1, inverseUpdateInterval: 2, dampingAdaptation: LevenbergMarquardtDamping(interval: 1)))
        var theta = Vector<Double>([-3, -3, -3])
        for _ in 0..<6 { _ = try ngd.step(&theta, objective: parabola, batch: .all) }
        let omega = 0.95
        let expected = [1, omega * omega, Double.pow(omega, 4)]
        #expect(ngd.approximation.inverseDampings.count == 3)
        for (x, y) in zip(ngd.approximation.inverseDampings, expected) { #expect(abs(x - y) < 1e-14) }
    }

    // MARK: Convergence (the optimizer table has NGD rows as well)

    /// Gauss-Newton NGD with LM damping reaches Rosenbrock's minimum from (−1.2, 1).
    @Test(arguments: ["exact", "matrix-free", "block-diagonal", "clipped-hessian"])
    func rosenbrockConverges(approximation: String) throws {
        let rosenbrock = LeastSquaresObjective<Double>.rosenbrock
        let settings = NaturalGradientDescentSettings<Double>(
            learningRate: 1, damping: 1e-3, curvatureDecay: 0, dampingAdaptation: LevenbergMarquardtDamping(interval: 1))
        var optimizer: any Optimizer<Double>
        switch approximation {
        case "exact": optimizer = try NaturalGradientDescent(approximation: ExactCurvatureApproximation<Double>(source: .ggn), settings: settings)
        case "matrix-free": optimizer = try NaturalGradientDescent(approximation: MatrixFreeCurvatureApproximation<Double>(source: .ggn), settings: settings)
        case "block-diagonal": optimizer = try NaturalGradientDescent(approximation: BlockDiagonalApproximation<Double>(source: .ggn), settings: settings)
        default: optimizer = try NaturalGradientDescent(approximation: EigenvalueClippingApproximation<Double>(source: .hessian, floor: 1e-3), settings: settings)
        }
        var theta = Vector<Double>([-1.2, 1])
        var steps = 0
        while steps < 100, (theta - Vector([1, 1])).norm > 1e-10 {
            _ = try optimizer.step(&theta, objective: rosenbrock, batch: .all)
            steps += 1
        }
        #expect((theta - Vector([1, 1])).norm < 1e-10, "\(approximation): \(theta) after \(steps) steps")
    }

    /// A diagonal (exact for a separable parabola) preconditioner solves the parabola in one step;
    /// a truncated Neumann series converges geometrically.
    @Test func parabolaWithStructuredApproximations() throws {
        let parabola = LeastSquaresObjective<Double>.parabola(curvatures: [1, 10, 100], minimum: [1, -1, 2])
        let settings = NaturalGradientDescentSettings<Double>(learningRate: 1, damping: 0, curvatureDecay: 0)
        var diagonal = try NaturalGradientDescent(approximation: DiagonalApproximation<Double>(source: .ggn), settings: settings)
        var theta = Vector<Double>([0, 0, 0])
        _ = try diagonal.step(&theta, objective: parabola, batch: .all)
        #expect(TestMatrices.maxDifference(theta, Vector([1, -1, 2])) < 1e-14)

        var neumann = try NaturalGradientDescent(
            approximation: NeumannSeriesApproximation(order: 20, base: try ExactCurvatureApproximation<Double>(source: .ggn)),
            settings: NaturalGradientDescentSettings(learningRate: 1, damping: 1e-6, curvatureDecay: 0))
        theta = Vector([0, 0, 0])
        var steps = 0
        while steps < 500, try parabola.loss(at: theta, batch: .all) > 1e-10 {
            _ = try neumann.step(&theta, objective: parabola, batch: .all)
            steps += 1
        }
        #expect(try parabola.loss(at: theta, batch: .all) < 1e-10, "Neumann NGD after \(steps) steps")
    }
}
