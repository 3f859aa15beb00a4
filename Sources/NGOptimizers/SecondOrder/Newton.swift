import NGCurvature
import NGLinearAlgebra

/// Damped Newton's method (Levenberg–Marquardt) with the dense curvature, for small models.
///
/// Each step, with g = ∇J(θ) and C the P×P curvature of ``NewtonSettings/kind`` at θ (the
/// Hessian, or a Fisher / Gauss-Newton matrix, each including the L2 penalty's λ₂·M):
///
///     Δ = −(C + λI)⁻¹·g                          (Cholesky)
///     q(Δ) − q(0) = gᵀΔ + ½·ΔᵀCΔ                  (the undamped quadratic model's change, < 0)
///     ρ = (J(θ + Δ) − J(θ)) / (q(Δ) − q(0))       (the reduction ratio)
///
/// A step that does not decrease J is rejected and the solve retried with a larger λ; so is a
/// damped matrix that is not positive definite (an indefinite Hessian with λ < −λ_min), which
/// is how negative curvature is handled: λ grows until C + λI is positive definite and the step
/// decreases J — the trust-region behaviour of Levenberg–Marquardt (Moré 1978), with
/// λ adapted from ρ between steps as ``NewtonSettings`` describes (Martens 2010, §4.1). Every
/// accepted step decreases J (up to rounding: when both the predicted and the actual change are
/// below the rounding of J, the step is taken and λ kept). As λ → 0 the step is Newton's, and
/// on a quadratic with C = ∇²J and λ₀ = 0 the first step lands on the minimum.
///
/// The cost per step is one evaluation with the dense P×P curvature, one Cholesky (P³/3) per
/// attempt and one loss evaluation per attempt: for models up to a few thousand parameters
/// (``NewtonSettings/maximumParameterCount``).
///
/// Reported diagnostics: `damping` (λ of the accepted step, or the last one tried), `rho`,
/// `attempts` (damped solves this step), `rejected` (attempts that were rejected or failed to
/// factor), `step_rejected` (1 when no attempt decreased J and θ was left unchanged).
public struct Newton<Scalar: BLASScalar>: Optimizer {
    public let settings: NewtonSettings<Scalar>
    /// λ for the next step.
    public private(set) var damping: Scalar
    /// The number of steps taken (the Monte-Carlo seed's offset).
    public private(set) var stepCount: Int = 0

    /// - Parameter settings: the Hessian, λ₀ = 10⁻³, thresholds 1/4 and 3/4, factors 3/2 and 2/3 by default.
    public init(settings: NewtonSettings<Scalar>? = nil) throws {
        let settings = try settings ?? NewtonSettings()
        self.settings = settings
        damping = settings.initialDamping
    }

    public var name: String { settings.kind == .hessian ? "newton" : "newton-\(settings.kind.rawValue)" }

    /// - Throws: ``OptimizerError/unsupported(_:)`` when P exceeds the settings' maximum,
    ///   ``OptimizerError/nonFinite(_:)`` when the loss, gradient or curvature at θ is not
    ///   finite; errors of the objective.
    public mutating func step<O: Objective>(_ parameters: inout Vector<Scalar>, objective: O, batch: Batch) throws -> StepReport
    where O.Scalar == Scalar {
        guard objective.parameterCount <= settings.maximumParameterCount else {
            throw OptimizerError.unsupported(
                "Newton: \(objective.parameterCount) parameters exceed the dense-curvature limit of \(settings.maximumParameterCount); use a matrix-free or approximate curvature")
        }
        let point = try objective.evaluate(at: parameters, batch: batch)
        let loss = point.loss
        let gradient = point.gradient
        guard loss.isFinite, gradient.isFinite else {
            throw OptimizerError.nonFinite("Newton: the loss (\(loss)) or the gradient at the current parameters is not finite")
        }
        let seed = settings.seed &+ UInt64(stepCount)
        stepCount += 1
        var diagnostics: [String: Double] = ["damping": Double(damping), "rho": 0, "attempts": 0, "rejected": 0, "step_rejected": 0]
        guard gradient.norm > 0 else { return StepReport(loss: Double(loss), diagnostics: diagnostics) }
        let curvature = try point.denseCurvature(settings.kind, samples: settings.samples, seed: seed)
        guard curvature.isFinite else { throw OptimizerError.nonFinite("Newton: the \(settings.kind.displayName) has NaN or infinite entries") }

        // The smallest λ a failed attempt moves to when λ = 0: √ε relative to the curvature's scale.
        let diagonalScale = curvature.diagonal.sumOfMagnitudes / Scalar(Swift.max(curvature.rows, 1))
        let smallestRetryDamping = Scalar.ulpOfOne.squareRoot() * (diagonalScale > 0 ? diagonalScale : 1)
        let noise = 16 * Scalar.ulpOfOne * Swift.max(Swift.abs(loss), Scalar.leastNormalMagnitude)
        var lambda = damping
        var rejected = 0
        for attempt in 1...settings.maximumAttempts {
            diagnostics["attempts"] = Double(attempt)
            diagnostics["damping"] = Double(lambda)
            let factor: Cholesky<Scalar>
            do {
                factor = try Cholesky(curvature.addingToDiagonal(lambda))
            } catch LinearAlgebraError.notPositiveDefinite {
                rejected += 1
                lambda = Swift.max(lambda * settings.rejectionFactor, smallestRetryDamping)
                continue
            }
            var delta = try factor.solve(gradient)
            delta.scale(by: -1)
            let curvatureTerm = try delta.dot(try curvature.multiplied(by: delta))
            let predicted = try gradient.dot(delta) + curvatureTerm / 2
            var trial = parameters
            try trial.add(delta)
            let trialLoss = try objective.loss(at: trial, batch: batch)
            let actual = trialLoss - loss
            let rho = actual / predicted
            diagnostics["rho"] = Double(rho)
            let withinRounding = Swift.abs(predicted) <= noise && actual <= noise
            guard trialLoss.isFinite, actual < 0 || withinRounding else {
                rejected += 1
                lambda = Swift.max(lambda * settings.rejectionFactor, smallestRetryDamping)
                continue
            }
            parameters = trial
            if !withinRounding { lambda = settings.rule.adapted(lambda, rho: rho) }
            damping = lambda
            diagnostics["rejected"] = Double(rejected)
            return StepReport(loss: Double(loss), diagnostics: diagnostics)
        }
        // No attempt decreased J: keep θ and the raised λ for the next step.
        damping = lambda
        diagnostics["rejected"] = Double(rejected)
        diagnostics["step_rejected"] = 1
        return StepReport(loss: Double(loss), diagnostics: diagnostics)
    }
}
