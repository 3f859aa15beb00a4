import Foundation
import NGReport

/// Turns a ``ComparisonOutcome`` into a report section: the table, the loss curves against steps
/// and against training time (and test accuracy for classifiers), and findings written from the
/// measured numbers.
public enum ComparisonSection {
    /// The section of `result`.
    /// - Parameter command: the command line recorded in the run record.
    public static func make(_ result: ComparisonOutcome, command: String) -> ReportSection {
        let task = result.task
        let target = result.target.value
        var figures = [
            TrainingRunFigures.lossCurves(
                id: "loss-vs-steps", title: "\(task.model) on \(task.data): training loss against steps", runs: result.runs, against: .steps,
                target: target,
                caption: "The full training objective (mean NLL) every \(task.recordInterval) steps; the dashed line is the target loss."),
            TrainingRunFigures.lossCurves(
                id: "loss-vs-seconds", title: "\(task.model) on \(task.data): training loss against wall time", runs: result.runs,
                against: .seconds, target: target,
                caption: "The same runs against training time (the sum of step times; evaluations excluded): what each method's extra work per step buys."),
        ]
        if result.reportsAccuracy {
            figures.append(TrainingRunFigures.testAccuracyCurves(
                id: "test-accuracy", title: "\(task.model) on \(task.data): test accuracy against steps", runs: result.runs,
                caption: "Accuracy on the \(Int((task.testFraction * 100).rounded())) % held-out split."))
        }
        return ReportSection(
            id: task.sectionID, title: "Optimizers compared: \(task.model) on \(task.data)",
            question: "Do natural-gradient methods beat the first-order baselines on \(task.model) (\(task.data)), in steps and in seconds?",
            findings: findings(result), howToRead: howToRead(result), tables: [table(result)], figures: figures,
            record: RunRecord(command: command, seed: task.seed, configuration: task.recordConfiguration, seconds: result.seconds))
    }

    /// One row per optimizer: final loss, test metric (when there is a test split), steps and
    /// time to the target, median step time, peak memory.
    public static func table(_ result: ComparisonOutcome) -> Table {
        let hasTest = result.task.testFraction > 0
        let testColumn = result.reportsAccuracy ? "test accuracy (%)" : "test loss (nats)"
        let rows = result.rows.map { row -> [String] in
            let final = row.divergedAtStep.map { "diverged at step \($0)" } ?? Table.cell(row.finalLoss, digits: 5)
            var cells = [row.optimizer, final]
            if hasTest {
                cells.append(result.reportsAccuracy ? row.testAccuracy.map { String(format: "%.2f", 100 * $0) } ?? "—" : Table.cell(row.testLoss, digits: 5))
            }
            return cells + [
                row.stepsToTarget.map(String.init) ?? "—", plain(row.secondsToTarget), plain(row.medianStepSeconds * 1000),
                plain(row.peakMemoryBytes.map { Double($0) / 1_048_576 }),
            ]
        }
        let testNote = hasTest ? " Test metric on a \(Int((result.task.testFraction * 100).rounded())) % held-out split." : ""
        let columns = ["optimizer", "final training loss (nats)"] + (hasTest ? [testColumn] : [])
            + ["steps to target", "time to target (s)", "median step (ms)", "peak memory (MiB)"]
        return Table(
            id: "summary", title: "\(result.task.model) on \(result.task.data), \(result.task.steps) steps, seed \(result.task.seed)",
            columns: columns, rows: rows,
            note: result.target.explanation
                + " Steps and time to target are those of the first evaluation at or below it (\(result.task.recordInterval == 1 ? "after every step" : "every \(result.task.recordInterval) steps")); time is training time (sum of step times), — if never reached."
                + testNote + " Peak memory: \(PeakMemoryMeter.meaning).")
    }

    /// Three significant digits without exponent notation for the magnitudes a table shows
    /// (1570, 15.5, 0.0219); "—" for nil.
    static func plain(_ value: Double?) -> String {
        guard let value, value.isFinite, abs(value) >= 1000 else { return Table.cell(value, digits: 3) }
        return String(format: "%.0f", value)
    }

    /// Sentences built from the numbers: who reached the target and how fast relative to the run
    /// that set it, who diverged, per-step cost relative to the cheapest first-order step, and the
    /// best test metric.
    static func findings(_ result: ComparisonOutcome) -> [String] {
        var sentences = [String]()
        let rows = result.rows
        // Rows are in the task's optimizer order.
        let firstOrder = Set(zip(result.task.optimizers, rows).filter { $0.0.isFirstOrder }.map { $0.1.optimizer })
        let isFirstOrder = { (label: String) in firstOrder.contains(label) }
        guard let target = result.target.value else {
            return ["Every run diverged; there is no target loss to compare against."]
        }
        let reference: ComparisonRow? = {
            if let setter = result.target.setBy, let row = rows.first(where: { $0.optimizer == setter }), row.secondsToTarget != nil { return row }
            return rows.filter { $0.secondsToTarget != nil && isFirstOrder($0.optimizer) }.min { $0.secondsToTarget! < $1.secondsToTarget! }
        }()
        for row in rows where row.optimizer != reference?.optimizer {
            if let step = row.divergedAtStep {
                sentences.append("\(row.optimizer) diverged at step \(step) (non-finite loss); its curve stops at the last good step.")
            } else if let seconds = row.secondsToTarget, let steps = row.stepsToTarget {
                var sentence = "\(row.optimizer) reached the target \(Table.cell(target)) in \(format(seconds)) s (step \(steps))"
                if let reference, let referenceSeconds = reference.secondsToTarget, seconds > 0 {
                    let ratio = referenceSeconds / seconds
                    sentence += ratio >= 1
                        ? ", \(String(format: "%.2g", ratio))× faster than \(reference.optimizer) (\(format(referenceSeconds)) s, step \(reference.stepsToTarget!))"
                        : ", \(String(format: "%.2g", 1 / ratio))× slower than \(reference.optimizer) (\(format(referenceSeconds)) s, step \(reference.stepsToTarget!))"
                }
                sentences.append(sentence + ".")
            } else {
                sentences.append("\(row.optimizer) did not reach the target \(Table.cell(target)) in \(row.steps) steps (final loss \(Table.cell(row.finalLoss)), \(format(row.trainingSeconds)) s).")
            }
        }
        if let reference {
            sentences.insert(
                "\(reference.optimizer) reached the target \(Table.cell(target)) at step \(reference.stepsToTarget!) after \(format(reference.secondsToTarget!)) s.", at: 0)
        }
        let finished = rows.filter { $0.divergedAtStep == nil }
        if let cheapest = finished.filter({ isFirstOrder($0.optimizer) && $0.medianStepSeconds > 0 }).min(by: { $0.medianStepSeconds < $1.medianStepSeconds }) {
            let others = finished.filter { !isFirstOrder($0.optimizer) && $0.medianStepSeconds > 0 }
            if !others.isEmpty {
                let costs = others.map { "\($0.optimizer) \(String(format: "%.2g", $0.medianStepSeconds / cheapest.medianStepSeconds))×" }
                sentences.append("Cost of one step relative to \(cheapest.optimizer) (\(format(cheapest.medianStepSeconds * 1000)) ms, median): \(costs.joined(separator: ", ")).")
            }
        }
        if let best = finished.min(by: { $0.finalLoss < $1.finalLoss }) {
            sentences.append("Lowest final training loss: \(best.optimizer), \(Table.cell(best.finalLoss)) after \(best.steps) steps.")
        }
        if result.reportsAccuracy {
            let scored = finished.filter { $0.testAccuracy != nil }.sorted { $0.testAccuracy! > $1.testAccuracy! }
            if let best = scored.first {
                let rest = scored.dropFirst().map { "\($0.optimizer) \(String(format: "%.2f", 100 * $0.testAccuracy!)) %" }
                sentences.append("Best test accuracy: \(best.optimizer), \(String(format: "%.2f", 100 * best.testAccuracy!)) %" + (rest.isEmpty ? "." : " (\(rest.joined(separator: ", "))).")) 
            }
        }
        return sentences
    }

    /// The explanation of the table and figures.
    static func howToRead(_ result: ComparisonOutcome) -> String {
        "Every optimizer starts from the same initialization and, at the same batch size, sees the same minibatches; only the update rule differs. "
            + "The table's \"time to target\" answers \"how long until this method is where the best first-order baseline ends\": smaller is better, — means never within the budget. "
            + "Loss against steps shows what each update is worth; loss against wall time charges each method for its extra work (a curvature step is often several times a gradient step). "
            + (result.reportsAccuracy ? "Test accuracy shows whether a faster-falling training loss also generalizes. " : "")
            + "Runs that diverged end where their last finite loss was recorded."
    }

    static func format(_ seconds: Double) -> String {
        String(format: seconds < 10 ? "%.2g" : "%.0f", seconds)
    }
}
