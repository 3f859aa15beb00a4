import NGLinearAlgebra
import NGModels

/// Which parameters ``AddDecayedWeights`` decays.
public enum WeightDecayMask: Sendable, Equatable {
    /// Every parameter (PyTorch's `AdamW` applied to `model.parameters()`, and the paper).
    case all
    /// The weights of the objective's layers, not their biases; throws for an objective without
    /// layers (a test function), where "weights" has no meaning.
    case weightsOnly
    /// An explicit mask: entry j true to decay θⱼ; one entry per parameter.
    case custom([Bool])
}

/// Decoupled weight decay (Loshchilov & Hutter 2019, "Decoupled weight decay regularization",
/// Alg. 2): adds w·θ to the update, outside any preconditioner.
///
///     u ← u + w·M⊙θ
///
/// Chained as `ScaleByAdam().then(AddDecayedWeights(…)).then(ScaleByLearningRate(α))` this is
/// AdamW as PyTorch and optax implement it, θ ← θ − α·(m̂/(√v̂ + ε) + w·θ): the decay is scaled by
/// the learning rate (the paper scales it by the schedule multiplier ηₜ only, so its λ is α·w).
/// Unlike an L2 term in the objective — which ``NetworkObjective`` applies to weights only and
/// which Adam would rescale by 1/√v̂ — this shrinkage is the same for every coordinate.
public struct AddDecayedWeights<Scalar: BLASScalar>: GradientTransformation {
    /// w ≥ 0.
    public let weightDecay: Scalar
    /// The parameters decayed.
    public let mask: WeightDecayMask

    /// - Parameters:
    ///   - weightDecay: w; 1e-2 by default, PyTorch's `AdamW` default.
    ///   - mask: which parameters to decay; all by default, as in the paper and PyTorch.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` unless w ≥ 0.
    public init(weightDecay: Scalar = 1e-2, mask: WeightDecayMask = .all) throws {
        try HyperparameterCheck.nonNegative(weightDecay, "weightDecay", in: "AddDecayedWeights")
        self.weightDecay = weightDecay
        self.mask = mask
    }

    public func initialState(parameters: Vector<Scalar>) {}

    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for a custom mask of the wrong length,
    ///   ``OptimizerError/unsupported(_:)`` for `.weightsOnly` on an objective without layers.
    public func update<P: EvaluatedObjective>(
        _ update: inout Vector<Scalar>, state: inout Void, point: P, layers: [LayerParameterLayout]
    ) throws where P.Scalar == Scalar {
        let parameters = point.parameters
        try HyperparameterCheck.sameLength(update, parameters, in: "AddDecayedWeights")
        guard weightDecay > 0 else { return }
        switch mask {
        case .all:
            try update.add(parameters, scaledBy: weightDecay)
        case .weightsOnly:
            guard !layers.isEmpty else {
                throw OptimizerError.unsupported("AddDecayedWeights: .weightsOnly needs an objective with layers; use .all or .custom")
            }
            var decayed = [Bool](repeating: false, count: parameters.count)
            for layout in layers {
                guard layout.weightRange.upperBound <= parameters.count else {
                    throw OptimizerError.invalidArgument(
                        "AddDecayedWeights: layer \(layout.layerIndex)'s weights end at \(layout.weightRange.upperBound), past the \(parameters.count) parameters")
                }
                for j in layout.weightRange { decayed[j] = true }
            }
            apply(decayed, to: &update, parameters: parameters)
        case let .custom(decayed):
            guard decayed.count == parameters.count else {
                throw OptimizerError.invalidArgument(
                    "AddDecayedWeights: the custom mask has \(decayed.count) entries for \(parameters.count) parameters")
            }
            apply(decayed, to: &update, parameters: parameters)
        }
    }

    private func apply(_ decayed: [Bool], to update: inout Vector<Scalar>, parameters: Vector<Scalar>) {
        update.elements.withUnsafeMutableBufferPointer { u in
            parameters.elements.withUnsafeBufferPointer { theta in
                TransformKernels.maskedDecay(update: u, parameters: theta, mask: decayed, weightDecay: weightDecay)
            }
        }
    }
}
