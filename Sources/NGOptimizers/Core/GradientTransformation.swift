import NGLinearAlgebra
import NGModels

/// One small, composable piece of an update rule (optax's `GradientTransformation`): it maps the
/// current update u (starting as the gradient) to a new one, keeping typed state.
///
/// Named optimizers are compositions, e.g. Adam = `ScaleByAdam().then(ScaleByLearningRate(1e-3))`.
/// Transforms that precondition with curvature (diagonal Fisher, Shampoo, AdaHessian) read it
/// from the evaluated objective they are given; layer-wise transforms read `layers`.
public protocol GradientTransformation<Scalar> {
    associatedtype Scalar: BLASScalar
    associatedtype State

    /// The state before the first step.
    func initialState(parameters: Vector<Scalar>) -> State
    /// Replaces `update` with the transformed update, advancing `state`.
    func update<P: EvaluatedObjective>(
        _ update: inout Vector<Scalar>, state: inout State, point: P, layers: [LayerParameterLayout]
    ) throws where P.Scalar == Scalar
}

extension GradientTransformation {
    /// This transformation followed by `next`.
    public func then<Next: GradientTransformation>(_ next: Next) -> Chain<Self, Next> where Next.Scalar == Scalar {
        Chain(first: self, second: next)
    }
}

/// Two transformations applied in order; the state is the pair of states.
public struct Chain<First: GradientTransformation, Second: GradientTransformation>: GradientTransformation
where First.Scalar == Second.Scalar {
    public typealias Scalar = First.Scalar
    public let first: First
    public let second: Second

    public func initialState(parameters: Vector<Scalar>) -> (First.State, Second.State) {
        (first.initialState(parameters: parameters), second.initialState(parameters: parameters))
    }

    public func update<P: EvaluatedObjective>(
        _ update: inout Vector<Scalar>, state: inout (First.State, Second.State), point: P, layers: [LayerParameterLayout]
    ) throws where P.Scalar == Scalar {
        try first.update(&update, state: &state.0, point: point, layers: layers)
        try second.update(&update, state: &state.1, point: point, layers: layers)
    }
}

/// Δ = −α·u: the learning rate and the package's one sign flip from ascent to descent direction.
public struct ScaleByLearningRate<Scalar: BLASScalar>: GradientTransformation {
    /// α > 0.
    public var learningRate: Scalar

    public init(_ learningRate: Scalar) {
        precondition(learningRate > 0 && learningRate.isFinite, "ScaleByLearningRate: the learning rate must be positive and finite")
        self.learningRate = learningRate
    }

    public func initialState(parameters: Vector<Scalar>) {}

    public func update<P: EvaluatedObjective>(
        _ update: inout Vector<Scalar>, state: inout Void, point: P, layers: [LayerParameterLayout]
    ) throws where P.Scalar == Scalar {
        update.scale(by: -learningRate)
    }
}
