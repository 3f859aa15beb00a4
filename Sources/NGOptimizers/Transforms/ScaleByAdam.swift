import NGLinearAlgebra
import NGModels

/// The moment estimates of ``ScaleByAdam``.
public struct AdamState<Scalar: BLASScalar>: Sendable, Equatable {
    /// t, the number of updates taken so far.
    public var count: Int
    /// m, the exponential moving average of the gradient (biased towards zero early on).
    public var firstMoment: Vector<Scalar>
    /// v, the exponential moving average of the squared gradient.
    public var secondMoment: Vector<Scalar>

    public init(count: Int, firstMoment: Vector<Scalar>, secondMoment: Vector<Scalar>) {
        self.count = count
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
    }
}

/// Adam's rescaling (Kingma & Ba 2015, "Adam: a method for stochastic optimization", Alg. 1).
///
/// With g the incoming update (the gradient) at step t = 1, 2, …:
///
///     m ← β₁·m + (1 − β₁)·g
///     v ← β₂·v + (1 − β₂)·g²                 (entrywise)
///     m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)   (bias correction)
///     u ← m̂ / (√v̂ + ε)
///
/// ε is added to the square root of the *bias-corrected* second moment, as in the paper's
/// Algorithm 1 (and PyTorch's `Adam`, optax's `scale_by_adam` with `eps_root = 0`) — not under
/// the root, and not to the uncorrected √v of the paper's §2 "efficient" rewriting, which
/// differ early in training. Because of the bias correction the first update is
/// u = g/(|g| + ε) ≈ sign(g): Adam's first step has magnitude ≈ α per coordinate whatever the
/// gradient's scale. Follow with ``ScaleByLearningRate`` for Adam, and with
/// ``AddDecayedWeights`` before it for AdamW.
public struct ScaleByAdam<Scalar: BLASScalar>: GradientTransformation {
    /// β₁ ∈ [0, 1).
    public let beta1: Scalar
    /// β₂ ∈ [0, 1).
    public let beta2: Scalar
    /// ε > 0.
    public let epsilon: Scalar

    /// - Parameters:
    ///   - beta1: decay of the first moment; 0.9, the paper's default.
    ///   - beta2: decay of the second moment; 0.999, the paper's default.
    ///   - epsilon: added to √v̂; 1e-8, the paper's default (small against typical |g|, yet it
    ///     keeps coordinates with vanishing gradients from dividing by zero).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` unless 0 ≤ β₁, β₂ < 1 and ε > 0.
    public init(beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8) throws {
        try HyperparameterCheck.decay(beta1, "beta1", in: "ScaleByAdam")
        try HyperparameterCheck.decay(beta2, "beta2", in: "ScaleByAdam")
        try HyperparameterCheck.positive(epsilon, "epsilon", in: "ScaleByAdam")
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public func initialState(parameters: Vector<Scalar>) -> AdamState<Scalar> {
        AdamState(count: 0, firstMoment: Vector(count: parameters.count), secondMoment: Vector(count: parameters.count))
    }

    public func update<P: EvaluatedObjective>(
        _ update: inout Vector<Scalar>, state: inout AdamState<Scalar>, point: P, layers: [LayerParameterLayout]
    ) throws where P.Scalar == Scalar {
        try HyperparameterCheck.sameLength(update, state.firstMoment, in: "ScaleByAdam")
        try HyperparameterCheck.sameLength(update, state.secondMoment, in: "ScaleByAdam")
        state.count += 1
        // 1/(1 − βᵗ); βᵗ underflows to 0 for large t, leaving a correction of exactly 1.
        let firstCorrection = 1 / (1 - Scalar.pow(beta1, state.count))
        let secondCorrection = 1 / (1 - Scalar.pow(beta2, state.count))
        update.elements.withUnsafeMutableBufferPointer { u in
            state.firstMoment.elements.withUnsafeMutableBufferPointer { m in
                state.secondMoment.elements.withUnsafeMutableBufferPointer { v in
                    TransformKernels.adam(
                        update: u, firstMoment: m, secondMoment: v, beta1: beta1, beta2: beta2, epsilon: epsilon,
                        firstCorrection: firstCorrection, secondCorrection: secondCorrection)
                }
            }
        }
    }
}
