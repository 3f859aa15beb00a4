import NGLinearAlgebra
import NGRandom

/// A 2-D convolution (cross-correlation, as PyTorch's `nn.Conv2d`) with stride and zero padding,
/// computed as im2col followed by one gemm.
///
///     y[i, o, oh, ow] = b[o] + Σ_{c, ki, kj} W[o, c, ki, kj] · x[i, c, oh·s − p + ki, ow·s − p + kj]
///
/// Parameters: the weight of shape (outputChannels, inputChannels, kernelHeight, kernelWidth),
/// row-major, then the bias of `outputChannels` entries. Input and output batches are NCHW rows.
///
/// With P the (N·L)×(C·kh·kw) patch matrix (see `ConvolutionGeometry`), the layer is the affine
/// map Yₚ = P·Wᵀ + 1·bᵀ on patches, so for K-FAC (the KFC approximation of Grosse & Martens 2016)
/// its a are the rows of P and its g the rows of ∂s/∂Yₚ, L = OH·OW rows per example; the weight
/// gradient is gᵀ·a summed over all N·L rows.
public struct Convolution2D<Scalar: BLASScalar>: Layer {
    /// The shape of one input example.
    public let inputShape: FeatureShape
    /// The number of output channels.
    public let outputChannels: Int
    /// Kernel height kh.
    public var kernelHeight: Int { geometry.kernelHeight }
    /// Kernel width kw.
    public var kernelWidth: Int { geometry.kernelWidth }
    /// The step s between kernel positions, in both directions.
    public var stride: Int { geometry.stride }
    /// The zero padding p added on every side.
    public var padding: Int { geometry.padding }

    let geometry: ConvolutionGeometry
    var map: AffineMap<Scalar> { AffineMap(inputCount: geometry.patchSize, outputCount: outputChannels) }

    /// A convolution of `inputShape` images with a kernelHeight×kernelWidth kernel.
    /// - Throws: ``NetworkError/invalidConfiguration(_:)`` for non-positive sizes or stride, negative
    ///   padding, or a kernel larger than the padded input.
    public init(
        inputShape: FeatureShape, outputChannels: Int, kernelHeight: Int, kernelWidth: Int, stride: Int = 1, padding: Int = 0
    ) throws {
        guard outputChannels > 0 else {
            throw NetworkError.invalidConfiguration("Convolution2D: outputChannels must be positive, got \(outputChannels)")
        }
        self.inputShape = inputShape
        self.outputChannels = outputChannels
        geometry = try ConvolutionGeometry(
            input: inputShape, kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: stride, padding: padding, layer: "Convolution2D")
    }

    /// A convolution with a square kernel.
    public init(inputShape: FeatureShape, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0) throws {
        try self.init(inputShape: inputShape, outputChannels: outputChannels, kernelHeight: kernelSize, kernelWidth: kernelSize, stride: stride, padding: padding)
    }

    /// The shape of one output example: outputChannels × OH × OW.
    public var outputExampleShape: FeatureShape {
        FeatureShape(channels: outputChannels, height: geometry.outputHeight, width: geometry.outputWidth)
    }

    public var description: String {
        "Convolution2D(\(inputShape) → \(outputExampleShape), kernel \(kernelHeight)×\(kernelWidth), stride \(stride), padding \(padding))"
    }

    public var parameterCount: Int { map.parameterCount }
    public var weightShape: (rows: Int, columns: Int)? { (outputChannels, geometry.patchSize) }

    public func outputShape(for input: FeatureShape) throws -> FeatureShape {
        guard input == inputShape else {
            throw NetworkError.invalidConfiguration("\(description) cannot take inputs of shape \(input)")
        }
        return outputExampleShape
    }

    public func initialParameters(scheme: ParameterInitialization, generator: inout SeededGenerator) -> [Scalar] {
        let receptiveField = kernelHeight * kernelWidth
        return scheme.parameters(
            weightCount: map.weightCount, biasCount: outputChannels, fanIn: geometry.patchSize,
            fanOut: outputChannels * receptiveField, generator: &generator)
    }

    public func forward(_ input: Matrix<Scalar>, parameters: ArraySlice<Scalar>) -> LayerState<Scalar> {
        let patches = geometry.patches(input)
        let output = geometry.channelMajor(map.apply(patches, parameters: parameters), channels: outputChannels)
        return LayerState(input: input, output: output, patches: patches)
    }

    public func backward(
        _ outputGradient: Matrix<Scalar>, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>, computingInputGradient: Bool
    ) -> LayerGradients<Scalar> {
        let delta = geometry.positionMajor(outputGradient, channels: outputChannels)
        let patches = state.patches!
        let input = computingInputGradient
            ? geometry.image(fromPatches: map.inputGradient(delta, parameters: parameters), examples: outputGradient.rows) : nil
        return LayerGradients(input: input, parameters: map.parameterGradient(delta, inputs: patches))
    }

    public func forwardTangent(
        _ inputTangent: Matrix<Scalar>?, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>, parameterTangent: ArraySlice<Scalar>
    ) -> Matrix<Scalar>? {
        let tangent = map.tangent(
            inputTangent: inputTangent.map { geometry.patches($0) }, inputs: state.patches!, parameters: parameters, parameterTangent: parameterTangent)
        return geometry.channelMajor(tangent, channels: outputChannels)
    }

    public func backwardTangent(
        _ outputGradient: Matrix<Scalar>, _ outputGradientTangent: Matrix<Scalar>, state: LayerState<Scalar>,
        inputTangent: Matrix<Scalar>?, parameters: ArraySlice<Scalar>, parameterTangent: ArraySlice<Scalar>,
        computingInputGradient: Bool
    ) -> LayerGradients<Scalar> {
        let (patchGradientTangent, parameterGradients) = map.backwardTangent(
            delta: geometry.positionMajor(outputGradient, channels: outputChannels),
            deltaTangent: geometry.positionMajor(outputGradientTangent, channels: outputChannels),
            inputs: state.patches!, inputTangent: inputTangent.map { geometry.patches($0) },
            parameters: parameters, parameterTangent: parameterTangent, computingInputTangent: computingInputGradient)
        let input = patchGradientTangent.map { geometry.image(fromPatches: $0, examples: outputGradient.rows) }
        return LayerGradients(input: input, parameters: parameterGradients)
    }

    public func affineRecord(outputGradient: Matrix<Scalar>, state: LayerState<Scalar>) -> (inputs: Matrix<Scalar>, outputGradients: Matrix<Scalar>, rowsPerExample: Int)? {
        (state.patches!, geometry.positionMajor(outputGradient, channels: outputChannels), geometry.positions)
    }

    public func perExampleGradients(_ outputGradient: Matrix<Scalar>, state: LayerState<Scalar>) -> Matrix<Scalar>? {
        map.perExampleGradients(
            geometry.positionMajor(outputGradient, channels: outputChannels), inputs: state.patches!, rowsPerExample: geometry.positions)
    }
}
