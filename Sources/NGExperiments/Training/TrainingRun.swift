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
    /// The peak resident memory during the run in bytes (see ``PeakMemoryMeter``), nil where
    /// unavailable.
    public var peakMemoryBytes: Int? = nil
    /// The wall time of the whole run: data loading, steps and the evaluations of the history.
    public var wallSeconds: Double = .nan

    /// The first recorded (step, seconds) at which the loss is at or below `target`, nil if never.
    public func firstReaching(_ target: Double) -> HistoryEntry? {
        history.first { $0.loss <= target }
    }

    /// The final recorded loss (NaN for an empty history).
    public var finalLoss: Double { history.last?.loss ?? .nan }

    /// Runs `configuration` with ``TrainingSession`` (history every `recordInterval` steps),
    /// recording divergence instead of throwing it. The process's peak-memory mark is reset
    /// first (``PeakMemoryMeter``) so that ``peakMemoryBytes`` is this run's.
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
        PeakMemoryMeter.reset()
        let start = ContinuousClock.now
        do {
            let report = try session.run()
            return TrainingRun(
                label: name, configuration: configuration, history: report.history, report: report, divergedAtStep: nil,
                stepSecondsMedian: report.stepSecondsMedian, peakMemoryBytes: report.peakMemoryBytes, wallSeconds: start.elapsedSeconds)
        } catch let TrainingError.nonFinite(step, _, _, result) {
            return TrainingRun(
                label: name, configuration: configuration, history: result.state.history, report: nil, divergedAtStep: step,
                stepSecondsMedian: result.medianStepSeconds, peakMemoryBytes: PeakMemory.bytes(), wallSeconds: start.elapsedSeconds)
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
        curves(
            id: id, title: title, histories: runs.map { (legendName($0), $0.history) }, against: abscissa, value: \.loss,
            valueLabel: lossLabel, target: target, caption: caption)
    }

    /// Test accuracy (%) against steps, one line per run (runs without a test split are left out).
    public static func testAccuracyCurves(id: String, title: String, runs: [TrainingRun], caption: String = "") -> Figure {
        let histories = runs.compactMap { run -> (String, [HistoryEntry])? in
            let entries = run.history.filter { $0.testAccuracy != nil }
            return entries.isEmpty ? nil : (legendName(run), entries)
        }
        let series = histories.map { name, entries in
            Series(name: name, x: entries.map { Double($0.step) }, y: entries.map { 100 * ($0.testAccuracy ?? .nan) })
        }
        return Figure(
            id: id, title: title, caption: caption,
            content: .lines(LinePlot(xAxis: Axis("step", minimum: 0), yAxis: Axis("test accuracy (%)"), series: series)))
    }

    /// A value of the history (the loss, or anything derived from it) against steps or seconds,
    /// one line per named history; logarithmic when the positive values span more than a decade.
    /// - Parameters:
    ///   - histories: (legend name, history) pairs.
    ///   - value: the plotted value of an entry (non-finite values are gaps).
    ///   - target: a dashed reference line, nil for none.
    public static func curves(
        id: String, title: String, histories: [(String, [HistoryEntry])], against abscissa: Abscissa,
        value: (HistoryEntry) -> Double, valueLabel: String, target: Double? = nil, caption: String = ""
    ) -> Figure {
        let series = histories.map { name, history in
            Series(name: name, x: history.map { abscissa == .steps ? Double($0.step) : $0.seconds }, y: history.map(value))
        }
        let values = series.flatMap(\.y).filter { $0.isFinite && $0 > 0 } + (target.map { [$0] } ?? [])
        let spansDecades = (values.max() ?? 1) > 10 * (values.min() ?? 1)
        let xLabel = abscissa == .steps ? "step" : "wall time (s)"
        return Figure(
            id: id, title: title, caption: caption,
            content: .lines(LinePlot(
                xAxis: Axis(xLabel, minimum: 0), yAxis: Axis(valueLabel, scale: spansDecades ? .log : .linear), series: series,
                referenceLines: target.map { [ReferenceLine(y: $0, label: "target \(Table.cell($0))")] } ?? [])))
    }

    /// The legend entry of a run: its label, marked when it diverged.
    static func legendName(_ run: TrainingRun) -> String {
        run.divergedAtStep.map { "\(run.label) (diverged at step \($0))" } ?? run.label
    }
}
