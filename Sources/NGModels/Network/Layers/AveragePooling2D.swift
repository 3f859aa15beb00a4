import NGLinearAlgebra

/// Average pooling over kh×kw windows (PyTorch's `nn.AvgPool2d` without padding), per channel.
///
///     y[i, c, oh, ow] = (1 / (kh·kw)) · Σ_{ki, kj} x[i, c, oh·s + ki, ow·s + kj]
///
/// The layer is linear and parameter-free: its backward pass spreads each output gradient evenly
/// over its window, and its tangent maps are the layer itself.
public struct AveragePooling2D<Scalar: BLASScalar>: Layer {
    /// The shape of one input example.
    public let inputShape: FeatureShape
    let geometry: ConvolutionGeometry

    /// Average pooling of `inputShape` images over windowHeight×windowWidth windows, moved by
    /// `stride` (the window height when nil, PyTorch's default for square windows).
    /// - Throws: ``NetworkError/invalidConfiguration(_:)`` for non-positive sizes or a window larger than the input.
    public init(inputShape: FeatureShape, windowHeight: Int, windowWidth: Int, stride: Int? = nil) throws {
        self.inputShape = inputShape
        geometry = try ConvolutionGeometry(
            input: inputShape, kernelHeight: windowHeight, kernelWidth: windowWidth, stride: stride ?? windowHeight, padding: 0,
            layer: "AveragePooling2D")
    }

    /// Average pooling over square windows, moved by `stride` (the window size when nil).
    public init(inputShape: FeatureShape, windowSize: Int, stride: Int? = nil) throws {
        try self.init(inputShape: inputShape, windowHeight: windowSize, windowWidth: windowSize, stride: stride)
    }

    /// The shape of one output example: C × OH × OW.
    public var outputExampleShape: FeatureShape {
        FeatureShape(channels: inputShape.channels, height: geometry.outputHeight, width: geometry.outputWidth)
    }

    public var description: String {
        "AveragePooling2D(\(inputShape) → \(outputExampleShape), window \(geometry.kernelHeight)×\(geometry.kernelWidth), stride \(geometry.stride))"
    }

    public func outputShape(for input: FeatureShape) throws -> FeatureShape {
        guard input == inputShape else { throw NetworkError.invalidConfiguration("\(description) cannot take inputs of shape \(input)") }
        return outputExampleShape
    }

    public func forward(_ input: Matrix<Scalar>, parameters: ArraySlice<Scalar>) -> LayerState<Scalar> {
        LayerState(input: input, output: pool(input))
    }

    public func backward(
        _ outputGradient: Matrix<Scalar>, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>, computingInputGradient: Bool
    ) -> LayerGradients<Scalar> {
        LayerGradients(input: computingInputGradient ? spread(outputGradient) : nil)
    }

    public func forwardTangent(
        _ inputTangent: Matrix<Scalar>?, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>, parameterTangent: ArraySlice<Scalar>
    ) -> Matrix<Scalar>? {
        inputTangent.map(pool)
    }

    public func backwardTangent(
        _ outputGradient: Matrix<Scalar>, _ outputGradientTangent: Matrix<Scalar>, state: LayerState<Scalar>,
        inputTangent: Matrix<Scalar>?, parameters: ArraySlice<Scalar>, parameterTangent: ArraySlice<Scalar>,
        computingInputGradient: Bool
    ) -> LayerGradients<Scalar> {
        LayerGradients(input: computingInputGradient ? spread(outputGradientTangent) : nil)
    }

    /// The window means of an N×(C·H·W) batch.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func pool(_ x: Matrix<Scalar>) -> Matrix<Scalar> {
        var y = Matrix<Scalar>(rows: x.rows, columns: outputExampleShape.count)
        let scale = 1 / Scalar(geometry.kernelHeight * geometry.kernelWidth)
        x.elements.withUnsafeBufferPointer { px in
            y.elements.withUnsafeMutableBufferPointer { py in
                forEachWindow(examples: x.rows) { output, corner, kh, kw, width in
                    var sum: Scalar = 0
                    for ki in 0..<kh { for kj in 0..<kw { sum += px[corner + ki * width + kj] } }
                    py[output] = sum * scale
                }
            }
        }
        return y
    }

    /// The adjoint of ``pool(_:)``: each pooled gradient divided evenly over its window.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func spread(_ delta: Matrix<Scalar>) -> Matrix<Scalar> {
        var x = Matrix<Scalar>(rows: delta.rows, columns: inputShape.count)
        let scale = 1 / Scalar(geometry.kernelHeight * geometry.kernelWidth)
        delta.elements.withUnsafeBufferPointer { pd in
            x.elements.withUnsafeMutableBufferPointer { px in
                forEachWindow(examples: delta.rows) { output, corner, kh, kw, width in
                    let share = pd[output] * scale
                    for ki in 0..<kh { for kj in 0..<kw { px[corner + ki * width + kj] += share } }
                }
            }
        }
        return x
    }

    /// Calls `body(outputIndex, windowCorner, kh, kw, width)` for every output entry of the batch,
    /// in row-major output order, with the flat input index of its window's top-left pixel.
    @inline(__always)
    private func forEachWindow(examples: Int, _ body: (Int, Int, Int, Int, Int) -> Void) {
        let (channels, height, width) = (inputShape.channels, inputShape.height, inputShape.width)
        let (kh, kw, stride) = (geometry.kernelHeight, geometry.kernelWidth, geometry.stride)
        var output = 0
        for plane in 0..<(examples * channels) {
            for oh in 0..<geometry.outputHeight {
                for ow in 0..<geometry.outputWidth {
                    body(output, plane * height * width + oh * stride * width + ow * stride, kh, kw, width)
                    output += 1
                }
            }
        }
    }
}
