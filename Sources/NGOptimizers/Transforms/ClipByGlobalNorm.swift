import NGLinearAlgebra
import NGModels

/// Rescales the update so its Euclidean norm is at most c (Pascanu, Mikolov & Bengio 2013, "On
/// the difficulty of training recurrent neural networks", Alg. 1):
///
///     u ← u · min(1, c / ‖u‖)
///
/// the direction is kept. Put it first in a chain to clip the raw gradient (optax's
/// `clip_by_global_norm`, PyTorch's `clip_grad_norm_`), e.g.
/// `ClipByGlobalNorm(maxNorm: 1).then(ScaleByAdam()).then(ScaleByLearningRate(1e-3))`.
public struct ClipByGlobalNorm<Scalar: BLASScalar>: GradientTransformation {
    /// c > 0.
    public let maxNorm: Scalar

    /// - Parameter maxNorm: c, the largest norm let through; there is no universal default
    ///   (1 is common for recurrent networks).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` unless c > 0.
    public init(maxNorm: Scalar) throws {
        try HyperparameterCheck.positive(maxNorm, "maxNorm", in: "ClipByGlobalNorm")
        self.maxNorm = maxNorm
    }

    public func initialState(parameters: Vector<Scalar>) {}

    /// - Throws: ``OptimizerError/nonFinite(_:)`` when the update has NaN or infinite entries
    ///   (its norm is then no guide, and clipping would hide the problem).
    public func update<P: EvaluatedObjective>(
        _ update: inout Vector<Scalar>, state: inout Void, point: P, layers: [LayerParameterLayout]
    ) throws where P.Scalar == Scalar {
        let norm = update.norm
        guard norm.isFinite else { throw OptimizerError.nonFinite("ClipByGlobalNorm: the update's norm is \(norm)") }
        if norm > maxNorm { update.scale(by: maxNorm / norm) }
    }
}
