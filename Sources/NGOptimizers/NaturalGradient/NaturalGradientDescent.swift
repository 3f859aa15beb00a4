import NGLinearAlgebra

/// Natural-gradient descent with any curvature approximation (Amari 1998):
///
///     Δ = −α·(F̃ + λI)⁻¹·∇J(θ),     θ ← θ + Δ,
///
/// with F̃ a ``CurvatureApproximation`` — the exact Fisher, GGN or Hessian (``ExactCurvatureApproximation``,
/// ``MatrixFreeCurvatureApproximation``), its diagonal, layer blocks, a low-rank or TONGA model,
/// a Neumann series, a clipped spectrum, K-FAC — and λ a Tikhonov damping. Around the step:
///
/// - **Schedules** (Martens & Grosse 2015, §8): the curvature statistics are folded into their
///   running average (decay `curvatureDecay`) every T₁ = `curvatureUpdateInterval` steps, and the
///   inverse is recomputed for the current λ every T₂ = `inverseUpdateInterval` steps (and at the
///   first step). Between inverse updates the last inverse is reused, so a λ changed by the
///   adaptation takes effect at the next inverse update.
/// - **KL bound / trust region** (`klBound` δ): when ½·ΔᵀF̃Δ > δ, Δ is scaled by
///   √(δ / (½·ΔᵀF̃Δ)), so that the second-order estimate of the KL divergence between the model's
///   predictive distributions before and after the step is at most δ (the "KL clipping" of Ba,
///   Grosse & Martens 2017; Pascanu & Bengio 2014 for the trust-region view). F̃ is undamped here.
/// - **Momentum** μ: v ← μ·v + Δ, the step is v (after the KL scaling).
/// - **Levenberg–Marquardt damping** (``LevenbergMarquardtDamping``): every T₃ steps, the
///   reduction ratio ρ = (J(θ + Δ) − J(θ)) / (q(Δ) − q(0)), with q(Δ) = ∇JᵀΔ + ½·ΔᵀF̃Δ (undamped
///   by default; the damped model adds ½·λ‖Δ‖²), is computed on the step's batch at the cost of
///   one extra loss evaluation, and λ is raised by 1/ω when ρ < 1/4, lowered by ω when ρ > 3/4
///   (Martens 2010, §4.1; Martens & Grosse 2015, §6.5).
///
/// With F̃ = I (``IdentityApproximation``) and λ = 0 the step is exactly SGD's; with the exact
/// Fisher of a canonical-link GLM, λ = 0 and α = 1 it is Newton's method (Fisher = Hessian).
///
/// The step report's diagnostics: `damping` (λ after this step's adaptation), `rho` (when
/// computed), `step_scale` (the KL scale, 1 when inactive) and `learning_rate`.
public struct NaturalGradientDescent<Approximation: CurvatureApproximation>: Optimizer {
    public typealias Scalar = Approximation.Scalar

    /// The hyperparameters.
    public let settings: NaturalGradientDescentSettings<Scalar>
    /// The curvature approximation, with its statistics and inverse.
    public private(set) var approximation: Approximation
    /// The step count, damping, momentum and last diagnostics.
    public private(set) var state: NaturalGradientDescentState<Scalar>

    /// - Parameters:
    ///   - approximation: the curvature approximation (fresh, or carried over from another run).
    ///   - settings: the hyperparameters.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for invalid settings.
    public init(approximation: Approximation, settings: NaturalGradientDescentSettings<Scalar> = .init()) throws {
        try settings.validate()
        self.settings = settings
        self.approximation = approximation
        self.state = NaturalGradientDescentState(damping: settings.damping)
    }

    public var name: String { "ngd" }

    /// One natural-gradient step (see the type's documentation for the order of operations).
    /// - Throws: ``OptimizerError/nonFinite(_:)`` when the loss, the step or the parameters
    ///   are NaN or infinite (the parameters are then left unchanged); errors of the objective
    ///   and of the approximation (e.g. a damped curvature that is not positive definite).
    public mutating func step<O: Objective>(_ parameters: inout Vector<Scalar>, objective: O, batch: Batch) throws -> StepReport
    where O.Scalar == Scalar {
        let t = state.step
        let point = try objective.evaluate(at: parameters, batch: batch)
        guard point.loss.isFinite else {
            throw OptimizerError.nonFinite("NGD: the objective is \(point.loss) at step \(t)")
        }
        if t % settings.curvatureUpdateInterval == 0 {
            try approximation.updateStatistics(at: point, layers: objective.layers, decay: settings.curvatureDecay)
        }
        if t % settings.inverseUpdateInterval == 0 || state.inverseDamping == nil {
            try approximation.updateInverse(damping: state.damping)
            state.inverseDamping = state.damping
        }

        // Δ = −α·(F̃ + λI)⁻¹∇J.
        var delta = try approximation.solve(point.gradient)
        delta.scale(by: -settings.learningRate)

        // The KL bound ½ΔᵀF̃Δ ≤ δ.
        var scale: Scalar = 1
        if let bound = settings.klBound {
            let quadratic = try delta.dot(approximation.multiply(delta)) / 2
            if quadratic > bound {
                scale = (bound / quadratic).squareRoot()
                delta.scale(by: scale)
            }
        }
        state.stepScale = scale

        if settings.momentum > 0 {
            var velocity = state.velocity ?? Vector(count: delta.count)
            velocity.scale(by: settings.momentum)
            try velocity.add(delta)
            delta = velocity
        }
        guard delta.isFinite else {
            throw OptimizerError.nonFinite("NGD: the step is NaN or infinite at step \(t) (damping \(state.inverseDamping ?? state.damping))")
        }
        var next = parameters
        try next.add(delta)
        guard next.isFinite else {
            throw OptimizerError.nonFinite("NGD: the parameters would become NaN or infinite at step \(t)")
        }

        var diagnostics: [String: Double] = [:]
        if let adaptation = settings.dampingAdaptation, adaptation.adapts(afterStep: t) {
            let trialLoss = try objective.loss(at: next, batch: batch)
            var curvature = try delta.dot(approximation.multiply(delta))
            if adaptation.quadraticModel == .damped { curvature += (state.inverseDamping ?? state.damping) * (try delta.dot(delta)) }
            let predicted = try point.gradient.dot(delta) + curvature / 2
            if !trialLoss.isFinite {
                // The step leaves the objective's domain: ρ is undefined (not stored), λ is raised.
                state.rho = nil
                state.damping = adaptation.adapted(state.damping, rho: -.infinity)
            } else if predicted < 0 {
                let rho = (trialLoss - point.loss) / predicted
                state.rho = rho
                state.damping = adaptation.adapted(state.damping, rho: rho)
                diagnostics["rho"] = Double(rho)
            }
        }

        if settings.momentum > 0 { state.velocity = delta }
        parameters = next
        state.step += 1
        diagnostics["damping"] = Double(state.damping)
        diagnostics["step_scale"] = Double(scale)
        diagnostics["learning_rate"] = Double(settings.learningRate)
        return StepReport(loss: Double(point.loss), diagnostics: diagnostics)
    }
}
