import NGLinearAlgebra
import NGRandom

/// A fully connected layer y = W·x + b, applied to a batch as Y = X·Wᵀ + 1·bᵀ (one gemm).
///
/// Parameters (PyTorch's `nn.Linear`): the weight W of shape (outputCount, inputCount), row-major,
/// then the bias b of `outputCount` entries. The input may be an image batch: its NCHW rows are
/// read as flat vectors, as `flatten` followed by `nn.Linear` would.
///
/// For K-FAC (Martens & Grosse 2015) the layer's a is its input X (N×in) and its g the gradient
/// at its output Y (N×out); ∇W = Σᵢ gᵢ·aᵢᵀ and ∇b = Σᵢ gᵢ.
public struct Dense<Scalar: BLASScalar>: Layer {
    /// The number of input features (columns of W).
    public let inputCount: Int
    /// The number of outputs (rows of W).
    public let outputCount: Int

    var map: AffineMap<Scalar> { AffineMap(inputCount: inputCount, outputCount: outputCount) }

    /// A dense layer from `inputCount` features to `outputCount` outputs.
    /// - Throws: ``NetworkError/invalidConfiguration(_:)`` unless both sizes are positive.
    public init(inputCount: Int, outputCount: Int) throws {
        guard inputCount > 0, outputCount > 0 else {
            throw NetworkError.invalidConfiguration("Dense: sizes must be positive, got \(inputCount) → \(outputCount)")
        }
        self.inputCount = inputCount
        self.outputCount = outputCount
    }

    public var description: String { "Dense(\(inputCount) → \(outputCount))" }
    public var parameterCount: Int { outputCount * inputCount + outputCount }
    public var weightShape: (rows: Int, columns: Int)? { (outputCount, inputCount) }

    public func outputShape(for input: FeatureShape) throws -> FeatureShape {
        guard input.count == inputCount else {
            throw NetworkError.invalidConfiguration("\(description) cannot take inputs of shape \(input) (\(input.count) features)")
        }
        return .flat(outputCount)
    }

    public func initialParameters(scheme: ParameterInitialization, generator: inout SeededGenerator) -> [Scalar] {
        scheme.parameters(weightCount: outputCount * inputCount, biasCount: outputCount, fanIn: inputCount, fanOut: outputCount, generator: &generator)
    }

    public func forward(_ input: Matrix<Scalar>, parameters: ArraySlice<Scalar>) -> LayerState<Scalar> {
        LayerState(input: input, output: map.apply(input, parameters: parameters))
    }

    public func backward(
        _ outputGradient: Matrix<Scalar>, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>, computingInputGradient: Bool
    ) -> LayerGradients<Scalar> {
        LayerGradients(
            input: computingInputGradient ? map.inputGradient(outputGradient, parameters: parameters) : nil,
            parameters: map.parameterGradient(outputGradient, inputs: state.input))
    }

    public func backward(
        _ outputGradient: Matrix<Scalar>, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>,
        computingInputGradient: Bool, parameterGradient: UnsafeMutableBufferPointer<Scalar>
    ) -> Matrix<Scalar>? {
        backward(
            outputGradient, state: state, parameters: parameters, computingInputGradient: computingInputGradient,
            parameterGradient: parameterGradient, includingBias: true)
    }

    /// The backward pass; without the bias (`includingBias` false) for the backward pass's fused
    /// path (``ForwardPass/backward(_:capturing:)``), where the caller has computed the bias
    /// block Σᵢ Δᵢ together with Δ.
    func backward(
        _ outputGradient: Matrix<Scalar>, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>,
        computingInputGradient: Bool, parameterGradient: UnsafeMutableBufferPointer<Scalar>, includingBias: Bool
    ) -> Matrix<Scalar>? {
        map.writeParameterGradient(outputGradient, inputs: state.input, to: parameterGradient, includingBias: includingBias)
        return computingInputGradient ? map.inputGradient(outputGradient, parameters: parameters) : nil
    }

    public func forwardTangent(
        _ inputTangent: Matrix<Scalar>?, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>, parameterTangent: ArraySlice<Scalar>
    ) -> Matrix<Scalar>? {
        map.tangent(inputTangent: inputTangent, inputs: state.input, parameters: parameters, parameterTangent: parameterTangent)
    }

    public func backwardTangent(
        _ outputGradient: Matrix<Scalar>, _ outputGradientTangent: Matrix<Scalar>, state: LayerState<Scalar>,
        inputTangent: Matrix<Scalar>?, parameters: ArraySlice<Scalar>, parameterTangent: ArraySlice<Scalar>,
        computingInputGradient: Bool
    ) -> LayerGradients<Scalar> {
        let (input, parameterGradients) = map.backwardTangent(
            delta: outputGradient, deltaTangent: outputGradientTangent, inputs: state.input, inputTangent: inputTangent,
            parameters: parameters, parameterTangent: parameterTangent, computingInputTangent: computingInputGradient)
        return LayerGradients(input: input, parameters: parameterGradients)
    }

    public func affineRecord(outputGradient: Matrix<Scalar>, state: LayerState<Scalar>) -> (inputs: Matrix<Scalar>, outputGradients: Matrix<Scalar>, rowsPerExample: Int)? {
        (state.input, outputGradient, 1)
    }

    public func perExampleGradients(_ outputGradient: Matrix<Scalar>, state: LayerState<Scalar>) -> Matrix<Scalar>? {
        map.perExampleGradients(outputGradient, inputs: state.input, rowsPerExample: 1)
    }
}
