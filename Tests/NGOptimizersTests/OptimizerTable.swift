import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom

/// The optimizer table: every optimizer of the package, each with a step budget and a tolerance
/// on the shared test problems. `OptimizerTableTests` runs every row on every problem it has a
/// budget for and checks convergence, finiteness of the optimizer's state, and that the loss
/// reported is the loss at the point the step started from.
///
/// ## Adding a row
/// Append an `OptimizerTableRow` to ``OptimizerTable/rows`` (the K-FAC names here are illustrative):
///
/// ```swift
/// OptimizerTableRow(
///     name: "kfac",
///     make: { try KFAC<Double>(settings: KFACSettings(learningRate: 1, damping: 1e-3)) },
///     parabola: nil,                                              // no layers: not applicable
///     networkParabola: TableBudget(steps: 50, tolerance: 1e-8),   // loss below 1e-8
///     rosenbrock: nil),
/// ```
///
/// - `make` returns a *fresh* optimizer (each test run starts from a new one).
/// - `parabola` runs on ``OptimizerTable/parabola()`` (no layers), `networkParabola` on
///   ``OptimizerTable/linearNetworkParabola()`` (one dense layer, Gaussian likelihood: a
///   quadratic in θ with the same curvatures), `rosenbrock` on ``OptimizerTable/rosenbrock()``
///   (no layers). Set a budget to `nil` only when the optimizer cannot run on that objective
///   (e.g. K-FAC needs layers); say why in a comment.
/// - The parabola tolerances bound the *loss* (the minimum is 0): 1e-8 for second-order
///   methods; a looser bound for a first-order method must come with a comment giving the
///   reason. The Rosenbrock tolerance bounds the *distance* from (1, 1): 1e-3, or a documented
///   looser value.
/// - Budgets are a little above the steps the optimizer needs (a run stops as soon as it meets
///   its tolerance), so a regression that slows convergence fails; keep each run under a second
///   in debug builds.
/// - Optimizers must keep their state finite (the tests walk the optimizer value with `Mirror`
///   and flag any NaN or infinite Float/Double): do not store ∞ as a sentinel; use an optional.
enum OptimizerTable {
    static let rows: [OptimizerTableRow] = [
        // First-order baselines: one learning rate per row for all three problems. Rosenbrock's
        // curvature reaches ≈ 750 on the way from (−1.2, 1), so plain gradient descent needs
        // α < 2/750; the valley's floor has curvature ≈ 0.2 there, hence thousands of steps for
        // SGD, momentum and the adaptive methods (budgets ≈ 1.5× the steps measured).
        OptimizerTableRow(
            name: "sgd", make: { try FirstOrder.sgd(learningRate: 0.0025, as: Double.self) },
            parabola: TableBudget(steps: 5000, tolerance: 1e-8), networkParabola: TableBudget(steps: 5000, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 20000, tolerance: 1e-3)),
        OptimizerTableRow(
            name: "momentum", make: { try FirstOrder.momentum(learningRate: 0.002, momentum: 0.9, as: Double.self) },
            parabola: TableBudget(steps: 600, tolerance: 1e-8), networkParabola: TableBudget(steps: 600, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 2500, tolerance: 1e-3)),
        OptimizerTableRow(
            name: "nesterov", make: { try FirstOrder.momentum(learningRate: 0.002, momentum: 0.9, nesterov: true, as: Double.self) },
            parabola: TableBudget(steps: 600, tolerance: 1e-8), networkParabola: TableBudget(steps: 600, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 2500, tolerance: 1e-3)),
        OptimizerTableRow(
            name: "adam", make: { try FirstOrder.adam(learningRate: 0.03, as: Double.self) },
            parabola: TableBudget(steps: 600, tolerance: 1e-8), networkParabola: TableBudget(steps: 600, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 4000, tolerance: 1e-3)),
        // Decoupled decay moves the fixed point only to where |∇J| ≈ ε·w·|θ| (≈ 10⁻¹²).
        OptimizerTableRow(
            name: "adamw", make: { try FirstOrder.adamW(learningRate: 0.01, weightDecay: 1e-4, as: Double.self) },
            parabola: TableBudget(steps: 8000, tolerance: 1e-8), networkParabola: TableBudget(steps: 6000, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 7000, tolerance: 1e-3)),
        // With the default ρ = 0.99 and a constant α, RMSProp settles into a limit cycle on the
        // network parabola (loss ≈ 2·10⁻⁵ for α = 10⁻³, the non-convergence of constant-step
        // adaptive methods, Reddi, Kale & Kumar 2018); averaging over ≈ 1000 steps (ρ = 0.999) converges.
        OptimizerTableRow(
            name: "rmsprop", make: { try FirstOrder.rmsprop(learningRate: 1e-3, decay: 0.999, as: Double.self) },
            parabola: TableBudget(steps: 8500, tolerance: 1e-8), networkParabola: TableBudget(steps: 8500, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 16000, tolerance: 1e-3)),
        OptimizerTableRow(
            name: "adagrad", make: { try FirstOrder.adagrad(learningRate: 0.5, as: Double.self) },
            parabola: TableBudget(steps: 300, tolerance: 1e-8), networkParabola: TableBudget(steps: 300, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 13000, tolerance: 1e-3)),
        // Second-order methods with their defaults.
        OptimizerTableRow(
            name: "lbfgs", make: { try LBFGS<Double>() },
            parabola: TableBudget(steps: 30, tolerance: 1e-8), networkParabola: TableBudget(steps: 30, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 60, tolerance: 1e-3)),
        OptimizerTableRow(
            name: "newton", make: { try Newton<Double>() },
            parabola: TableBudget(steps: 5, tolerance: 1e-8), networkParabola: TableBudget(steps: 5, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 40, tolerance: 1e-3)),
        OptimizerTableRow(
            name: "gauss-newton", make: { try Newton<Double>(settings: NewtonSettings(kind: .ggn)) },
            parabola: TableBudget(steps: 5, tolerance: 1e-8), networkParabola: TableBudget(steps: 5, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 40, tolerance: 1e-3)),
        // MARK: Natural-gradient descent (NGD rows; NaturalGradient/ and Approximations/)
        // Full-batch deterministic problems: no running average (curvatureDecay 0), a small
        // initial damping with Levenberg–Marquardt adaptation every step. TONGA has no row: its
        // gradient covariance vanishes on these problems (one example for the least-squares
        // functions, zero residuals at the network parabola's minimum), leaving a λ-scaled
        // gradient step; it is tested against the explicit covariance in ApproximationTONGATests.
        OptimizerTableRow(
            name: "ngd-exact", make: { try NaturalGradientDescent(approximation: ExactCurvatureApproximation<Double>(source: .ggn), settings: ngdTableSettings) },
            parabola: TableBudget(steps: 10, tolerance: 1e-8), networkParabola: TableBudget(steps: 10, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 50, tolerance: 1e-3)),
        OptimizerTableRow(
            name: "ngd-matrix-free", make: { try NaturalGradientDescent(approximation: MatrixFreeCurvatureApproximation<Double>(source: .ggn), settings: ngdTableSettings) },
            parabola: TableBudget(steps: 10, tolerance: 1e-8), networkParabola: TableBudget(steps: 10, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 50, tolerance: 1e-3)),
        // The diagonal Gauss-Newton matrix is exact on the (separable) parabolas; on Rosenbrock it
        // ignores the coupling along the curved valley, so it moves at a first-order pace there
        // (≈ 10400 steps) and needs α = 1/2 (with α = 1 it overshoots across the valley); α = 1/2
        // halves the error per step on the parabolas (≈ 20 steps).
        OptimizerTableRow(
            name: "ngd-diagonal",
            make: {
                try NaturalGradientDescent(
                    approximation: DiagonalApproximation<Double>(source: .ggn),
                    settings: NaturalGradientDescentSettings(
                        learningRate: 0.5, damping: 1e-3, curvatureDecay: 0, dampingAdaptation: LevenbergMarquardtDamping(interval: 1)))
            },
            parabola: TableBudget(steps: 30, tolerance: 1e-8), networkParabola: TableBudget(steps: 30, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 12000, tolerance: 1e-3)),
        OptimizerTableRow(
            name: "ngd-block-diagonal", make: { try NaturalGradientDescent(approximation: BlockDiagonalApproximation<Double>(source: .ggn), settings: ngdTableSettings) },
            parabola: TableBudget(steps: 10, tolerance: 1e-8), networkParabola: TableBudget(steps: 10, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 50, tolerance: 1e-3)),
        OptimizerTableRow(
            name: "ngd-low-rank", make: { try NaturalGradientDescent(approximation: LowRankApproximation<Double>(rank: 5, source: .exact), settings: ngdTableSettings) },
            parabola: TableBudget(steps: 10, tolerance: 1e-8), networkParabola: TableBudget(steps: 10, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 50, tolerance: 1e-3)),
        OptimizerTableRow(
            // A truncated series (K = 30, c ≈ 1.05·λ_max) is only an approximate inverse: geometric
            // rather than Newton-like convergence (≈ 40 steps on the parabolas, ≈ 520 on Rosenbrock).
            name: "ngd-neumann", make: { try NaturalGradientDescent(approximation: NeumannSeriesApproximation(order: 30, base: try ExactCurvatureApproximation<Double>(source: .ggn)), settings: ngdTableSettings) },
            parabola: TableBudget(steps: 100, tolerance: 1e-8), networkParabola: TableBudget(steps: 100, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 600, tolerance: 1e-3)),
        OptimizerTableRow(
            name: "ngd-clipped-hessian", make: { try NaturalGradientDescent(approximation: EigenvalueClippingApproximation<Double>(source: .hessian, floor: 1e-3), settings: ngdTableSettings) },
            parabola: TableBudget(steps: 10, tolerance: 1e-8), networkParabola: TableBudget(steps: 10, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 50, tolerance: 1e-3)),
        // MARK: End of the NGD rows
        // MARK: K-FAC, EKFAC, Shampoo and AdaHessian rows (KFAC/, Approximations/KFAC*, EKFAC*, Shampoo/, AdaHessian/)
        // K-FAC and EKFAC need layers: the linear-network parabola only. There (one dense layer, a
        // Gaussian output) G = 1 and A = (1/N)·[X 1]ᵀ[X 1] is the Hessian, so K-FAC is Newton's
        // method up to its damping (4 steps with either step rule, 2 for EKFAC through NGD).
        OptimizerTableRow(
            name: "kfac",
            make: {
                try KFAC<Double>(settings: KFACSettings(
                    damping: 1e-3, dampingAdaptation: LevenbergMarquardtDamping(interval: 1), curvatureDecay: 0, inverseUpdateInterval: 1))
            },
            parabola: nil, networkParabola: TableBudget(steps: 6, tolerance: 1e-8), rosenbrock: nil),
        OptimizerTableRow(
            name: "kfac-fixed", make: { try KFAC<Double>(settings: .fixed(learningRate: 1, momentum: 0, damping: 1e-4)) },
            parabola: nil, networkParabola: TableBudget(steps: 6, tolerance: 1e-8), rosenbrock: nil),
        OptimizerTableRow(
            name: "ngd-ekfac", make: { try NaturalGradientDescent(approximation: EKFACApproximation<Double>(source: .exact), settings: ngdTableSettings) },
            parabola: nil, networkParabola: TableBudget(steps: 4, tolerance: 1e-8), rosenbrock: nil),
        // Shampoo on vectors (all of θ on the parabola and Rosenbrock) is diagonal AdaGrad, whose
        // steps shrink like 1/√t: first-order pace (≈ 140 steps on the parabola, ≈ 500 on the
        // network parabola, where the weight matrix is 1×4 and the bias a vector, ≈ 8900 on Rosenbrock).
        OptimizerTableRow(
            name: "shampoo", make: { try Shampoo.optimizer(learningRate: 0.5, as: Double.self) },
            parabola: TableBudget(steps: 180, tolerance: 1e-8), networkParabola: TableBudget(steps: 630, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 11000, tolerance: 1e-3)),
        // AdaHessian sees the exact diagonal on the parabolas (one probe suffices) but its
        // momentum (β₁ = 0.9) and Hessian power ½ (chosen for Rosenbrock, where the Hessian's
        // diagonal changes sign along the valley and k = 1 with the paper's α = 0.15 needs more
        // than 40000 steps) make it first-order-like: ≈ 200 steps on the parabolas, ≈ 1950 on Rosenbrock.
        OptimizerTableRow(
            name: "adahessian", make: { try AdaHessian.optimizer(learningRate: 0.3, settings: AdaHessianSettings(hessianPower: 0.5), as: Double.self) },
            parabola: TableBudget(steps: 250, tolerance: 1e-8), networkParabola: TableBudget(steps: 250, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 2500, tolerance: 1e-3)),
        // MARK: End of the K-FAC rows
        // MARK: Hessian-free and Krylov subspace descent rows (HessianFree/)
        // Default settings (λ₀ = 1 adapted by Levenberg–Marquardt, Gauss–Newton products): the first
        // steps are damped, then λ falls by 2/3 a step and the steps become Newton steps (7 steps on
        // the parabolas, 16 on Rosenbrock for both).
        OptimizerTableRow(
            name: "hessian-free", make: { try HessianFree<Double>() },
            parabola: TableBudget(steps: 10, tolerance: 1e-8), networkParabola: TableBudget(steps: 10, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 25, tolerance: 1e-3)),
        OptimizerTableRow(
            name: "krylov-subspace-descent", make: { try KrylovSubspaceDescent<Double>() },
            parabola: TableBudget(steps: 10, tolerance: 1e-8), networkParabola: TableBudget(steps: 10, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 25, tolerance: 1e-3)),
        // With the exact Hessian, which is indefinite on Rosenbrock where y > x² + 0.005 (CG then
        // stops on non-positive curvature and the step raises λ): 7 steps on the parabolas, 20 on Rosenbrock.
        OptimizerTableRow(
            name: "hessian-free-hessian", make: { try HessianFree<Double>(settings: HessianFreeSettings(curvatureKind: .hessian)) },
            parabola: TableBudget(steps: 10, tolerance: 1e-8), networkParabola: TableBudget(steps: 10, tolerance: 1e-8),
            rosenbrock: TableBudget(steps: 30, tolerance: 1e-3)),
        // MARK: End of the Hessian-free rows
    ]

    /// The NGD rows' settings: unit steps, λ = 10⁻³ adapted every step, no curvature averaging.
    static let ngdTableSettings = NaturalGradientDescentSettings<Double>(
        learningRate: 1, damping: 1e-3, curvatureDecay: 0, dampingAdaptation: LevenbergMarquardtDamping(interval: 1))

    // MARK: Problems

    /// The parabola's curvatures: log-spaced from 1 to 100 (condition number 100).
    static let curvatures: [Double] = (0..<5).map { Double.pow(10, Double($0) / 2) }
    /// The parabola's minimum.
    static let parabolaMinimum: [Double] = [1, -2, 0.5, 3, -1]

    /// ½·Σ aᵢ(θᵢ − cᵢ)² in 5-D with a = 1, √10, 10, √1000, 100 and c = (1, −2, ½, 3, −1), started at 0.
    static func parabola() -> TableProblem<LeastSquaresObjective<Double>> {
        TableProblem(
            objective: .parabola(curvatures: curvatures, minimum: parabolaMinimum), start: Vector(count: curvatures.count),
            minimum: Vector(parabolaMinimum))
    }

    /// Rosenbrock's ½·[(1 − x)² + 100·(y − x²)²] from (−1.2, 1); minimum at (1, 1).
    static func rosenbrock() -> TableProblem<LeastSquaresObjective<Double>> {
        TableProblem(objective: .rosenbrock, start: [-1.2, 1], minimum: [1, 1])
    }

    /// A linear regression network whose loss is a parabola with the same curvatures as
    /// ``parabola()``: one dense layer 4 → 1 (identity output), a unit-variance Gaussian
    /// likelihood, N = 16 examples, no L2.
    ///
    /// J(w, b) = (1/N)·Σᵢ ½(wᵀxᵢ + b − yᵢ)², whose Hessian is (1/N)·[X 1]ᵀ[X 1]. The inputs'
    /// columns are built orthogonal to each other and to the ones vector, with ‖X₍ⱼ₎‖² = N·aⱼ,
    /// so the Hessian is exactly diag(a₄, a₃, a₂, a₁, 1) = diag(100, √1000, 10, √10, 1) (weights,
    /// then the bias). The targets are yᵢ = w*ᵀxᵢ + b* exactly, so the minimum is 0 at
    /// θ* = (w*, b*) = the parabola's c; the start is θ = 0. Optimizers that need layers (K-FAC,
    /// Shampoo's per-layer blocks) run here.
    static func linearNetworkParabola() throws -> TableProblem<NetworkObjective<Double, GaussianLikelihood<Double>>> {
        let examples = 16
        let features = 4
        let network = try Network<Double>(inputShape: .flat(features), layers: [try Dense<Double>(inputCount: features, outputCount: 1)])
        // Gram–Schmidt of Gaussian columns against the ones vector and each other.
        var generator = SeededGenerator(seed: 42)
        var basis: [[Double]] = [[Double](repeating: 1 / Double(examples).squareRoot(), count: examples)]
        for _ in 0..<features {
            var column: [Double] = (0..<examples).map { _ in generator.normal() }
            for _ in 0..<2 {  // twice, for orthogonality to rounding
                for u in basis {
                    let projection = zip(u, column).map(*).reduce(0, +)
                    for i in 0..<examples { column[i] -= projection * u[i] }
                }
            }
            let length = column.map { $0 * $0 }.reduce(0, +).squareRoot()
            basis.append(column.map { $0 / length })
        }
        // Feature j gets curvature a[4 − j]: 100, √1000, 10, √10; the bias has curvature 1.
        let weightCurvatures = Array(curvatures.reversed().prefix(features))
        let inputs = Matrix<Double>(rows: examples, columns: features) { i, j in
            basis[j + 1][i] * (Double(examples) * weightCurvatures[j]).squareRoot()
        }
        let minimum = Vector(parabolaMinimum)
        let targets = Matrix<Double>(rows: examples, columns: 1) { i, _ in
            (0..<features).reduce(minimum[features]) { $0 + inputs[i, $1] * minimum[$1] }
        }
        let objective = try NetworkObjective(network: network, likelihood: GaussianLikelihood<Double>(), inputs: inputs, targets: targets)
        return TableProblem(objective: objective, start: Vector(count: network.parameterCount), minimum: minimum)
    }

    // MARK: Running

    /// Runs `optimizer` from the problem's start for at most `steps` steps on the full batch,
    /// stopping once `converged(θ)` holds; checks after every step that θ and the reported loss
    /// are finite, that the reported loss is J at the step's starting point, and every 50 steps
    /// (and at the end) that the optimizer's state is finite.
    static func run<O: Objective>(
        _ optimizer: inout any Optimizer<Double>, on problem: TableProblem<O>, steps: Int, converged: (Vector<Double>) throws -> Bool
    ) throws -> TableRun where O.Scalar == Double {
        var parameters = problem.start
        var run = TableRun(parameters: parameters, steps: 0)
        for step in 1...steps {
            let before = try problem.objective.loss(at: parameters, batch: .all)
            let report = try optimizer.step(&parameters, objective: problem.objective, batch: .all)
            run.steps = step
            run.parameters = parameters
            if !parameters.isFinite || !report.loss.isFinite { run.problems.append("step \(step): non-finite parameters or loss"); break }
            if Swift.abs(report.loss - before) > 1e-12 * Swift.max(1, Swift.abs(before)) {
                run.problems.append("step \(step): reported loss \(report.loss) differs from J(θ) = \(before) before the step")
                break
            }
            if let bad = report.diagnostics.first(where: { !$0.value.isFinite }) {
                run.problems.append("step \(step): diagnostic \(bad.key) = \(bad.value)")
                break
            }
            if step % 50 == 0 {
                let bad = nonFiniteValues(in: optimizer)
                if !bad.isEmpty { run.problems.append("step \(step): non-finite state \(bad)"); break }
            }
            if try converged(parameters) { break }
        }
        let bad = nonFiniteValues(in: optimizer)
        if !bad.isEmpty { run.problems.append("end: non-finite state \(bad)") }
        return run
    }

    /// The paths of every NaN or infinite Float or Double reachable from `value` by reflection
    /// (stored properties, optionals, tuples, arrays, enum payloads), to check optimizer state.
    static func nonFiniteValues(in value: Any, path: String = "", depth: Int = 0) -> [String] {
        if let x = value as? Double { return x.isFinite ? [] : ["\(path) = \(x)"] }
        if let x = value as? Float { return x.isFinite ? [] : ["\(path) = \(x)"] }
        if let x = value as? [Double] { return x.allSatisfy(\.isFinite) ? [] : ["\(path) has non-finite entries"] }
        if let x = value as? [Float] { return x.allSatisfy(\.isFinite) ? [] : ["\(path) has non-finite entries"] }
        guard depth < 16 else { return [] }
        var found = [String]()
        for (index, child) in Mirror(reflecting: value).children.enumerated() {
            found += nonFiniteValues(in: child.value, path: path + "." + (child.label ?? "\(index)"), depth: depth + 1)
        }
        return found
    }
}

/// One problem of the table: an objective, where to start and where its minimum is.
struct TableProblem<O: Objective>: Sendable where O.Scalar == Double {
    let objective: O
    let start: Vector<Double>
    let minimum: Vector<Double>
}

/// The step budget and tolerance of one row on one problem.
struct TableBudget: Sendable {
    /// The most steps allowed.
    let steps: Int
    /// The loss bound (parabolas) or the distance bound from the minimum (Rosenbrock).
    let tolerance: Double
}

/// One optimizer of the table.
struct OptimizerTableRow: Sendable, CustomStringConvertible {
    let name: String
    /// A fresh optimizer.
    let make: @Sendable () throws -> any Optimizer<Double>
    /// On ``OptimizerTable/parabola()``; nil when the optimizer cannot run there.
    let parabola: TableBudget?
    /// On ``OptimizerTable/linearNetworkParabola()``.
    let networkParabola: TableBudget?
    /// On ``OptimizerTable/rosenbrock()``; nil when the optimizer cannot run there.
    let rosenbrock: TableBudget?

    var description: String { name }
}

/// The outcome of one table run.
struct TableRun {
    var parameters: Vector<Double>
    var steps: Int
    /// What went wrong along the way (empty for a clean run).
    var problems: [String] = []
}
