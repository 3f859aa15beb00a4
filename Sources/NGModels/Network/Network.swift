import NGLinearAlgebra
import NGRandom

/// A sequential neural network: a chain of ``Layer``s from an input shape to an output vector.
///
/// The network holds its architecture only. Parameters live in one flat ``Vector`` in PyTorch's
/// `parameters_to_vector` order — layer by layer, the weight row-major, then the bias — which
/// every method takes as an argument (optimizers and curvature code own the vector; the network
/// is a pure function of it). ``parameterRanges`` and ``parameterLayouts`` say where each
/// layer's parameters lie.
///
/// Batches are N×features matrices, images in NCHW order. Evaluating the network gives a
/// ``ForwardPass`` that keeps what the derivatives need: back-propagation with capture of K-FAC's
/// a and g, per-example gradients, Jacobian-vector products, Gauss-Newton-vector products and
/// exact Hessian-vector products (see ``ForwardPass``).
///
/// ```swift
/// let network = try Network<Double>.multilayerPerceptron(sizes: [8, 6, 5, 3], activation: .tanh)
/// var generator = SeededGenerator(seed: 0)
/// let parameters = network.initialParameters(generator: &generator)
/// let pass = try network.forward(inputs, parameters: parameters)
/// let gradient = try pass.lossGradient(likelihood: CategoricalLikelihood(), targets: oneHotLabels)
/// ```
public struct Network<Scalar: BLASScalar>: Sendable, CustomStringConvertible {
    /// The layers, applied in order.
    public let layers: [any Layer<Scalar>]
    /// The shape of one input example.
    public let inputShape: FeatureShape
    /// The shape of each layer's output example (`layerOutputShapes[l]` for layer l).
    public let layerOutputShapes: [FeatureShape]
    /// Each layer's slice of the flat parameter vector (empty ranges for parameter-free layers).
    public let parameterRanges: [Range<Int>]
    /// The weight and bias layout of each parameterized layer, in layer order.
    public let parameterLayouts: [LayerParameterLayout]

    /// A network of `layers` taking examples of `inputShape`.
    /// - Throws: ``NetworkError/invalidConfiguration(_:)`` when a layer cannot take the output of
    ///   the one before (naming the layer and both shapes), or when there are no layers.
    public init(inputShape: FeatureShape, layers: [any Layer<Scalar>]) throws {
        guard !layers.isEmpty else { throw NetworkError.invalidConfiguration("Network: at least one layer is needed") }
        var shape = inputShape
        var shapes = [FeatureShape]()
        var ranges = [Range<Int>]()
        var layouts = [LayerParameterLayout]()
        var offset = 0
        for (index, layer) in layers.enumerated() {
            do {
                shape = try layer.outputShape(for: shape)
            } catch let error as NetworkError {
                throw NetworkError.invalidConfiguration("Network layer \(index): \(error)")
            }
            shapes.append(shape)
            let count = layer.parameterCount
            ranges.append(offset..<(offset + count))
            if let weight = layer.weightShape {
                precondition(weight.rows * weight.columns + weight.rows == count, "\(layer): weightShape does not match parameterCount")
                layouts.append(LayerParameterLayout(layerIndex: index, rows: weight.rows, columns: weight.columns, offset: offset))
            }
            offset += count
        }
        self.layers = layers
        self.inputShape = inputShape
        self.layerOutputShapes = shapes
        self.parameterRanges = ranges
        self.parameterLayouts = layouts
    }

    /// A multilayer perceptron: dense layers `sizes[0] → sizes[1] → …`, with `activation` after
    /// every dense layer but the last, whose outputs (logits, means) feed a likelihood. This is the
    /// `natgrad fisher --sizes … --activation …` architecture; layer i of the PyTorch naming
    /// `layers.{i}.weight` is the i-th dense layer.
    /// - Throws: ``NetworkError/invalidConfiguration(_:)`` for fewer than two sizes or a size that is not positive.
    public static func multilayerPerceptron(sizes: [Int], activation: ActivationFunction) throws -> Network {
        guard sizes.count >= 2 else {
            throw NetworkError.invalidConfiguration("multilayer perceptron: need at least an input and an output size, got \(sizes)")
        }
        guard sizes.allSatisfy({ $0 > 0 }) else {
            throw NetworkError.invalidConfiguration("multilayer perceptron: sizes must be positive, got \(sizes)")
        }
        var layers = [any Layer<Scalar>]()
        for index in 0..<(sizes.count - 1) {
            layers.append(try Dense<Scalar>(inputCount: sizes[index], outputCount: sizes[index + 1]))
            if index < sizes.count - 2 { layers.append(Activation<Scalar>(activation)) }
        }
        return try Network(inputShape: .flat(sizes[0]), layers: layers)
    }

    /// P, the length of the flat parameter vector.
    public var parameterCount: Int { parameterRanges.last?.upperBound ?? 0 }
    /// The number of input features per example (columns of an input batch).
    public var inputCount: Int { inputShape.count }
    /// The number of outputs per example (columns of the output batch).
    public var outputCount: Int { layerOutputShapes.last!.count }

    /// The input shape of layer l (the network's input shape for l = 0).
    public func layerInputShape(_ l: Int) -> FeatureShape { l == 0 ? inputShape : layerOutputShapes[l - 1] }

    /// A seeded initial parameter vector, reproducible: the same seed gives the same vector.
    ///
    /// Each layer draws its weights then its bias from `generator`, in parameter order.
    public func initialParameters(
        scheme: ParameterInitialization = .pytorchDefault, generator: inout SeededGenerator
    ) -> Vector<Scalar> {
        var values = [Scalar]()
        values.reserveCapacity(parameterCount)
        for layer in layers { values.append(contentsOf: layer.initialParameters(scheme: scheme, generator: &generator)) }
        return Vector(values)
    }

    /// Checks a parameter vector's length.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` unless it has ``parameterCount`` entries.
    public func validate(parameters: Vector<Scalar>, operation: String) throws {
        guard parameters.count == parameterCount else {
            throw NetworkError.shapeMismatch(operation: operation, expected: "\(parameterCount) parameters", actual: "\(parameters.count)")
        }
    }

    public var description: String {
        "Network(input \(inputShape), \(parameterCount) parameters)\n" + layers.enumerated().map { "  \($0.offset): \($0.element)" }.joined(separator: "\n")
    }
}
