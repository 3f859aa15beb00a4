import NGLinearAlgebra
import NGOptimizers
import Testing

/// The shared convergence tests of the optimizer table (see `OptimizerTable` for the rows and
/// how to add one).
@Suite("OptimizerTable")
struct OptimizerTableTests {
    @Test("converges on the ill-conditioned parabola", arguments: OptimizerTable.rows.filter { $0.parabola != nil })
    func parabola(row: OptimizerTableRow) throws {
        let budget = try #require(row.parabola)
        let problem = OptimizerTable.parabola()
        var optimizer = try row.make()
        let run = try OptimizerTable.run(&optimizer, on: problem, steps: budget.steps) {
            try problem.objective.loss(at: $0, batch: .all) < budget.tolerance
        }
        #expect(run.problems.isEmpty, "\(row.name): \(run.problems)")
        let loss = try problem.objective.loss(at: run.parameters, batch: .all)
        #expect(loss < budget.tolerance, "\(row.name): loss \(loss) after \(run.steps) steps")
    }

    @Test("converges on the linear-network parabola", arguments: OptimizerTable.rows.filter { $0.networkParabola != nil })
    func networkParabola(row: OptimizerTableRow) throws {
        let budget = try #require(row.networkParabola)
        let problem = try OptimizerTable.linearNetworkParabola()
        var optimizer = try row.make()
        let run = try OptimizerTable.run(&optimizer, on: problem, steps: budget.steps) {
            try problem.objective.loss(at: $0, batch: .all) < budget.tolerance
        }
        #expect(run.problems.isEmpty, "\(row.name): \(run.problems)")
        let loss = try problem.objective.loss(at: run.parameters, batch: .all)
        #expect(loss < budget.tolerance, "\(row.name): loss \(loss) after \(run.steps) steps")
    }

    @Test("reaches (1, 1) on Rosenbrock from (−1.2, 1)", arguments: OptimizerTable.rows.filter { $0.rosenbrock != nil })
    func rosenbrock(row: OptimizerTableRow) throws {
        let budget = try #require(row.rosenbrock)
        let problem = OptimizerTable.rosenbrock()
        var optimizer = try row.make()
        let run = try OptimizerTable.run(&optimizer, on: problem, steps: budget.steps) {
            ($0 - problem.minimum).norm < budget.tolerance
        }
        #expect(run.problems.isEmpty, "\(row.name): \(run.problems)")
        let distance = (run.parameters - problem.minimum).norm
        #expect(distance < budget.tolerance, "\(row.name): distance \(distance) from (1, 1) after \(run.steps) steps")
    }

    /// The problems themselves, checked against their definitions, so that a broken fixture
    /// cannot make every row pass or fail for the wrong reason.
    @Test("the table's problems have the stated minima and curvatures")
    func problems() throws {
        let parabola = OptimizerTable.parabola()
        let network = try OptimizerTable.linearNetworkParabola()
        let rosenbrock = OptimizerTable.rosenbrock()
        for problem in [parabola.minimum, network.minimum] { #expect(problem.count == 5) }
        #expect(try parabola.objective.loss(at: parabola.minimum, batch: .all) == 0)
        #expect(try network.objective.loss(at: network.minimum, batch: .all) < 1e-28)
        #expect(try rosenbrock.objective.loss(at: rosenbrock.minimum, batch: .all) == 0)
        // J at the start by the explicit formulas: ½Σ aᵢcᵢ² for both parabolas (θ = 0), and
        // ½(2.2² + 100·0.44²) for Rosenbrock.
        let expected = zip(OptimizerTable.curvatures, OptimizerTable.parabolaMinimum).map { $0 * $1 * $1 / 2 }.reduce(0, +)
        #expect(Swift.abs(try parabola.objective.loss(at: parabola.start, batch: .all) - expected) < 1e-12)
        // The network's weights see the curvatures in reverse order (100 first), the bias 1.
        let networkExpected = zip(OptimizerTable.curvatures.reversed().prefix(4), OptimizerTable.parabolaMinimum.prefix(4))
            .map { $0 * $1 * $1 / 2 }.reduce(0, +) + OptimizerTable.parabolaMinimum[4] * OptimizerTable.parabolaMinimum[4] / 2
        #expect(Swift.abs(try network.objective.loss(at: network.start, batch: .all) - networkExpected) < 1e-10)
        #expect(Swift.abs(try rosenbrock.objective.loss(at: rosenbrock.start, batch: .all) - (2.2 * 2.2 + 100 * 0.44 * 0.44) / 2) < 1e-12)
        // The network's Hessian is diagonal with the stated curvatures.
        let hessian = try network.objective.evaluate(at: network.start, batch: .all).denseCurvature(.hessian, samples: 1, seed: 0)
        let diagonal = Array(OptimizerTable.curvatures.reversed().prefix(4)) + [1]
        for i in 0..<5 {
            for j in 0..<5 { #expect(Swift.abs(hessian[i, j] - (i == j ? diagonal[i] : 0)) < 1e-10, "H[\(i), \(j)] = \(hessian[i, j])") }
        }
    }

    /// The finiteness check finds a NaN hidden in nested state, so the table's state check can fail.
    @Test("the state check finds non-finite values in nested state")
    func stateCheckFindsNaN() {
        struct Inner { var values: Vector<Double>; var scale: Float? }
        struct Outer { var inner: (Int, Inner); var flag = true }
        let clean = Outer(inner: (1, Inner(values: [1, 2], scale: 3)))
        #expect(OptimizerTable.nonFiniteValues(in: clean).isEmpty)
        let nanVector = Outer(inner: (1, Inner(values: [1, .nan], scale: 3)))
        #expect(OptimizerTable.nonFiniteValues(in: nanVector).count == 1)
        let infiniteScalar = Outer(inner: (1, Inner(values: [1, 2], scale: .infinity)))
        #expect(OptimizerTable.nonFiniteValues(in: infiniteScalar).count == 1)
    }
}
