import Foundation
import NGLinearAlgebra
import NGOptimizers
import NGReport
import NGTraining
import Testing

@testable import NGExperiments

/// The convergence experiment: the quadratic's runs against closed forms (gradient descent's
/// error after k steps, Newton and exact NGD in one step), and the smoke run's structure.
@Suite("Convergence experiment")
struct ConvergenceTests {
    /// Gradient descent with α = 1/λ_max on f = ½Σ aᵢ(θᵢ − cᵢ)² from θ₀ = 0 has
    /// f(θ_k) − f* = ½Σ aᵢ(1 − α·aᵢ)^(2k)·cᵢ² exactly; once the faster directions have died out
    /// the error shrinks by (1 − α·λ_min)² per step.
    @Test func gradientDescentMatchesTheClosedForm() throws {
        let problem = IllConditionedQuadratic(dimension: 3, condition: 1e4, seed: 7)
        #expect(problem.curvatures.map { ($0 * 1e6).rounded() / 1e6 } == [1, 100, 10_000])
        let alpha = 1 / problem.largestCurvature
        let trace = try QuadraticTrace.run(try FirstOrder.sgd(learningRate: alpha), label: "gd", on: problem, steps: 1500)
        #expect(trace.history.count == 1501 && trace.divergedAtStep == nil)
        func closedForm(_ k: Int) -> Double {
            var total = 0.0
            for i in 0..<3 {
                let c = problem.minimum[i], a = problem.curvatures[i]
                total += 0.5 * a * Foundation.pow(1 - alpha * a, Double(2 * k)) * c * c
            }
            return total
        }
        for k in [0, 1, 10, 100, 1000, 1500] {
            let measured = trace.history[k].loss
            #expect(abs(measured - closedForm(k)) <= 1e-9 * closedForm(k), "k = \(k): \(measured) vs \(closedForm(k))")
        }
        let ratio = trace.history[1500].loss / trace.history[1499].loss
        let slowest = Foundation.pow(1 - alpha * problem.smallestCurvature, 2)
        #expect(abs(ratio - slowest) < 1e-9, "ratio \(ratio) vs (1 − αλ_min)² = \(slowest)")
        // Not yet at the minimum: the slowest direction keeps (1 − 10⁻⁴)^3000 ≈ 0.74 of its error.
        #expect(trace.history[1500].loss > 0.5 * 0.5 * problem.minimum[0] * problem.minimum[0])
    }

    /// Newton (undamped) and exact natural gradient (F = JᵀJ = ∇²f here) land on the minimum in
    /// one step; gradient descent does not.
    @Test func newtonAndExactNaturalGradientSolveTheQuadraticInOneStep() throws {
        let problem = IllConditionedQuadratic(dimension: 20, condition: 1e4, seed: 2)
        let initial = problem.error(at: problem.start)
        #expect(initial > 1)
        let optimizers = try problem.optimizers()
        for label in ["newton", "ngd"] {
            let optimizer = try #require(optimizers.first { $0.label == label }).optimizer
            let trace = try QuadraticTrace.run(optimizer, label: label, on: problem, steps: 1)
            #expect(trace.history[1].loss <= 1e-8, "\(label): f − f* = \(trace.history[1].loss)")
            let distance = zip(trace.parameters.elements, problem.minimum).map { abs($0 - $1) }.max()!
            #expect(distance <= 1e-8, "\(label): ‖θ₁ − c‖∞ = \(distance)")
        }
        let gd = try QuadraticTrace.run(try #require(optimizers.first { $0.label == "gd" }).optimizer, label: "gd", on: problem, steps: 1)
        #expect(gd.history[1].loss > 1e-3 * initial)
    }

    /// The smoke run: every table and figure, f − f* on a log axis, newton at one step in the
    /// quadratic's table, the training tables with one row per optimizer, findings, the record.
    @Test func smokeRunStructure() throws {
        let section = try ConvergenceExperiment.experiment.run(ExperimentSettings(seed: 5, scale: .smoke, command: "test"))
        #expect(section.id == "convergence")
        let tasks = ConvergenceTask.all(seed: 5, smoke: true)
        #expect(section.tables.map(\.id) == ["quadratic"] + tasks.map(\.id))
        #expect(section.figures.count == 2 + 2 * tasks.count)
        let quadratic = section.tables[0]
        let newton = try #require(quadratic.rows.first { $0[0] == "newton" })
        #expect(newton[3] == "1")
        let gd = try #require(quadratic.rows.first { $0[0] == "gd" })
        #expect(gd[3] == "—")
        if case let .lines(plot) = section.figures[0].content {
            #expect(plot.yAxis.scale == .log && plot.series.count == quadratic.rows.count)
        } else {
            Issue.record("the quadratic's figure is not a line plot")
        }
        for (table, task) in zip(section.tables.dropFirst(), tasks) {
            #expect(table.rows.map(\.[0]) == task.comparison.optimizers.map(\.description))
        }
        #expect(section.findings.count >= 1 + tasks.count)
        #expect(section.findings.contains { $0.contains("one step") })
        #expect(section.record.seed == 5 && section.record.configuration["scale"] == "smoke")
    }
}
