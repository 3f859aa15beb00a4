import Foundation
import NGReport
import NGTraining

/// `natgrad experiment convergence`: loss against steps and against seconds for the applicable
/// optimizers on five problems of growing size — an ill-conditioned quadratic (κ = 10⁴), logistic
/// regression on breast-cancer, softmax regression on MNIST-5k, an MLP classifier and the deep
/// autoencoder.
///
/// The quadratic runs through the optimizer API directly (``QuadraticTrace``) with f − f* on a
/// log axis, where theory says exactly what to expect: Newton and exact natural gradient in one
/// step, gradient descent at (1 − 1/κ)² per step on its slowest direction. The other tasks run
/// through ``Comparison`` (``TrainingSession``): same data, initialization and batches for every
/// optimizer, the target being the best first-order method's final loss.
public enum ConvergenceExperiment {
    public static let experiment = Experiment(
        name: "convergence", title: "Convergence in steps and in seconds",
        summary: "loss against steps and seconds for the optimizers on a quadratic, GLMs, an MLP and the autoencoder",
        run: run)

    /// The quadratic's size at each scale.
    static func quadratic(_ settings: ExperimentSettings) -> IllConditionedQuadratic {
        IllConditionedQuadratic(dimension: settings.size(full: 100, smoke: 20), condition: 1e4, seed: settings.seed)
    }

    /// The relative accuracy the quadratic's table times: f − f* ≤ 10⁻⁶·(f(θ₀) − f*).
    static let quadraticTolerance = 1e-6

    /// Runs the experiment.
    /// - Throws: ``ExperimentError/runFailed(_:)`` when a task cannot run (a bug, not a divergence).
    public static func run(_ settings: ExperimentSettings) throws -> ReportSection {
        let clock = ContinuousClock()
        let start = clock.now
        var tables = [Table]()
        var figures = [Figure]()
        var findings = [String]()

        // The quadratic, through the optimizer API.
        let problem = quadratic(settings)
        let steps = settings.size(full: 500, smoke: 60)
        settings.progress("convergence: quadratic (P = \(problem.dimension), κ = \(Table.cell(problem.condition)))")
        let initialError = problem.error(at: problem.start)
        var traces = [QuadraticTrace]()
        do {
            for (label, optimizer) in try problem.optimizers() {
                traces.append(try QuadraticTrace.run(optimizer, label: label, on: problem, steps: steps, stopBelow: 1e-20 * initialError))
            }
        } catch {
            throw ExperimentError.runFailed("convergence: the quadratic failed: \(error)")
        }
        tables.append(quadraticTable(traces, problem: problem, steps: steps))
        figures += quadraticFigures(traces, problem: problem)
        findings += quadraticFindings(traces, problem: problem, steps: steps)

        // The training tasks.
        let tasks = ConvergenceTask.all(seed: settings.seed, smoke: settings.scale == .smoke)
        for task in tasks {
            settings.progress("convergence: \(task.name)")
            let result: ComparisonOutcome
            do {
                result = try Comparison.run(task.comparison) { settings.progress("  " + $0) }
            } catch {
                throw ExperimentError.runFailed("convergence: \(task.name) failed: \(error)")
            }
            var table = ComparisonSection.table(result)
            table.id = task.id
            table.title = "\(task.name): \(task.comparison.steps) steps" + (task.comparison.batchSize.map { ", batch \($0)" } ?? ", full batch")
            table.note += " Not run: \(task.excluded)."
            tables.append(table)
            figures.append(TrainingRunFigures.lossCurves(
                id: "\(task.id)-steps", title: "\(task.name): training loss against steps", runs: result.runs, against: .steps,
                target: result.target.value))
            figures.append(TrainingRunFigures.lossCurves(
                id: "\(task.id)-seconds", title: "\(task.name): training loss against wall time", runs: result.runs, against: .seconds,
                target: result.target.value))
            findings.append(taskFinding(task, result))
        }

        var configuration: [String: String] = [
            "scale": settings.scale.rawValue, "quadratic_dimension": "\(problem.dimension)", "quadratic_condition": "\(problem.condition)",
            "quadratic_steps": "\(steps)", "quadratic_tolerance": "\(quadraticTolerance)",
        ]
        for task in tasks {
            for (key, value) in task.comparison.recordConfiguration { configuration["\(task.id).\(key)"] = value }
        }
        let duration = clock.now - start
        return ReportSection(
            id: experiment.name, title: experiment.title,
            question: "How fast does each optimizer reduce the loss, per step and per second, from a quadratic whose answer theory knows to a deep autoencoder?",
            findings: findings, howToRead: howToRead, tables: tables, figures: figures,
            record: RunRecord(
                command: settings.command, seed: settings.seed, configuration: configuration,
                seconds: duration.inSeconds))
    }

    static let howToRead = """
        The quadratic's plots show f − f* on a log axis (f* = 0 is known): a straight line is linear convergence, its slope \
        the rate; a vertical drop is a method that solves the problem in a step. The table gives the steps and time to \
        f − f* ≤ 10⁻⁶·(f(θ₀) − f*). For the training tasks each table is that of natgrad compare (the target is the best \
        first-order method's final loss; "—" means never reached), and the plots show the full training loss against steps \
        and against training time (sum of step times). A method that wins per step but loses per second does more work per \
        step than it saves.
        """

    // MARK: Quadratic

    static func quadraticTable(_ traces: [QuadraticTrace], problem: IllConditionedQuadratic, steps: Int) -> Table {
        let initial = problem.error(at: problem.start)
        let tolerance = quadraticTolerance * initial
        let rows = traces.map { trace -> [String] in
            let reached = trace.firstReaching(tolerance)
            let final = trace.divergedAtStep.map { "diverged at step \($0)" } ?? Table.cell(trace.history.last!.loss, digits: 3)
            let perStep = trace.history.count > 1 ? trace.history.last!.seconds / Double(trace.history.count - 1) : .nan
            return [
                trace.label, final, Table.cell(trace.history.last!.loss / initial, digits: 3), reached.map { "\($0.step)" } ?? "—",
                ComparisonSection.plain(reached.map { $0.seconds * 1000 }), ComparisonSection.plain(perStep * 1e6),
            ]
        }
        return Table(
            id: "quadratic", title: "Quadratic, P = \(problem.dimension), κ = \(Table.cell(problem.condition)), up to \(steps) steps",
            columns: ["optimizer", "final f − f*", "final (f − f*)/(f₀ − f*)", "steps to 10⁻⁶", "time to 10⁻⁶ (ms)", "mean step (µs)"],
            rows: rows,
            note: "f(θ) = ½Σ aᵢ(θᵢ − cᵢ)² with aᵢ log-spaced in [1, κ], c ~ N(0, I), θ₀ = 0; f₀ − f* = \(Table.cell(initial)). "
                + "Runs stop once f − f* ≤ 10⁻²⁰·(f₀ − f*). Settings: gd α = 1/λ_max; momentum Polyak's optimal α and μ; adam α = 0.1; "
                + "newton and ngd undamped. Not run: \(IllConditionedQuadratic.excludedOptimizers).")
    }

    static func quadraticFigures(_ traces: [QuadraticTrace], problem: IllConditionedQuadratic) -> [Figure] {
        let histories = traces.map { trace in
            (trace.divergedAtStep.map { "\(trace.label) (diverged at step \($0))" } ?? trace.label, trace.history)
        }
        let caption = "f − f* on a log scale; the curves end when f − f* ≤ 10⁻²⁰·(f₀ − f*). newton and ngd coincide (the Fisher JᵀJ is the Hessian here); "
            + "momentum with Polyak's parameters first grows (its slowest and fastest modes are critically damped) before converging at its asymptotic rate."
        return [
            TrainingRunFigures.curves(
                id: "quadratic-steps", title: "Quadratic (κ = \(Table.cell(problem.condition))): f − f* against steps", histories: histories,
                against: .steps, value: \.loss, valueLabel: "f − f* (objective units)", caption: caption),
            TrainingRunFigures.curves(
                id: "quadratic-seconds", title: "Quadratic (κ = \(Table.cell(problem.condition))): f − f* against wall time", histories: histories,
                against: .seconds, value: \.loss, valueLabel: "f − f* (objective units)", caption: caption),
        ]
    }

    static func quadraticFindings(_ traces: [QuadraticTrace], problem: IllConditionedQuadratic, steps: Int) -> [String] {
        let initial = problem.error(at: problem.start)
        let tolerance = quadraticTolerance * initial
        var sentences = [String]()
        let oneStep = traces.filter { $0.firstReaching(tolerance)?.step == 1 }.map(\.label)
        if !oneStep.isEmpty {
            let errors = traces.filter { oneStep.contains($0.label) }.map { "\($0.label) \(Table.cell($0.history[1].loss, digits: 2))" }
            sentences.append(
                "On the quadratic (κ = \(Table.cell(problem.condition))), \(oneStep.joined(separator: " and ")) reached the minimum in one step "
                    + "(f − f* after it: \(errors.joined(separator: ", ")), from \(Table.cell(initial, digits: 3))).")
        }
        if let gd = traces.first(where: { $0.label == "gd" }), let last = gd.history.last {
            let rate = Foundation.pow(1 - problem.smallestCurvature / problem.largestCurvature, 2)
            let observed = gd.history.count > 2 ? gd.history[gd.history.count - 1].loss / gd.history[gd.history.count - 2].loss : .nan
            sentences.append(
                "gd (α = 1/λ_max) reduced f − f* only \(Table.cell(initial / last.loss, digits: 3))× in \(last.step) steps; its last step shrank it by "
                    + "\(Table.cell(observed, digits: 6)), against (1 − 1/κ)² = \(Table.cell(rate, digits: 6)) on the slowest direction.")
        }
        let reached = traces.compactMap { trace in trace.firstReaching(tolerance).map { (trace.label, $0) } }.filter { $0.1.step > 1 }
        if !reached.isEmpty {
            let parts = reached.map { "\($0.0) in \($0.1.step) steps" }
            sentences.append("Reached 10⁻⁶ of the initial error: \(parts.joined(separator: ", ")).")
        }
        let missed = traces.filter { $0.firstReaching(tolerance) == nil }.map(\.label)
        if !missed.isEmpty { sentences.append("Not within \(steps) steps: \(missed.joined(separator: ", ")).") }
        return sentences
    }

    // MARK: Training tasks

    /// "On logistic regression on breast-cancer, fastest to adam's final loss 0.07: newton in 3 steps (0.002 s); …".
    static func taskFinding(_ task: ConvergenceTask, _ result: ComparisonOutcome) -> String {
        guard let target = result.target.value else { return "On \(task.name) every run diverged." }
        let reached = result.rows.filter { $0.secondsToTarget != nil }
        let setter = result.target.setBy.map { "\($0)'s final loss " } ?? "the target "
        var sentence = "On \(task.name), target \(setter)\(Table.cell(target))"
        if let fastest = reached.min(by: { $0.secondsToTarget! < $1.secondsToTarget! }),
           let fewest = reached.min(by: { $0.stepsToTarget! < $1.stepsToTarget! }) {
            sentence += ": fastest in time \(fastest.optimizer) (\(Table.cell(fastest.secondsToTarget!, digits: 3)) s, step \(fastest.stepsToTarget!))"
            sentence += ", fewest steps \(fewest.optimizer) (\(fewest.stepsToTarget!) steps, \(Table.cell(fewest.secondsToTarget!, digits: 3)) s)"
        }
        let missed = result.rows.filter { $0.secondsToTarget == nil && $0.divergedAtStep == nil }.map(\.optimizer)
        if !missed.isEmpty { sentence += "; not reached by \(missed.joined(separator: ", "))" }
        let diverged = result.rows.compactMap { row in row.divergedAtStep.map { "\(row.optimizer) (step \($0))" } }
        if !diverged.isEmpty { sentence += "; diverged: \(diverged.joined(separator: ", "))" }
        if let best = result.rows.filter({ $0.divergedAtStep == nil }).min(by: { $0.finalLoss < $1.finalLoss }) {
            sentence += "; lowest final loss \(best.optimizer) (\(Table.cell(best.finalLoss)))"
        }
        return sentence + "."
    }
}
