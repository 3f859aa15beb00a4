import NGCurvature
import NGLinearAlgebra
import NGModels

/// K-FAC, Kronecker-factored approximate curvature (Martens & Grosse 2015, "Optimizing neural
/// networks with Kronecker-factored approximate curvature"; Grosse & Martens 2016 for
/// convolutions): natural-gradient descent with the block-diagonal Kronecker approximation of
/// the Fisher.
///
/// Step k (counted from 0) on a batch:
/// 1. evaluate J and ∇J at θ;
/// 2. every T₁ steps, fold the layers' factors A (inputs) and G (pre-activation gradients,
///    from the exact, Monte-Carlo or empirical Fisher) into running averages with decay
///    min(1 − 1/u, ε_max) for the u-th update (``KFACLayerFactors``);
/// 3. every T₂ steps, invert the damped factors: (A + π·γ·I)⁻¹ and (G + (γ/π)·I)⁻¹ with
///    γ = √(λ + η) (λ the damping, η the L2 coefficient) and π from the factors' traces
///    (``KFACFactoredDamping``), by Cholesky;
/// 4. the proposal Δ = −F̃⁻¹∇J, per layer −G_d⁻¹·[∇W | ∇b]·A_d⁻¹ (two gemms);
/// 5. the step δ = α·Δ + μ·δ₀ (δ₀ the previous step) with α, μ fixed or from the quadratic
///    model over {Δ, δ₀} (``KFACStepRule``, ``KFACQuadraticModel``), α optionally clipped so
///    that α²·ΔᵀF̃_dΔ ≤ κ (``KFACSettings/klClip``); the model's curvature terms ΔᵀCΔ, δ₀ᵀCΔ,
///    δ₀ᵀCδ₀ come, on networks, from forward-mode tangents on the first
///    ``KFACSettings/modelExampleLimit`` examples (``KFACCurvatureForms``), elsewhere from
///    curvature-vector products;
/// 6. every T₃ steps, the reduction ratio ρ = (J(θ + δ) − J(θ)) / (M(δ) − M(0)) on the same
///    batch adapts λ (Levenberg–Marquardt, ``LevenbergMarquardtDamping``), with
///    M(δ) − M(0) = ½·δᵀCδ + ∇Jᵀδ the undamped model of the exact curvature C (or damped, as
///    the adaptation says); when the model predicts no decrease (possible with a fixed α) and J
///    rose, λ is raised as for ρ = −∞, and otherwise kept;
/// 7. θ ← θ + δ.
///
/// ## Speed
/// On networks (``KFACStatisticsSource``) the statistics come from the forward pass the
/// gradient already needed — A by one syrk per layer straight into the running average, G from
/// one extra backward pass of input gradients only (no parameter gradients) per output-gradient
/// batch and one syrk per layer — and the preconditioned gradient is two gemms per layer on
/// the flat gradient (no reshaping copies), into buffers kept between steps. The damped inverses
/// are Cholesky inverses (potrf + potri, n³ FLOPs per factor of order n). Other objectives with
/// layers use `EvaluatedObjective.kroneckerFactors`. ``KFACState/timings`` records the seconds
/// spent in each part of the steps.
///
/// ```swift
/// var kfac = try KFAC<Float>(settings: .fixed(learningRate: 0.05, momentum: 0.9))
/// for _ in 0..<steps { _ = try kfac.step(&parameters, objective: objective, batch: .examples(nextBatch())) }
/// ```
public struct KFAC<Scalar: BLASScalar>: Optimizer {
    /// The hyperparameters.
    public let settings: KFACSettings<Scalar>
    /// Everything the optimizer carries between steps.
    public private(set) var state: KFACState<Scalar>

    /// - Throws: ``OptimizerError/invalidArgument(_:)`` naming a bad setting.
    public init(settings: KFACSettings<Scalar> = KFACSettings()) throws {
        try settings.validate()
        self.settings = settings
        state = KFACState(damping: settings.damping)
    }

    public var name: String { "kfac" }

    /// One K-FAC step (see the type's documentation).
    /// - Returns: J(θ) on the batch, with diagnostics `damping` (λ for this step),
    ///   `learning_rate` (α), `momentum` (μ), and when they apply `kl_scale` (ν) and `rho` (ρ).
    /// - Throws: ``OptimizerError/unsupported(_:)`` for an objective without layers,
    ///   ``OptimizerError/nonFinite(_:)`` for a non-finite loss, gradient or step,
    ///   ``OptimizerError/invalidArgument(_:)`` when the layers change or a damped factor is not
    ///   positive definite; errors of the objective.
    public mutating func step<O: Objective>(_ parameters: inout Vector<Scalar>, objective: O, batch: Batch) throws -> StepReport
    where O.Scalar == Scalar {
        let stepStart = ContinuousClock.now
        let layers = objective.layers
        let point = try objective.evaluate(at: parameters, batch: batch)
        var timings = state.timings
        timings.evaluation += stepStart.elapsedSeconds
        guard point.loss.isFinite, KFACKernels.isFinite(point.gradient) else {
            throw OptimizerError.nonFinite("K-FAC: the loss or the gradient is not finite at step \(state.step) (loss \(point.loss))")
        }
        if state.layerFactors.isEmpty {
            state.layerFactors = try KFACStatistics.blocks(for: layers, owner: "K-FAC")
            state.uncovered = KFACStatistics.uncoveredIndices(layers, parameterCount: parameters.count)
            state.preconditioned = Vector(count: parameters.count)
        } else {
            try KFACStatistics.checkLayers(layers, state.layerFactors, owner: "K-FAC")
        }
        guard state.preconditioned.count == parameters.count else {
            throw OptimizerError.invalidArgument("K-FAC: \(parameters.count) parameters, \(state.preconditioned.count) at the first step")
        }
        let source = point as? any KFACStatisticsSource<Scalar>
        let penalty = source?.penaltyCoefficient ?? 0
        let step = state.step
        var diagnostics = [String: Double]()

        // 2. Statistics.
        var partStart = ContinuousClock.now
        if step % settings.curvatureUpdateInterval == 0 {
            let (kind, samples) = settings.fisherEstimate.resolved(outputCount: source?.outputCount)
            let updates = state.statisticsUpdates
            let decay = Swift.min(1 - 1 / Scalar(updates + 1), settings.curvatureDecay)
            try KFACStatistics.update(
                &state.layerFactors, at: point, kind: kind, samples: samples, seed: settings.seed &+ UInt64(updates), decay: decay,
                exampleLimit: settings.statisticsExampleLimit)
            state.statisticsUpdates += 1
        }
        timings.statistics += partStart.elapsedSeconds
        // 3. Inverses.
        partStart = ContinuousClock.now
        let strength = state.damping + penalty
        if step % settings.inverseUpdateInterval == 0 || state.inverseDamping == nil {
            for l in state.layerFactors.indices {
                try state.layerFactors[l].updateInverse(damping: strength, method: settings.inverseMethod)
            }
            state.inverseDamping = strength
        }
        timings.inverses += partStart.elapsedSeconds
        partStart = ContinuousClock.now
        // 4. F̃⁻¹∇J into the kept buffer; Δ = −F̃⁻¹∇J.
        try precondition(point.gradient)
        // With ∇J finite, a finite ∇Jᵀ·F̃⁻¹∇J implies a finite F̃⁻¹∇J: a NaN or ±∞ entry makes its
        // term NaN or ±∞ (0·∞ = NaN), and no finite terms cancel it. One pass, no separate check.
        let gradientDotPreconditioned = try point.gradient.dot(state.preconditioned)
        guard gradientDotPreconditioned.isFinite else {
            throw OptimizerError.nonFinite("K-FAC: the preconditioned gradient is not finite at step \(step)")
        }
        timings.preconditioning += partStart.elapsedSeconds
        partStart = ContinuousClock.now
        // 5. α and μ.
        var learningRate: Scalar, momentum: Scalar
        // The quadratic model's inner products, and (generic path only) the vectors CΔ and Cδ₀,
        // kept for Levenberg–Marquardt.
        var model: KFACQuadraticModel.Products<Scalar>?
        var proposalProduct: Vector<Scalar>?, previousProduct: Vector<Scalar>?
        let forms = settings.modelCurvature == .exact || settings.modelCurvature == .ggn ? point as? any KFACCurvatureForms<Scalar> : nil
        switch settings.stepRule {
        case let .fixed(rate, mu):
            (learningRate, momentum) = (rate, state.previousUpdate == nil ? 0 : mu)
        case .quadraticModel:
            if let forms {
                // Δ = −p with p = F̃⁻¹∇J: the forms of p and δ₀ give those of Δ with signs flipped.
                let p = state.preconditioned
                let directions = [p] + (state.previousUpdate.map { [$0] } ?? [])
                let gram = try forms.kfacCurvatureGram(settings.modelCurvature, directions, exampleLimit: settings.modelExampleLimit)
                var products = KFACQuadraticModel.Products(
                    proposalCurvature: gram[0][0], proposalNormSquared: try p.dot(p), gradientDotProposal: -gradientDotPreconditioned)
                if let previous = state.previousUpdate {
                    products.previous = (
                        cross: -gram[0][1], curvature: gram[1][1], dot: -(try previous.dot(p)), normSquared: try previous.dot(previous),
                        gradientDot: try point.gradient.dot(previous))
                }
                model = products
            } else {
                var proposal = state.preconditioned
                proposal.scale(by: -1)
                let modelSeed = settings.seed &+ 0x4B46_4143 &+ UInt64(step)
                let cProposal = try point.curvatureProduct(settings.modelCurvature, proposal, samples: 1, seed: modelSeed)
                var products = KFACQuadraticModel.Products(
                    proposalCurvature: try proposal.dot(cProposal), proposalNormSquared: try proposal.dot(proposal),
                    gradientDotProposal: -gradientDotPreconditioned)
                if let previous = state.previousUpdate {
                    let cPrevious = try point.curvatureProduct(settings.modelCurvature, previous, samples: 1, seed: modelSeed)
                    products.previous = (
                        cross: try previous.dot(cProposal), curvature: try previous.dot(cPrevious), dot: try previous.dot(proposal),
                        normSquared: try previous.dot(previous), gradientDot: try point.gradient.dot(previous))
                    previousProduct = cPrevious
                }
                model = products
                proposalProduct = cProposal
            }
            (learningRate, momentum) = try KFACQuadraticModel.stepSizes(model!, damping: state.damping)
        }
        timings.stepRule += partStart.elapsedSeconds
        if let klClip = settings.klClip, gradientDotPreconditioned > 0 {
            let scale = Swift.min(1, (klClip / (learningRate * learningRate * gradientDotPreconditioned)).squareRoot())
            learningRate *= scale
            diagnostics["kl_scale"] = Double(scale)
        }
        // δ = α·Δ + μ·δ₀ = μ·δ₀ − α·F̃⁻¹∇J, built in the previous step's buffer.
        var update = state.previousUpdate ?? Vector(count: parameters.count)
        state.previousUpdate = nil  // leave `update` uniquely referenced: scaled in place, no copy
        update.scale(by: momentum)
        try update.add(state.preconditioned, scaledBy: -learningRate)
        guard KFACKernels.isFinite(update) else { throw OptimizerError.nonFinite("K-FAC: the step is not finite at step \(step)") }
        diagnostics["damping"] = Double(state.damping)
        diagnostics["learning_rate"] = Double(learningRate)
        diagnostics["momentum"] = Double(momentum)

        // 6. Levenberg–Marquardt.
        partStart = ContinuousClock.now
        if let adaptation = settings.dampingAdaptation, adaptation.adapts(afterStep: step) {
            // δᵀCδ for δ = α·Δ + μ·δ₀ (α after any KL clipping).
            var curvatureTerm: Scalar
            if let proposalProduct {
                // Cδ = α·CΔ + μ·Cδ₀ from the model's products.
                var product = proposalProduct
                product.scale(by: learningRate)
                if let previousProduct { try product.add(previousProduct, scaledBy: momentum) }
                curvatureTerm = try update.dot(product)
            } else if let model {
                // From the model's forms: α²·ΔᵀCΔ + 2αμ·δ₀ᵀCΔ + μ²·δ₀ᵀCδ₀.
                curvatureTerm = learningRate * learningRate * model.proposalCurvature
                if let previous = model.previous {
                    curvatureTerm += 2 * learningRate * momentum * previous.cross + momentum * momentum * previous.curvature
                }
            } else if let forms {
                curvatureTerm = try forms.kfacCurvatureGram(settings.modelCurvature, [update], exampleLimit: settings.modelExampleLimit)[0][0]
            } else {
                let modelSeed = settings.seed &+ 0x4B46_4143 &+ UInt64(step)
                curvatureTerm = try update.dot(point.curvatureProduct(settings.modelCurvature, update, samples: 1, seed: modelSeed))
            }
            if adaptation.quadraticModel == .damped { curvatureTerm += state.damping * (try update.dot(update)) }
            let predicted = curvatureTerm / 2 + (try point.gradient.dot(update))
            let newLoss = try objective.loss(at: try parameters.addingKFAC(update), batch: batch)
            if predicted < 0 {
                let rho = newLoss.isFinite ? (newLoss - point.loss) / predicted : -Scalar.infinity
                if rho.isFinite { diagnostics["rho"] = Double(rho) }
                state.damping = adaptation.adapted(state.damping, rho: rho)
            } else if !(newLoss <= point.loss) {
                // The model predicted no decrease (a fixed α past the model's minimum) and the
                // objective rose: treat as ρ = −∞.
                state.damping = adaptation.adapted(state.damping, rho: -Scalar.infinity)
            }
        }
        timings.dampingAdaptation += partStart.elapsedSeconds
        // 7. θ ← θ + δ.
        try parameters.add(update)
        state.previousUpdate = update
        state.step += 1
        timings.steps += 1
        timings.total += stepStart.elapsedSeconds
        state.timings = timings
        return StepReport(loss: Double(point.loss), diagnostics: diagnostics)
    }

    /// state.preconditioned ← F̃_d⁻¹·g: layer blocks by their prepared inverses, parameters
    /// outside the layers divided by γ² = λ + η.
    mutating func precondition(_ gradient: Vector<Scalar>) throws {
        var output = state.preconditioned
        state.preconditioned = Vector()  // keep `output` uniquely referenced (no copy on write)
        defer { state.preconditioned = output }
        try gradient.elements.withUnsafeBufferPointer { g in
            try output.elements.withUnsafeMutableBufferPointer { out in
                for l in state.layerFactors.indices { try state.layerFactors[l].solve(flat: g, into: out) }
            }
        }
        if !state.uncovered.isEmpty {
            let strength = state.inverseDamping ?? state.damping
            for j in state.uncovered { output[j] = gradient[j] / strength }
        }
    }
}

/// What ``KFAC`` carries between steps.
public struct KFACState<Scalar: BLASScalar>: Sendable {
    /// The number of steps taken.
    public internal(set) var step = 0
    /// λ, the current damping (adapted by Levenberg–Marquardt).
    public internal(set) var damping: Scalar
    /// The number of statistics updates so far (the Monte-Carlo seed offset).
    public internal(set) var statisticsUpdates = 0
    /// The per-layer factors and inverses.
    public internal(set) var layerFactors: [KFACLayerFactors<Scalar>] = []
    /// γ² = λ + η of the current inverses (nil before the first).
    public internal(set) var inverseDamping: Scalar?
    /// δ₀, the last step taken (nil before the first).
    public internal(set) var previousUpdate: Vector<Scalar>?
    /// F̃_d⁻¹·∇J of the last step (a buffer kept between steps).
    public internal(set) var preconditioned = Vector<Scalar>()
    /// Parameters outside every layer.
    var uncovered: [Int] = []
    /// Seconds spent per part of the steps so far (see ``KFACTimings``).
    public internal(set) var timings = KFACTimings()

    init(damping: Scalar) { self.damping = damping }

    /// Bytes held by the factors, inverses and buffers.
    public var memoryBytes: Int {
        layerFactors.reduce(0) { $0 + $1.memoryBytes }
            + (preconditioned.count + (previousUpdate?.count ?? 0)) * MemoryLayout<Scalar>.size
    }
}

extension Vector {
    /// self + v (a trial point).
    func addingKFAC(_ v: Vector) throws -> Vector {
        var result = self
        try result.add(v)
        return result
    }
}
