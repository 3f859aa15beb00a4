import NGCurvature
import NGLinearAlgebra

/// Hessian-free optimization (Martens 2010, "Deep learning via Hessian-free optimization";
/// Martens & Sutskever 2012, "Training deep and recurrent networks with Hessian-free
/// optimization"): a truncated Newton method whose Newton system is solved by conjugate
/// gradient with matrix-free curvature-vector products.
///
/// Each step, at θ with gradient g = ∇J(θ) on the batch and curvature G on the curvature batch
/// (a subset of it, ``HessianFreeSettings/curvatureBatchFraction``):
///
/// 1. CG solves (G + λI)·Δ = −g, i.e. minimizes the damped quadratic model
///    φ(Δ) = gᵀΔ + ½·Δᵀ(G + λI)Δ, from the **warm start** Δ₀ = ζ·Δ_prev (the previous step's
///    final CG iterate, ζ = 0.95, §4.5), stopping on Martens' relative-progress rule (§4.4) or
///    the iteration cap, optionally with the diagonal preconditioner
///    [diag(mean gᵢ²) + λI]^0.75 (§4.7, ``MartensDiagonalPreconditioner``). The products G·v
///    come from ``EvaluatedObjective/curvatureProduct(_:_:samples:seed:)``: the Gauss–Newton
///    matrix by default, or a Fisher, or the Hessian.
/// 2. **CG-iterate backtracking** (§4.6): CG keeps its iterates at iterations ⌈1.3ʲ⌉; J is
///    evaluated at θ + Δᵢ from the last stored iterate backwards, moving to an earlier one while
///    it has the lower objective. Later CG iterates fit the quadratic model better but may be
///    worse for the true objective when the model is poor far from θ.
/// 3. Optionally an Armijo line search scales the chosen Δ (``HessianFreeLineSearch``).
/// 4. **Levenberg–Marquardt damping** from ρ = (J(θ + αΔ) − J(θ)) / q(αΔ) with the undamped
///    model q(Δ) = gᵀΔ + ½·ΔᵀGΔ (``LevenbergMarquardtRule``: λ·3/2 if ρ < 1/4, λ·2/3 if
///    ρ > 3/4). q needs no extra curvature product: CG records φ at every iterate and
///    q(Δ) = φ(Δ) − ½λ‖Δ‖².
///
/// Then θ ← θ + αΔ. When the line search rejects every length (α = 0), or without a line search
/// when J(θ + Δ) is not finite, the parameters stay and ρ is that of the unit step, so λ grows.
///
/// **Non-positive curvature.** The Hessian may be indefinite (and a Gauss–Newton matrix with
/// λ = 0 singular). When CG meets a direction p with pᵀ(G + λI)p ≤ 0 it stops; the iterates
/// before it still decrease the model and are used as usual. If none does (the model has not
/// decreased below φ = 0), the step raises λ to max(3/2·λ, λ + 2|pᵀ(G + λI)p|/‖p‖², √ε),
/// which makes that direction positively curved, and solves again from 0, up to
/// ``HessianFreeSettings/curvatureRetries`` times; the raised λ carries over to later steps.
///
/// Diagnostics: `damping` (the λ of the solve), `rho`, `cg_iterations` (all solves of the step),
/// `chosen_iterate` (the CG iteration of the chosen Δ), `step_size` (α), `loss_after` (J on the
/// batch after the step), `nonpositive_curvature` (1 when CG met it), `curvature_retries`,
/// `curvature_batch_size`.
public struct HessianFree<Scalar: BLASScalar>: Optimizer {
    public var name: String { "hessian-free" }
    /// The hyperparameters.
    public let settings: HessianFreeSettings<Scalar>
    /// λ for the next step.
    public private(set) var damping: Scalar
    /// The final CG iterate of the last step, which (times ζ) warm-starts the next solve.
    public private(set) var previousSolution: Vector<Scalar>?
    /// The number of steps taken.
    public private(set) var stepCount = 0

    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for unusable settings.
    public init(settings: HessianFreeSettings<Scalar> = HessianFreeSettings()) throws {
        try settings.validate()
        self.settings = settings
        damping = settings.initialDamping
    }

    public mutating func step<O: Objective>(_ parameters: inout Vector<Scalar>, objective: O, batch: Batch) throws -> StepReport
    where O.Scalar == Scalar {
        guard parameters.count == objective.parameterCount else {
            throw OptimizerError.invalidArgument("HessianFree: \(parameters.count) parameters given, the objective has \(objective.parameterCount)")
        }
        let point = try objective.evaluate(at: parameters, batch: batch)
        let loss = point.loss
        let gradient = point.gradient
        guard loss.isFinite, gradient.isFinite else {
            throw OptimizerError.nonFinite("HessianFree: the loss or gradient is not finite at step \(stepCount) (loss \(loss))")
        }
        let curvatureBatch = try CurvatureMinibatch.select(
            from: batch, exampleCount: objective.exampleCount, fraction: settings.curvatureBatchFraction,
            seed: CurvatureMinibatch.stepSeed(settings.seed, step: stepCount, stream: 1))
        let curvaturePoint = curvatureBatch == batch ? point : try objective.evaluate(at: parameters, batch: curvatureBatch)
        let perExampleGradients = settings.preconditionerExponent == nil ? nil : try point.perExampleGradients()
        let warmStart = previousSolution.flatMap { previous -> Vector<Scalar>? in
            guard let zeta = settings.warmStartDecay, zeta > 0, previous.count == parameters.count else { return nil }
            return zeta * previous
        }

        let solve = try solveDamped(
            gradient: gradient, curvaturePoint: curvaturePoint, perExampleGradients: perExampleGradients, damping: damping,
            warmStart: warmStart, productSeed: CurvatureMinibatch.stepSeed(settings.seed, step: stepCount, stream: 2))
        let result = solve.result
        let lambda = solve.damping

        // CG-iterate backtracking on the true objective (§4.6).
        let candidates: [(iteration: Int, point: Vector<Scalar>)] =
            result.iterates.isEmpty ? [(result.iterations, result.solution)] : result.iterates.map { ($0.iteration, $0.point) }
        let chosen = try Self.backtrack(candidates.map(\.point), from: parameters, objective: objective, batch: batch)
        let direction = candidates[chosen.index].point
        let slope = try gradient.dot(direction)
        let squaredLength = try direction.dot(direction)
        let modelValue = result.objectiveValues[candidates[chosen.index].iteration] - lambda / 2 * squaredLength
        let curvatureTerm = 2 * (modelValue - slope)  // ΔᵀGΔ

        var stepSize: Scalar = 1
        var newLoss = chosen.loss
        if let lineSearch = settings.lineSearch {
            (stepSize, newLoss) = try lineSearch.search(currentLoss: loss, slope: slope, fullStepLoss: chosen.loss) { alpha in
                try Self.lossValue(objective, parameters, alpha * direction, batch)
            }
        } else if !chosen.loss.isFinite {
            (stepSize, newLoss) = (0, loss)  // never step into NaN or ∞
        }
        // ρ of the step taken, or of the unit step when the line search rejected it.
        let rhoLength: Scalar = stepSize > 0 ? stepSize : 1
        let rhoLoss = stepSize > 0 ? newLoss : chosen.loss
        let predicted = rhoLength * slope + rhoLength * rhoLength / 2 * curvatureTerm
        let rho: Scalar? = predicted < 0 ? (rhoLoss - loss) / predicted : nil

        if stepSize > 0 { try parameters.add(direction, scaledBy: stepSize) }
        previousSolution = result.solution
        if let rule = settings.dampingAdaptation, let rho, !rho.isNaN {
            damping = rule.adapted(lambda, rho: rho)
        } else {
            damping = lambda
        }
        stepCount += 1

        var diagnostics: [String: Double] = [
            "damping": Double(lambda),
            "cg_iterations": Double(solve.totalIterations),
            "chosen_iterate": Double(candidates[chosen.index].iteration),
            "step_size": Double(stepSize),
            "loss_after": Double(newLoss),
            "nonpositive_curvature": solve.metNonPositiveCurvature ? 1 : 0,
            "curvature_retries": Double(solve.retries),
            "curvature_batch_size": Double(curvaturePoint.batchSize),
        ]
        if let rho, rho.isFinite { diagnostics["rho"] = Double(rho) }
        return StepReport(loss: Double(loss), diagnostics: diagnostics)
    }
}
