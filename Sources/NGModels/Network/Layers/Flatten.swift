import NGLinearAlgebra

/// Reshapes C×H×W examples to flat vectors of C·H·W features (PyTorch's `nn.Flatten`).
///
/// Batches are already stored as N×(C·H·W) NCHW rows, so the data pass through unchanged (no
/// copy: matrices are copy-on-write); only the shape seen by the next layer changes.
public struct Flatten<Scalar: BLASScalar>: Layer {
    public init() {}

    public var description: String { "Flatten" }

    public func outputShape(for input: FeatureShape) throws -> FeatureShape { .flat(input.count) }

    public func forward(_ input: Matrix<Scalar>, parameters: ArraySlice<Scalar>) -> LayerState<Scalar> {
        LayerState(input: input, output: input)
    }

    public func backward(
        _ outputGradient: Matrix<Scalar>, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>, computingInputGradient: Bool
    ) -> LayerGradients<Scalar> {
        LayerGradients(input: computingInputGradient ? outputGradient : nil)
    }

    public func forwardTangent(
        _ inputTangent: Matrix<Scalar>?, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>, parameterTangent: ArraySlice<Scalar>
    ) -> Matrix<Scalar>? {
        inputTangent
    }

    public func backwardTangent(
        _ outputGradient: Matrix<Scalar>, _ outputGradientTangent: Matrix<Scalar>, state: LayerState<Scalar>,
        inputTangent: Matrix<Scalar>?, parameters: ArraySlice<Scalar>, parameterTangent: ArraySlice<Scalar>,
        computingInputGradient: Bool
    ) -> LayerGradients<Scalar> {
        LayerGradients(input: computingInputGradient ? outputGradientTangent : nil)
    }
}
