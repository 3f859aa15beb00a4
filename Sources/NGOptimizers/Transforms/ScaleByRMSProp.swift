import NGLinearAlgebra
import NGModels

/// The running averages of ``ScaleByRMSProp``.
public struct RMSPropState<Scalar: BLASScalar>: Sendable, Equatable {
    /// ν, the exponential moving average of the squared gradient.
    public var meanSquare: Vector<Scalar>
    /// m, the exponential moving average of the gradient; `nil` unless centered.
    public var mean: Vector<Scalar>?

    public init(meanSquare: Vector<Scalar>, mean: Vector<Scalar>?) {
        self.meanSquare = meanSquare
        self.mean = mean
    }
}

/// RMSProp (Tieleman & Hinton 2012, Coursera "Neural networks for machine learning", lecture
/// 6.5), optionally centered (Graves 2013, "Generating sequences with recurrent neural
/// networks", eqs. 38–41).
///
/// With g the incoming update and ρ the decay:
///
///     ν ← ρ·ν + (1 − ρ)·g²
///     plain:     u ← g / (√ν + ε)
///     centered:  m ← ρ·m + (1 − ρ)·g,   u ← g / (√(ν − m²) + ε)
///
/// ε outside the root and averages starting at zero, as in PyTorch's `RMSprop` (without its
/// optional momentum: chain ``ScaleByMomentum`` after this transform for that). There is no bias
/// correction, so the first update is g/(√(1 − ρ)·|g| + ε) ≈ 10·sign(g) for ρ = 0.99; the
/// usual learning rates (1e-3 to 1e-2) account for it.
public struct ScaleByRMSProp<Scalar: BLASScalar>: GradientTransformation {
    /// ρ ∈ [0, 1).
    public let decay: Scalar
    /// ε > 0.
    public let epsilon: Scalar
    /// Whether to divide by the root of the estimated variance rather than of the second moment.
    public let centered: Bool

    /// - Parameters:
    ///   - decay: ρ; 0.99, PyTorch's default (Hinton's lecture suggests 0.9), an average over
    ///     about 100 steps.
    ///   - epsilon: added to the root; 1e-8, PyTorch's default.
    ///   - centered: divide by the root of ν − m² (an estimate of the gradient's variance); off by default.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` unless 0 ≤ ρ < 1 and ε > 0.
    public init(decay: Scalar = 0.99, epsilon: Scalar = 1e-8, centered: Bool = false) throws {
        try HyperparameterCheck.decay(decay, "decay", in: "ScaleByRMSProp")
        try HyperparameterCheck.positive(epsilon, "epsilon", in: "ScaleByRMSProp")
        self.decay = decay
        self.epsilon = epsilon
        self.centered = centered
    }

    public func initialState(parameters: Vector<Scalar>) -> RMSPropState<Scalar> {
        RMSPropState(meanSquare: Vector(count: parameters.count), mean: centered ? Vector(count: parameters.count) : nil)
    }

    public func update<P: EvaluatedObjective>(
        _ update: inout Vector<Scalar>, state: inout RMSPropState<Scalar>, point: P, layers: [LayerParameterLayout]
    ) throws where P.Scalar == Scalar {
        try HyperparameterCheck.sameLength(update, state.meanSquare, in: "ScaleByRMSProp")
        var mean = state.mean ?? Vector(count: 0)
        if centered { try HyperparameterCheck.sameLength(update, mean, in: "ScaleByRMSProp") }
        state.mean = nil  // keep `mean` uniquely referenced while it is updated in place
        update.elements.withUnsafeMutableBufferPointer { u in
            state.meanSquare.elements.withUnsafeMutableBufferPointer { s in
                mean.elements.withUnsafeMutableBufferPointer { m in
                    TransformKernels.rmsprop(update: u, meanSquare: s, mean: m, decay: decay, epsilon: epsilon)
                }
            }
        }
        if centered { state.mean = mean }
    }
}
