import Foundation
import NGLinearAlgebra
import NGModels
import NGRandom
import NGTestSupport
import Testing

/// Every layer against an independent forward computation (naive loops, libm) and its backward
/// pass against central finite differences of ⟨U, f(x; θ)⟩ in Double, for parameters and inputs.
@Suite struct NetworkLayerTests {
    /// A convolution geometry under test: C, H, W, out channels, kh, kw, stride, padding.
    struct ConvolutionCase: Sendable, CustomStringConvertible {
        let channels, height, width, outputChannels, kernelHeight, kernelWidth, stride, padding: Int
        var description: String { "C\(channels) \(height)×\(width) → \(outputChannels), kernel \(kernelHeight)×\(kernelWidth), s\(stride) p\(padding)" }
        var input: FeatureShape { FeatureShape(channels: channels, height: height, width: width) }
        func layer<T: BLASScalar>(_: T.Type) throws -> Convolution2D<T> {
            try Convolution2D(inputShape: input, outputChannels: outputChannels, kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: stride, padding: padding)
        }
    }

    static let convolutionCases = [
        ConvolutionCase(channels: 2, height: 5, width: 4, outputChannels: 3, kernelHeight: 3, kernelWidth: 2, stride: 2, padding: 1),
        ConvolutionCase(channels: 1, height: 4, width: 4, outputChannels: 2, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 0),
        ConvolutionCase(channels: 3, height: 6, width: 5, outputChannels: 2, kernelHeight: 1, kernelWidth: 4, stride: 3, padding: 2),
    ]

    // MARK: Forward passes against naive computations

    /// The im2col + gemm convolution equals the textbook loop over (example, out channel, output
    /// pixel, in channel, kernel row, kernel column), in both precisions.
    @Test(arguments: NetworkFixtures.precisions, convolutionCases)
    func convolutionMatchesNaiveLoops(_ type: any BLASScalar.Type, _ geometry: ConvolutionCase) throws {
        try checkConvolution(type, geometry)
    }

    func checkConvolution<T: BLASScalar>(_: T.Type, _ g: ConvolutionCase) throws {
        let layer = try g.layer(T.self)
        let network = try Network<T>(inputShape: g.input, layers: [layer])
        let parameters: Vector<T> = TestMatrices.gaussianVector(network.parameterCount, seed: 11)
        let x: Matrix<T> = TestMatrices.gaussian(3, g.input.count, seed: 12)
        let result = try network.outputs(x, parameters: parameters)

        let outputHeight = (g.height + 2 * g.padding - g.kernelHeight) / g.stride + 1
        let outputWidth = (g.width + 2 * g.padding - g.kernelWidth) / g.stride + 1
        #expect(layer.outputExampleShape == FeatureShape(channels: g.outputChannels, height: outputHeight, width: outputWidth))
        #expect(network.parameterCount == g.outputChannels * g.channels * g.kernelHeight * g.kernelWidth + g.outputChannels)
        let weightCount = g.outputChannels * g.channels * g.kernelHeight * g.kernelWidth
        var expected = Matrix<Double>(rows: 3, columns: g.outputChannels * outputHeight * outputWidth)
        for i in 0..<3 {
            for o in 0..<g.outputChannels {
                for oh in 0..<outputHeight {
                    for ow in 0..<outputWidth {
                        var sum = Double(parameters[weightCount + o])
                        for c in 0..<g.channels {
                            for ki in 0..<g.kernelHeight {
                                for kj in 0..<g.kernelWidth {
                                    let h = oh * g.stride - g.padding + ki, w = ow * g.stride - g.padding + kj
                                    guard h >= 0, h < g.height, w >= 0, w < g.width else { continue }
                                    let weight = parameters[((o * g.channels + c) * g.kernelHeight + ki) * g.kernelWidth + kj]
                                    sum += Double(weight) * Double(x[i, (c * g.height + h) * g.width + w])
                                }
                            }
                        }
                        expected[i, (o * outputHeight + oh) * outputWidth + ow] = sum
                    }
                }
            }
        }
        #expect(DenseOracles.relativeDifference(result, expected) < NetworkFixtures.tolerance(T.self), "\(g)")
    }

    /// Dense, pooling, flatten and every activation against direct formulas.
    @Test(arguments: NetworkFixtures.precisions)
    func simpleLayersMatchDirectFormulas(_ type: any BLASScalar.Type) throws { try checkSimpleLayers(type) }

    func checkSimpleLayers<T: BLASScalar>(_: T.Type) throws {
        let tolerance = NetworkFixtures.tolerance(T.self)
        // Dense: z = W·x + b with W read row-major from the front of the parameter vector.
        let dense = try Network<T>(inputShape: .flat(4), layers: [try Dense<T>(inputCount: 4, outputCount: 3)])
        let theta: Vector<T> = TestMatrices.gaussianVector(15, seed: 1)
        let x: Matrix<T> = TestMatrices.gaussian(2, 4, seed: 2)
        let expectedDense = Matrix<Double>(rows: 2, columns: 3) { i, o in
            Double(theta[12 + o]) + (0..<4).reduce(0.0) { $0 + Double(theta[o * 4 + $1]) * Double(x[i, $1]) }
        }
        #expect(DenseOracles.relativeDifference(try dense.outputs(x, parameters: theta), expectedDense) < tolerance)

        // Pooling over a 2×5×4 image with 2×3 windows and stride 1 (output 2×4×2).
        let image = FeatureShape(channels: 2, height: 5, width: 4)
        let pixels: Matrix<T> = TestMatrices.gaussian(2, image.count, seed: 3)
        for isMax in [false, true] {
            let layer: any Layer<T> = isMax
                ? try MaxPooling2D<T>(inputShape: image, windowHeight: 2, windowWidth: 3, stride: 1)
                : try AveragePooling2D<T>(inputShape: image, windowHeight: 2, windowWidth: 3, stride: 1)
            let network = try Network<T>(inputShape: image, layers: [layer])
            #expect(network.layerOutputShapes == [FeatureShape(channels: 2, height: 4, width: 2)])
            let expected = Matrix<Double>(rows: 2, columns: 16) { i, index in
                let (c, oh, ow) = (index / 8, (index % 8) / 2, index % 2)
                let window = (0..<2).flatMap { ki in (0..<3).map { kj in Double(pixels[i, (c * 5 + oh + ki) * 4 + ow + kj]) } }
                return isMax ? window.max()! : window.reduce(0, +) / 6
            }
            #expect(DenseOracles.relativeDifference(try network.outputs(pixels, parameters: []), expected) < tolerance, "max: \(isMax)")
        }

        // Flatten keeps the data and reports a flat shape.
        let flatten = try Network<T>(inputShape: image, layers: [Flatten<T>()])
        #expect(flatten.layerOutputShapes == [.flat(40)])
        #expect(try flatten.outputs(pixels, parameters: []) == pixels)

        // Activations against libm in Double.
        let values: Matrix<T> = TestMatrices.gaussian(3, 5, seed: 4).map { 3 * $0 }
        let reference: [ActivationFunction: (Double) -> Double] = [
            .tanh: { Foundation.tanh($0) }, .sigmoid: { 1 / (1 + Foundation.exp(-$0)) }, .relu: { Swift.max($0, 0) },
            .softplus: { Foundation.log(1 + Foundation.exp($0)) }, .identity: { $0 },
        ]
        for function in ActivationFunction.allCases {
            let network = try Network<T>(inputShape: .flat(5), layers: [Activation<T>(function)])
            let expected = DenseOracles.double(values).map(reference[function]!)
            #expect(DenseOracles.relativeDifference(try network.outputs(values, parameters: []), expected) < tolerance, "\(function)")
        }
        // Softplus and sigmoid stay finite and exact for large arguments.
        let extreme = try Matrix<T>([[-200, 200]])
        let softplus = ActivationFunction.softplus.apply(extreme)
        #expect(softplus[0, 0] >= 0 && softplus[0, 0] < 1e-30 && softplus[0, 1] == 200)
        #expect(ActivationFunction.sigmoid.apply(extreme)[0, 1] == 1)
    }

    // MARK: Backward passes against finite differences

    /// The layers whose gradients are checked, each alone in a network.
    static func gradientCases() throws -> [(String, Network<Double>)] {
        let image = FeatureShape(channels: 2, height: 5, width: 4)
        var cases: [(String, Network<Double>)] = [
            ("dense", try Network(inputShape: .flat(4), layers: [try Dense<Double>(inputCount: 4, outputCount: 3)])),
            ("average pooling", try Network(inputShape: image, layers: [try AveragePooling2D<Double>(inputShape: image, windowHeight: 2, windowWidth: 3, stride: 1)])),
            ("max pooling", try Network(inputShape: image, layers: [try MaxPooling2D<Double>(inputShape: image, windowSize: 2)])),
            ("flatten", try Network(inputShape: image, layers: [Flatten<Double>()])),
        ]
        for g in convolutionCases { cases.append(("convolution \(g)", try Network(inputShape: g.input, layers: [try g.layer(Double.self)]))) }
        for function in ActivationFunction.allCases {
            cases.append(("activation \(function)", try Network(inputShape: .flat(6), layers: [Activation<Double>(function)])))
        }
        return cases
    }

    /// ∂⟨U, f(x; θ)⟩/∂θ and ∂/∂x from the backward pass equal central differences.
    @Test func everyLayerGradientMatchesFiniteDifferences() throws {
        for (name, network) in try Self.gradientCases() {
            let parameters: Vector<Double> = TestMatrices.gaussianVector(network.parameterCount, seed: 5)
            let x: Matrix<Double> = TestMatrices.gaussian(3, network.inputCount, seed: 6)
            let u: Matrix<Double> = TestMatrices.gaussian(3, network.outputCount, seed: 7)
            let result = try network.forward(x, parameters: parameters).backward(u, capturing: .inputGradient)

            let parameterDifferences = try NetworkFixtures.finiteDifferenceGradient(at: parameters) { theta in
                NetworkFixtures.inner(u.elements, try network.outputs(x, parameters: theta).elements)
            }
            #expect(NetworkFixtures.relativeError(result.parameterGradient.elements, parameterDifferences) < 1e-8, "\(name): parameters")
            let inputDifferences = try NetworkFixtures.finiteDifferenceGradient(at: Vector(x.elements)) { flat in
                let shifted = try Matrix(rows: 3, columns: network.inputCount, elements: flat.elements)
                return NetworkFixtures.inner(u.elements, try network.outputs(shifted, parameters: parameters).elements)
            }
            #expect(NetworkFixtures.relativeError(result.inputGradient!.elements, inputDifferences) < 1e-8, "\(name): inputs")
        }
    }

    /// The Float computation of every layer's backward pass agrees with the Double one.
    @Test func floatBackwardAgreesWithDouble() throws {
        for (name, network) in try Self.gradientCases() {
            let floatNetwork = try Network<Float>(inputShape: network.inputShape, layers: network.layers.map(Self.floatLayer))
            let parameters: Vector<Double> = TestMatrices.gaussianVector(network.parameterCount, seed: 8)
            let x: Matrix<Double> = TestMatrices.gaussian(3, network.inputCount, seed: 9)
            let u: Matrix<Double> = TestMatrices.gaussian(3, network.outputCount, seed: 10)
            let double = try network.forward(x, parameters: parameters).backward(u, capturing: .inputGradient)
            let single = try floatNetwork.forward(x.converted(), parameters: parameters.converted()).backward(u.converted(), capturing: .inputGradient)
            #expect(NetworkFixtures.relativeError(single.parameterGradient.elements, double.parameterGradient.elements) < 1e-5, "\(name)")
            #expect(NetworkFixtures.relativeError(single.inputGradient!.elements, double.inputGradient!.elements) < 1e-5, "\(name)")
        }
    }

    /// The same layer in Float, rebuilt from its public description.
    static func floatLayer(_ layer: any Layer<Double>) -> any Layer<Float> {
        switch layer {
        case let dense as Dense<Double>: return try! Dense<Float>(inputCount: dense.inputCount, outputCount: dense.outputCount)
        case let c as Convolution2D<Double>:
            return try! Convolution2D<Float>(
                inputShape: c.inputShape, outputChannels: c.outputChannels, kernelHeight: c.kernelHeight, kernelWidth: c.kernelWidth,
                stride: c.stride, padding: c.padding)
        case let pool as AveragePooling2D<Double>: return try! AveragePooling2D<Float>(inputShape: pool.inputShape, windowHeight: 2, windowWidth: 3, stride: 1)
        case let pool as MaxPooling2D<Double>: return try! MaxPooling2D<Float>(inputShape: pool.inputShape, windowSize: 2)
        case is Flatten<Double>: return Flatten<Float>()
        case let activation as Activation<Double>: return Activation<Float>(activation.function)
        default: fatalError("floatLayer: unexpected \(layer)")
        }
    }

    // MARK: Configuration errors

    /// Impossible geometries are thrown with a message naming the layer.
    @Test func badLayerConfigurationsThrow() {
        let image = FeatureShape(channels: 1, height: 3, width: 3)
        #expect(throws: NetworkError.self) { try Convolution2D<Double>(inputShape: image, outputChannels: 1, kernelSize: 5) }
        #expect(throws: NetworkError.self) { try Convolution2D<Double>(inputShape: image, outputChannels: 0, kernelSize: 2) }
        #expect(throws: NetworkError.self) { try Convolution2D<Double>(inputShape: image, outputChannels: 1, kernelSize: 2, stride: 0) }
        #expect(throws: NetworkError.self) { try Convolution2D<Double>(inputShape: image, outputChannels: 1, kernelSize: 2, padding: -1) }
        #expect(throws: NetworkError.self) { try MaxPooling2D<Double>(inputShape: image, windowSize: 4) }
        #expect(throws: NetworkError.self) { try Dense<Double>(inputCount: 0, outputCount: 2) }
        do {
            _ = try Convolution2D<Double>(inputShape: image, outputChannels: 1, kernelSize: 5, padding: 0)
            Issue.record("a 5×5 kernel on a 3×3 image was accepted")
        } catch {
            #expect("\(error)".contains("Convolution2D") && "\(error)".contains("larger than the padded input"))
        }
    }
}
