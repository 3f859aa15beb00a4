import NGReport
import NGTraining

/// The loss every optimizer of a comparison is timed to, and how it was chosen.
public struct TargetLoss: Sendable, Equatable, Codable {
    /// The target training loss; nil when none could be chosen (every baseline diverged).
    public var value: Double?
    /// The run whose final loss set it, nil for a target given with `--target-loss`.
    public var setBy: String?
    /// One sentence for the table note.
    public var explanation: String

    /// `explicit` when given; otherwise the lowest final loss among the first-order runs that
    /// did not diverge ("how fast does each method get to where the best baseline ends"), or —
    /// when there is no such run — among all runs that did not diverge.
    public static func choose(explicit: Double?, runs: [(choice: OptimizerChoice, run: TrainingRun)]) -> TargetLoss {
        if let explicit {
            return TargetLoss(value: explicit, setBy: nil, explanation: "The target loss \(Table.cell(explicit)) was given with --target-loss.")
        }
        let finished = runs.filter { $0.run.divergedAtStep == nil && $0.run.finalLoss.isFinite }
        let baselines = finished.filter { $0.choice.isFirstOrder }
        let pool = baselines.isEmpty ? finished : baselines
        guard let best = pool.min(by: { $0.run.finalLoss < $1.run.finalLoss }) else {
            return TargetLoss(value: nil, setBy: nil, explanation: "No target: every run diverged.")
        }
        let kind = baselines.isEmpty ? "run (no first-order baseline finished)" : "first-order baseline"
        return TargetLoss(
            value: best.run.finalLoss, setBy: best.run.label,
            explanation: "The target loss \(Table.cell(best.run.finalLoss)) is the final training loss of \(best.run.label), the best \(kind) in this comparison.")
    }
}
