import Foundation
import NGLinearAlgebra
import NGOptimizers

/// A full-batch training run recorded step by step: the objective and the cumulative wall time
/// after every step, and the parameters at the end — what the curvature experiments need from a
/// run (they compare a handful of optimizers on small Float64 problems without the minibatch
/// machinery of `TrainingSession`).
public struct CurvatureTrainingPath: Sendable {
    /// The legend name.
    public var label: String
    /// J(θₜ) for t = 0…steps taken (entry 0 at the start).
    public var losses: [Double]
    /// Cumulative step time in seconds after t steps (entry 0 is 0); evaluations of the loss for
    /// this record are not counted.
    public var seconds: [Double]
    /// θ after the last step taken.
    public var parameters: Vector<Double>
    /// The step whose result was not finite, or whose optimizer threw, nil when none did.
    public var stoppedAtStep: Int?
    /// Why the run stopped early, nil when it did not.
    public var stopReason: String?

    /// The last recorded loss.
    public var finalLoss: Double { losses.last ?? .nan }

    /// Runs `steps` full-batch steps of `optimizer` from `initial` on `objective`, recording the
    /// full-batch objective after every step. A step that throws (a non-finite loss, a damped
    /// curvature that cannot be factored) ends the run and is recorded, not rethrown: a
    /// diverging optimizer is a result.
    /// - Parameter observe: called after every step with (step, θ) — for per-step measurements.
    /// - Throws: errors of evaluating the objective at the start.
    public static func run<O: Objective, Opt: Optimizer>(
        _ optimizer: Opt, label: String, objective: O, from initial: Vector<Double>, steps: Int,
        observe: ((Int, Vector<Double>) throws -> Void)? = nil
    ) throws -> CurvatureTrainingPath where O.Scalar == Double, Opt.Scalar == Double {
        var optimizer = optimizer
        var parameters = initial
        var losses = [Double(try objective.loss(at: parameters, batch: .all))]
        var seconds = [0.0]
        var stoppedAt: Int?, reason: String?
        try observe?(0, parameters)
        for step in stride(from: 1, through: steps, by: 1) {
            let start = ContinuousClock.now
            do {
                _ = try optimizer.step(&parameters, objective: objective, batch: .all)
            } catch {
                stoppedAt = step
                reason = "\(error)"
                break
            }
            let elapsed = start.elapsedSeconds
            let loss = Double(try objective.loss(at: parameters, batch: .all))
            guard loss.isFinite else {
                stoppedAt = step
                reason = "the loss became \(loss)"
                break
            }
            losses.append(loss)
            seconds.append(seconds.last! + elapsed)
            try observe?(step, parameters)
        }
        return CurvatureTrainingPath(
            label: label, losses: losses, seconds: seconds, parameters: parameters, stoppedAtStep: stoppedAt, stopReason: reason)
    }
}
