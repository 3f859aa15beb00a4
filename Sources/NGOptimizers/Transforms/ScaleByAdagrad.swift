import NGLinearAlgebra
import NGModels

/// The accumulator of ``ScaleByAdagrad``.
public struct AdagradState<Scalar: BLASScalar>: Sendable, Equatable {
    /// G, the initial value plus the sum of all squared gradients so far.
    public var sumOfSquares: Vector<Scalar>

    public init(sumOfSquares: Vector<Scalar>) { self.sumOfSquares = sumOfSquares }
}

/// AdaGrad's diagonal rescaling (Duchi, Hazan & Singer 2011, "Adaptive subgradient methods for
/// online learning and stochastic optimization", the diagonal variant of §1.3 / Fig. 1).
///
/// With g the incoming update:
///
///     G ← G + g²          (entrywise, G₀ = the initial accumulator value)
///     u ← g / (√G + ε)
///
/// the form of PyTorch's `Adagrad` (ε outside the root). The step size of each coordinate
/// shrinks like 1/√t for gradients of constant size, which suits convex and sparse problems and
/// eventually stalls on long non-convex runs.
public struct ScaleByAdagrad<Scalar: BLASScalar>: GradientTransformation {
    /// G₀ ≥ 0.
    public let initialAccumulator: Scalar
    /// ε > 0.
    public let epsilon: Scalar

    /// - Parameters:
    ///   - initialAccumulator: G₀; 0 by default, as in PyTorch and the paper (the first update
    ///     is then g/(|g| + ε) ≈ sign(g)); optax uses 0.1, which damps the first steps.
    ///   - epsilon: added to √G; 1e-10, PyTorch's default.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` unless G₀ ≥ 0 and ε > 0.
    public init(initialAccumulator: Scalar = 0, epsilon: Scalar = 1e-10) throws {
        try HyperparameterCheck.nonNegative(initialAccumulator, "initialAccumulator", in: "ScaleByAdagrad")
        try HyperparameterCheck.positive(epsilon, "epsilon", in: "ScaleByAdagrad")
        self.initialAccumulator = initialAccumulator
        self.epsilon = epsilon
    }

    public func initialState(parameters: Vector<Scalar>) -> AdagradState<Scalar> {
        AdagradState(sumOfSquares: Vector(count: parameters.count, repeating: initialAccumulator))
    }

    public func update<P: EvaluatedObjective>(
        _ update: inout Vector<Scalar>, state: inout AdagradState<Scalar>, point: P, layers: [LayerParameterLayout]
    ) throws where P.Scalar == Scalar {
        try HyperparameterCheck.sameLength(update, state.sumOfSquares, in: "ScaleByAdagrad")
        update.elements.withUnsafeMutableBufferPointer { u in
            state.sumOfSquares.elements.withUnsafeMutableBufferPointer { s in
                TransformKernels.adagrad(update: u, sumOfSquares: s, epsilon: epsilon)
            }
        }
    }
}
