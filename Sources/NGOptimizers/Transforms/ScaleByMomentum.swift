import NGLinearAlgebra
import NGModels

/// The velocity of ``ScaleByMomentum``: an exponentially weighted sum of past updates.
public struct MomentumState<Scalar: BLASScalar>: Sendable, Equatable {
    /// v, one entry per parameter (zero before the first step).
    public var velocity: Vector<Scalar>

    public init(velocity: Vector<Scalar>) { self.velocity = velocity }
}

/// Momentum: heavy ball (Polyak 1964) or Nesterov's accelerated gradient (Nesterov 1983, in the
/// form of Sutskever, Martens, Dahl & Hinton 2013).
///
/// With u the incoming update (the gradient, in the ascent direction) and μ the momentum:
///
///     v ← μ·v + u
///     heavy ball:  u ← v
///     Nesterov:    u ← u + μ·v
///
/// followed by ``ScaleByLearningRate`` this is PyTorch's `SGD(momentum=μ, nesterov=…)` with
/// zero dampening (and optax's `trace`): heavy ball moves θ by Δₜ = −α·vₜ, Nesterov by
/// −α·(gₜ + μ·vₜ), the look-ahead step evaluated at the current point (Sutskever et al. 2013,
/// §2; Bengio, Boulanger-Lewandowski & Pascanu 2013, eq. 7). The first step is the gradient
/// step for heavy ball and (1 + μ) times it for Nesterov.
public struct ScaleByMomentum<Scalar: BLASScalar>: GradientTransformation {
    /// μ ∈ [0, 1).
    public let momentum: Scalar
    /// Whether to use Nesterov's look-ahead form.
    public let nesterov: Bool

    /// - Parameters:
    ///   - momentum: μ ∈ [0, 1); 0.9 by default, the common choice (Sutskever et al. 2013 use
    ///     0.9–0.999), which averages over about 1/(1 − μ) = 10 steps.
    ///   - nesterov: Nesterov's accelerated form rather than the heavy ball; off by default.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` unless 0 ≤ μ < 1.
    public init(momentum: Scalar = 0.9, nesterov: Bool = false) throws {
        try HyperparameterCheck.decay(momentum, "momentum", in: "ScaleByMomentum")
        self.momentum = momentum
        self.nesterov = nesterov
    }

    public func initialState(parameters: Vector<Scalar>) -> MomentumState<Scalar> {
        MomentumState(velocity: Vector(count: parameters.count))
    }

    public func update<P: EvaluatedObjective>(
        _ update: inout Vector<Scalar>, state: inout MomentumState<Scalar>, point: P, layers: [LayerParameterLayout]
    ) throws where P.Scalar == Scalar {
        try HyperparameterCheck.sameLength(update, state.velocity, in: "ScaleByMomentum")
        update.elements.withUnsafeMutableBufferPointer { u in
            state.velocity.elements.withUnsafeMutableBufferPointer { v in
                TransformKernels.momentum(update: u, velocity: v, momentum: momentum, nesterov: nesterov)
            }
        }
    }
}
