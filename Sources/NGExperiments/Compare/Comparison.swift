import Foundation
import NGReport
import NGData
import NGTraining

/// Runs a ``ComparisonTask``: each optimizer in turn on the same task, one ``TrainingRun``
/// each, then the target loss and the table rows.
///
/// The runs are sequential (they share the machine's cores and its BLAS threads, so timing them
/// side by side would distort every one), and each resets the process's peak-memory mark first
/// (``PeakMemoryMeter``). A run that diverges is a row of the result, not an error.
public enum Comparison {
    /// Runs every optimizer of `task`.
    /// - Parameters:
    ///   - task: the comparison.
    ///   - progress: receives one line per finished run ("adam: loss 84.1 after 150 steps, 13.2 s").
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` for bad names or data that do not
    ///   fit the model (checked before any run starts), and errors of the runs other than divergence.
    public static func run(_ task: ComparisonTask, progress: (String) -> Void = { _ in }) throws -> ComparisonOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        try task.validate()
        try checkData(task)
        var runs = [(choice: OptimizerChoice, run: TrainingRun)]()
        for choice in task.optimizers {
            let run = try TrainingRun.run(task.configuration(for: choice), label: choice.description, recordInterval: task.recordInterval)
            runs.append((choice, run))
            progress(progressLine(task: task, run: run))
        }
        let target = TargetLoss.choose(explicit: task.targetLoss, runs: runs)
        let model = try task.configuration(for: task.optimizers[0]).modelSpecification()
        let classifies = model != .autoencoder && task.testFraction > 0 && runs.contains { $0.run.history.last?.testAccuracy != nil }
        let duration = clock.now - start
        return ComparisonOutcome(
            task: task, runs: runs.map(\.run), target: target, rows: runs.map { ComparisonRow(run: $0.run, target: target.value) },
            reportsAccuracy: classifies,
            seconds: duration.inSeconds)
    }

    /// Loads the data once and checks that they fit the model, so that a bad `--data` fails
    /// before the first run rather than after it.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` naming the problem and what would fit.
    static func checkData(_ task: ComparisonTask) throws {
        let model = try task.configuration(for: task.optimizers[0]).modelSpecification()
        let dataset: Dataset
        do { dataset = try Dataset.load(task.data, targetKind: model.csvTargetKind) } catch {
            throw TrainingError.invalidConfiguration("--data: \(error)")
        }
        try ModelZoo.check(model, train: dataset, test: nil)
    }

    /// "kfac on autoencoder: loss 84.12 after 150 steps (19.5 s training, 24.1 s wall)".
    static func progressLine(task: ComparisonTask, run: TrainingRun) -> String {
        let loss = Table.cell(run.finalLoss)
        let steps = run.history.last?.step ?? 0
        let training = String(format: "%.1f", run.history.last?.seconds ?? 0)
        let wall = String(format: "%.1f", run.wallSeconds)
        let diverged = run.divergedAtStep.map { ", diverged at step \($0)" } ?? ""
        return "\(run.label) on \(task.model): loss \(loss) after \(steps) steps\(diverged) (\(training) s training, \(wall) s wall)"
    }
}
