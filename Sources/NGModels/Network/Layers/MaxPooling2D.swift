import NGLinearAlgebra

/// Max pooling over kh×kw windows (PyTorch's `nn.MaxPool2d` without padding), per channel.
///
///     y[i, c, oh, ow] = max_{ki, kj} x[i, c, oh·s + ki, ow·s + kj]
///
/// The forward pass records which input entry each output selected (the first of equal maxima);
/// the layer is then linear in a neighbourhood of its input — piecewise linear overall — so its
/// backward pass, its forward tangent and the R-op of its backward pass all route values through
/// that selection (its second derivative is zero where it exists).
public struct MaxPooling2D<Scalar: BLASScalar>: Layer {
    /// The shape of one input example.
    public let inputShape: FeatureShape
    let geometry: ConvolutionGeometry

    /// Max pooling of `inputShape` images over windowHeight×windowWidth windows, moved by
    /// `stride` (the window height when nil, PyTorch's default for square windows).
    /// - Throws: ``NetworkError/invalidConfiguration(_:)`` for non-positive sizes or a window larger than the input.
    public init(inputShape: FeatureShape, windowHeight: Int, windowWidth: Int, stride: Int? = nil) throws {
        self.inputShape = inputShape
        geometry = try ConvolutionGeometry(
            input: inputShape, kernelHeight: windowHeight, kernelWidth: windowWidth, stride: stride ?? windowHeight, padding: 0,
            layer: "MaxPooling2D")
    }

    /// Max pooling over square windows, moved by `stride` (the window size when nil).
    public init(inputShape: FeatureShape, windowSize: Int, stride: Int? = nil) throws {
        try self.init(inputShape: inputShape, windowHeight: windowSize, windowWidth: windowSize, stride: stride)
    }

    /// The shape of one output example: C × OH × OW.
    public var outputExampleShape: FeatureShape {
        FeatureShape(channels: inputShape.channels, height: geometry.outputHeight, width: geometry.outputWidth)
    }

    public var description: String {
        "MaxPooling2D(\(inputShape) → \(outputExampleShape), window \(geometry.kernelHeight)×\(geometry.kernelWidth), stride \(geometry.stride))"
    }

    public func outputShape(for input: FeatureShape) throws -> FeatureShape {
        guard input == inputShape else { throw NetworkError.invalidConfiguration("\(description) cannot take inputs of shape \(input)") }
        return outputExampleShape
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ input: Matrix<Scalar>, parameters: ArraySlice<Scalar>) -> LayerState<Scalar> {
        let (channels, height, width) = (inputShape.channels, inputShape.height, inputShape.width)
        let (kh, kw, stride) = (geometry.kernelHeight, geometry.kernelWidth, geometry.stride)
        var output = Matrix<Scalar>(rows: input.rows, columns: outputExampleShape.count)
        var selected = [Int](repeating: 0, count: output.elements.count)
        input.elements.withUnsafeBufferPointer { px in
            output.elements.withUnsafeMutableBufferPointer { py in
                selected.withUnsafeMutableBufferPointer { ps in
                    var index = 0
                    for plane in 0..<(input.rows * channels) {
                        for oh in 0..<geometry.outputHeight {
                            for ow in 0..<geometry.outputWidth {
                                let corner = plane * height * width + oh * stride * width + ow * stride
                                var best = corner
                                for ki in 0..<kh {
                                    for kj in 0..<kw where px[corner + ki * width + kj] > px[best] { best = corner + ki * width + kj }
                                }
                                py[index] = px[best]
                                ps[index] = best
                                index += 1
                            }
                        }
                    }
                }
            }
        }
        return LayerState(input: input, output: output, selectedIndices: selected)
    }

    public func backward(
        _ outputGradient: Matrix<Scalar>, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>, computingInputGradient: Bool
    ) -> LayerGradients<Scalar> {
        LayerGradients(input: computingInputGradient ? route(outputGradient, state: state) : nil)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forwardTangent(
        _ inputTangent: Matrix<Scalar>?, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>, parameterTangent: ArraySlice<Scalar>
    ) -> Matrix<Scalar>? {
        guard let inputTangent else { return nil }
        var tangent = Matrix<Scalar>(rows: inputTangent.rows, columns: outputExampleShape.count)
        inputTangent.elements.withUnsafeBufferPointer { px in
            tangent.elements.withUnsafeMutableBufferPointer { pt in
                for (index, source) in state.selectedIndices.enumerated() { pt[index] = px[source] }
            }
        }
        return tangent
    }

    public func backwardTangent(
        _ outputGradient: Matrix<Scalar>, _ outputGradientTangent: Matrix<Scalar>, state: LayerState<Scalar>,
        inputTangent: Matrix<Scalar>?, parameters: ArraySlice<Scalar>, parameterTangent: ArraySlice<Scalar>,
        computingInputGradient: Bool
    ) -> LayerGradients<Scalar> {
        LayerGradients(input: computingInputGradient ? route(outputGradientTangent, state: state) : nil)
    }

    /// The adjoint of the selection: each output gradient added to the input entry it selected.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func route(_ delta: Matrix<Scalar>, state: LayerState<Scalar>) -> Matrix<Scalar> {
        var gradient = Matrix<Scalar>(rows: delta.rows, columns: inputShape.count)
        delta.elements.withUnsafeBufferPointer { pd in
            gradient.elements.withUnsafeMutableBufferPointer { pg in
                for (index, target) in state.selectedIndices.enumerated() { pg[target] += pd[index] }
            }
        }
        return gradient
    }
}
