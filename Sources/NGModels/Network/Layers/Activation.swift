import NGLinearAlgebra

/// An elementwise activation layer y = φ(x) (see ``ActivationFunction`` for φ, φ′, φ″).
///
/// Parameter-free and shape-preserving. Keeping activations as separate layers makes the output
/// of the preceding dense or convolution layer its pre-activation, whose gradient is K-FAC's g.
public struct Activation<Scalar: BLASScalar>: Layer {
    /// The nonlinearity φ.
    public let function: ActivationFunction

    public init(_ function: ActivationFunction) { self.function = function }

    public var description: String { "Activation(\(function.rawValue))" }

    public func outputShape(for input: FeatureShape) throws -> FeatureShape { input }

    public func forward(_ input: Matrix<Scalar>, parameters: ArraySlice<Scalar>) -> LayerState<Scalar> {
        LayerState(input: input, output: function.apply(input))
    }

    /// ∂s/∂x = φ′(x) ⊙ ∂s/∂y.
    public func backward(
        _ outputGradient: Matrix<Scalar>, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>, computingInputGradient: Bool
    ) -> LayerGradients<Scalar> {
        guard computingInputGradient else { return LayerGradients(input: nil) }
        return LayerGradients(input: function.derivativeProduct(input: state.input, output: state.output, outputGradient))
    }

    /// ẏ = φ′(x) ⊙ ẋ.
    public func forwardTangent(
        _ inputTangent: Matrix<Scalar>?, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>, parameterTangent: ArraySlice<Scalar>
    ) -> Matrix<Scalar>? {
        inputTangent.map { function.derivativeProduct(input: state.input, output: state.output, $0) }
    }

    /// R{∂s/∂x} = φ″(x) ⊙ ẋ ⊙ ∂s/∂y + φ′(x) ⊙ R{∂s/∂y} (Pearlmutter 1994).
    public func backwardTangent(
        _ outputGradient: Matrix<Scalar>, _ outputGradientTangent: Matrix<Scalar>, state: LayerState<Scalar>,
        inputTangent: Matrix<Scalar>?, parameters: ArraySlice<Scalar>, parameterTangent: ArraySlice<Scalar>,
        computingInputGradient: Bool
    ) -> LayerGradients<Scalar> {
        guard computingInputGradient else { return LayerGradients(input: nil) }
        var result = function.derivativeProduct(input: state.input, output: state.output, outputGradientTangent)
        if let inputTangent,
           let curvature = function.secondDerivativeProduct(input: state.input, output: state.output, inputTangent, outputGradient) {
            result += curvature
        }
        return LayerGradients(input: result)
    }
}
