import NGLinearAlgebra

/// Limited-memory BFGS with a strong Wolfe line search (Liu & Nocedal 1989; Nocedal & Wright
/// 2006, "Numerical optimization", 2nd ed., Alg. 7.5).
///
/// Each step, from θ with gradient g:
///
///     d = −H·g                    (two-loop recursion over the last m pairs, ``LBFGSMemory``)
///     α = strong Wolfe step along d, tried first at α = 1
///     θ ← θ + α·d,  store (s, y) = (α·d, ∇J(θ + α·d) − g) unless sᵀy ≤ ε·‖s‖·‖y‖
///
/// With no pairs (the first step, or after a reset) d = −g and the first trial is
/// α = min(1, 1/‖g‖), a step of length at most 1. If d is not a descent direction, or the line
/// search finds no decrease along it, the memory is cleared and the step retried along −g; when
/// that too fails (at a minimum to machine precision) θ is left unchanged and the report's
/// `line_search_failed` is 1.
///
/// Every trial point is evaluated with gradient (`objective.evaluate`), since the curvature
/// condition needs φ'(α); the accepted point's loss and gradient are kept and reused by the next
/// step when it starts from there on the same batch, so a step whose first trial is accepted
/// costs one evaluation.
///
/// **For full-batch (or large fixed-batch) use.** The pairs and the line search assume one
/// deterministic function: on changing minibatches y mixes gradient noise into the curvature
/// estimate and the Wolfe conditions hold only for the batch searched. With `.all` (or a fixed
/// index list) the optimizer is deterministic: the same start gives the same iterates.
///
/// Reported diagnostics: `step_size` (α), `line_search_evaluations`, `strong_wolfe` (1 when both
/// conditions hold at α), `memory` (pairs stored after the step), `pair_skipped` (1 when the
/// curvature test rejected the new pair), `line_search_failed`.
public struct LBFGS<Scalar: BLASScalar>: Optimizer {
    public var name: String { "lbfgs" }
    public let settings: LBFGSSettings<Scalar>
    /// The curvature pairs.
    public private(set) var memory: LBFGSMemory<Scalar>
    /// The point the last step moved to, with its loss and gradient on that step's batch.
    private var lastPoint: (parameters: Vector<Scalar>, batch: Batch, loss: Scalar, gradient: Vector<Scalar>)?

    /// - Parameter settings: m = 10, ε = √(machine ε), strong Wolfe c₁ = 10⁻⁴, c₂ = 0.9 by default.
    public init(settings: LBFGSSettings<Scalar>? = nil) throws {
        let settings = try settings ?? LBFGSSettings()
        self.settings = settings
        memory = try LBFGSMemory(capacity: settings.memory, curvatureThreshold: settings.curvatureThreshold)
    }

    /// What the line search keeps at a trial point.
    private struct TrialPoint {
        let parameters: Vector<Scalar>
        let gradient: Vector<Scalar>
    }

    /// - Throws: ``OptimizerError/nonFinite(_:)`` when the loss or gradient at θ is not finite;
    ///   errors of the objective.
    public mutating func step<O: Objective>(_ parameters: inout Vector<Scalar>, objective: O, batch: Batch) throws -> StepReport
    where O.Scalar == Scalar {
        let loss: Scalar
        let gradient: Vector<Scalar>
        if let last = lastPoint, last.batch == batch, last.parameters == parameters {
            (loss, gradient) = (last.loss, last.gradient)
        } else {
            let point = try objective.evaluate(at: parameters, batch: batch)
            (loss, gradient) = (point.loss, point.gradient)
        }
        guard loss.isFinite, gradient.isFinite else {
            throw OptimizerError.nonFinite("L-BFGS: the loss (\(loss)) or the gradient at the current parameters is not finite")
        }
        var diagnostics: [String: Double] = [
            "step_size": 0, "line_search_evaluations": 0, "strong_wolfe": 0, "pair_skipped": 0, "line_search_failed": 0,
        ]
        let gradientNorm = gradient.norm
        guard gradientNorm > 0 else {
            diagnostics["memory"] = Double(memory.pairs.count)
            return StepReport(loss: Double(loss), diagnostics: diagnostics)
        }

        var evaluations = 0
        var result: LineSearchResult<Scalar, TrialPoint>?
        for attempt in 0..<2 {
            // Attempt 0 uses the memory; attempt 1 (after a failure) steepest descent.
            if attempt == 1 {
                guard !memory.pairs.isEmpty else { break }
                memory.removeAll()
            }
            var direction = memory.pairs.isEmpty ? gradient : try memory.inverseHessianProduct(gradient)
            direction.scale(by: -1)
            var slope = try gradient.dot(direction)
            if !(slope < 0) || !direction.isFinite {
                memory.removeAll()
                direction = -gradient
                slope = -gradientNorm * gradientNorm
            }
            let initialStep = memory.pairs.isEmpty ? Swift.min(1, 1 / gradientNorm) : 1
            let start = parameters
            let search = try settings.lineSearch.search(value: loss, slope: slope, initialStep: initialStep) { alpha in
                var trial = start
                try trial.add(direction, scaledBy: alpha)
                let point = try objective.evaluate(at: trial, batch: batch)
                let trialSlope = point.gradient.isFinite ? try point.gradient.dot(direction) : Scalar.nan
                return (point.loss, trialSlope, TrialPoint(parameters: trial, gradient: point.gradient))
            }
            evaluations += search.evaluations
            result = search
            if search.accepted != nil { break }
        }
        diagnostics["line_search_evaluations"] = Double(evaluations)

        guard let accepted = result?.accepted else {
            diagnostics["line_search_failed"] = 1
            diagnostics["memory"] = Double(memory.pairs.count)
            return StepReport(loss: Double(loss), diagnostics: diagnostics)
        }
        let step = accepted.payload.parameters - parameters
        let gradientChange = accepted.payload.gradient - gradient
        let stored = try memory.append(step: step, gradientChange: gradientChange)
        parameters = accepted.payload.parameters
        lastPoint = (parameters, batch, accepted.value, accepted.payload.gradient)
        diagnostics["step_size"] = Double(accepted.step)
        diagnostics["strong_wolfe"] = result?.satisfiesStrongWolfe == true ? 1 : 0
        diagnostics["pair_skipped"] = stored ? 0 : 1
        diagnostics["memory"] = Double(memory.pairs.count)
        return StepReport(loss: Double(loss), diagnostics: diagnostics)
    }
}
