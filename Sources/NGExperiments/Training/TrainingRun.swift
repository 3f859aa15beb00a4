import Foundation
import NGReport
import NGTraining

/// One optimizer's run on a task, as the comparisons see it: its history and summary figures,
/// or the step where it diverged (a diverging optimizer is a result, not an error).
public struct TrainingRun: Sendable {
    /// The legend name ("kfac", "adam lr 1e-3").
    public var label: String
    /// The configuration it ran with (before defaults were resolved).
    public var configuration: TrainingConfiguration
    /// The full-data objective at step 0, every few steps and at the end (up to divergence).
    public var history: [HistoryEntry]
    /// The report of a run that completed; nil when it diverged.
    public var report: TrainingReport?
    /// The step that produced a non-finite loss, nil when none did.
    public var divergedAtStep: Int?
    /// The median step time in seconds (of the steps taken).
    public var stepSecondsMedian: Double

    /// The first recorded (step, seconds) at which the loss is at or below `target`, nil if never.
    public func firstReaching(_ target: Double) -> HistoryEntry? {
        history.first { $0.loss <= target }
    }

    /// The final recorded loss (NaN for an empty history).
    public var finalLoss: Double { history.last?.loss ?? .nan }

    /// Runs `configuration` with ``TrainingSession`` (history every `recordInterval` steps),
    /// recording divergence instead of throwing it.
    /// - Throws: ``TrainingError`` for invalid configurations (unknown names, bad data) — those
    ///   are the caller's mistakes, not results.
    public static func run(
        _ configuration: TrainingConfiguration, label: String? = nil, recordInterval: Int = 10,
        onStep: ((TrainingProgress) -> Void)? = nil
    ) throws -> TrainingRun {
        var session = TrainingSession(configuration: configuration)
        session.recordInterval = recordInterval
        session.checkpointInterval = nil
        session.onStep = onStep
        let name = label ?? configuration.optimizer
        do {
            let report = try session.run()
            return TrainingRun(
                label: name, configuration: configuration, history: report.history, report: report, divergedAtStep: nil,
                stepSecondsMedian: report.stepSecondsMedian)
        } catch let TrainingError.nonFinite(step, _, _, result) {
            let sorted = result.stepSeconds.sorted()
            return TrainingRun(
                label: name, configuration: configuration, history: result.state.history, report: nil, divergedAtStep: step,
                stepSecondsMedian: sorted.isEmpty ? .nan : sorted[sorted.count / 2])
        }
    }
}

/// Figures and tables built from several ``TrainingRun``s of the same task.
public enum TrainingRunFigures {
    /// What the x axis of a loss curve measures.
    public enum Abscissa: String, Sendable {
        case steps
        case seconds
    }

    /// Training loss against steps or wall time (step time only, evaluations excluded), one
    /// line per run; the loss axis is logarithmic when the losses span more than a decade.
    public static func lossCurves(
        id: String, title: String, runs: [TrainingRun], against abscissa: Abscissa, lossLabel: String = "training loss (nats)",
        target: Double? = nil, caption: String = ""
    ) -> Figure {
        let series = runs.map { run in
            Series(
                name: run.divergedAtStep.map { "\(run.label) (diverged at step \($0))" } ?? run.label,
                x: run.history.map { abscissa == .steps ? Double($0.step) : $0.seconds }, y: run.history.map(\.loss))
        }
        let losses = runs.flatMap { $0.history.map(\.loss) }.filter { $0.isFinite && $0 > 0 }
        let spansDecades = (losses.max() ?? 1) > 10 * (losses.min() ?? 1)
        let xLabel = abscissa == .steps ? "step" : "wall time (s)"
        return Figure(
            id: id, title: title, caption: caption,
            content: .lines(LinePlot(
                xAxis: Axis(xLabel), yAxis: Axis(lossLabel, scale: spansDecades ? .log : .linear), series: series,
                referenceLines: target.map { [ReferenceLine(y: $0, label: "target \(Table.cell($0))")] } ?? [])))
    }
}
