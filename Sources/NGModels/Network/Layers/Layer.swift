import NGLinearAlgebra
import NGRandom

/// One layer of a sequential ``Network``: a map from an N×`inputShape.count` batch to an
/// N×`outputShape.count` batch, with the derivatives back-propagation, forward-mode (R-op) and
/// exact Hessian-vector products need.
///
/// Layers hold no parameter values. A parameterized layer reads its weights from its own slice of
/// the network's flat parameter vector — the weight row-major, then the bias, PyTorch's
/// `parameters_to_vector` order — and returns gradients in that same order. Every method works on
/// the whole batch (one or two gemms for dense and convolution layers); the network dispatches
/// once per layer per pass, never per element.
///
/// Activations are separate layers, so the output of a dense or convolution layer *is* its
/// pre-activation, and the gradient arriving at its output is K-FAC's g (Martens & Grosse 2015).
///
/// ## Derivative conventions
/// With y = f(x; θ) on a batch, an *output gradient* Δ is ∂s/∂y for some scalar s (the summed
/// losses, or ⟨u, y⟩ for a vector-Jacobian product):
/// - ``backward(_:state:parameters:computingInputGradient:)`` returns ∂s/∂x = Δ·∂y/∂x and
///   ∂s/∂θ, summed over the batch.
/// - ``forwardTangent(_:state:parameters:parameterTangent:)`` returns ẏ = ∂y/∂x·ẋ + ∂y/∂θ·v.
/// - ``backwardTangent(_:_:state:inputTangent:parameters:parameterTangent:computingInputGradient:)``
///   returns the directional derivatives of both backward outputs along (ẋ, v) and Ṙ = R{Δ}
///   (Pearlmutter 1994).
///
/// ## Performance
/// The network reaches its layers through `any Layer<Scalar>`, and callers reach this module's
/// generic code from other modules, so layer code would run unspecialized (a value-witness call
/// per element, about ten times slower than specialized code). The per-element kernels (im2col,
/// pooling, activations, bias broadcasts, softmax) therefore carry
/// `@_specialize(where Scalar == Float)` and `… == Double`: their generic entry points jump to a
/// specialized copy at run time. A new layer should keep its own per-element loops in such
/// functions; its per-batch dispatch through the protocol costs nothing measurable.
public protocol Layer<Scalar>: Sendable, CustomStringConvertible {
    associatedtype Scalar: BLASScalar

    /// The number of entries of this layer's slice of the parameter vector (0 for parameter-free layers).
    var parameterCount: Int { get }

    /// The weight's shape as a matrix (out, fan-in) — (out, in) for dense, (outChannels,
    /// inChannels·kh·kw) for convolution — followed by `rows` biases; nil for parameter-free layers.
    var weightShape: (rows: Int, columns: Int)? { get }

    /// The shape of one output example for a given input shape.
    /// - Throws: ``NetworkError/invalidConfiguration(_:)`` when this layer cannot take `input`.
    func outputShape(for input: FeatureShape) throws -> FeatureShape

    /// Initial parameter values (`parameterCount` entries, in parameter order).
    func initialParameters(scheme: ParameterInitialization, generator: inout SeededGenerator) -> [Scalar]

    /// The forward pass on a batch, keeping what the backward pass needs.
    func forward(_ input: Matrix<Scalar>, parameters: ArraySlice<Scalar>) -> LayerState<Scalar>

    /// The backward pass: the input gradient (when asked for) and the parameter gradient summed
    /// over the batch, in parameter order (empty for parameter-free layers).
    func backward(
        _ outputGradient: Matrix<Scalar>, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>,
        computingInputGradient: Bool
    ) -> LayerGradients<Scalar>

    /// The backward pass writing the parameter gradient into `parameterGradient` (its
    /// `parameterCount` entries are overwritten; they need not be initialized) rather than into
    /// a new array: the network's backward pass hands each layer its slice of the gradient
    /// vector. Returns the input gradient when asked for.
    ///
    /// A default implementation copies the result of
    /// ``backward(_:state:parameters:computingInputGradient:)``; dense layers write in place.
    func backward(
        _ outputGradient: Matrix<Scalar>, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>,
        computingInputGradient: Bool, parameterGradient: UnsafeMutableBufferPointer<Scalar>
    ) -> Matrix<Scalar>?

    /// The forward-mode tangent ẏ for input tangent ẋ (nil = 0) and parameter tangent v
    /// (empty for parameter-free layers); nil when ẏ is identically zero.
    func forwardTangent(
        _ inputTangent: Matrix<Scalar>?, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>,
        parameterTangent: ArraySlice<Scalar>
    ) -> Matrix<Scalar>?

    /// The R-op of ``backward(_:state:parameters:computingInputGradient:)``: for output gradient
    /// Δ with tangent Ṙ, input tangent ẋ (nil = 0) and parameter tangent v, the tangents
    /// R{∂s/∂x} and R{∂s/∂θ}.
    func backwardTangent(
        _ outputGradient: Matrix<Scalar>, _ outputGradientTangent: Matrix<Scalar>, state: LayerState<Scalar>,
        inputTangent: Matrix<Scalar>?, parameters: ArraySlice<Scalar>, parameterTangent: ArraySlice<Scalar>,
        computingInputGradient: Bool
    ) -> LayerGradients<Scalar>

    /// K-FAC's raw material for a parameterized layer: the inputs a of its affine map (N×in for
    /// dense; the im2col patches, (N·L)×(C·kh·kw), for convolution), the gradients g at its output
    /// (N×out, or (N·L)×outChannels) and L, the rows per example; nil for parameter-free layers.
    /// Its weight gradient is gᵀ·a (summed over all rows), its bias gradient the column sums of g.
    func affineRecord(outputGradient: Matrix<Scalar>, state: LayerState<Scalar>) -> (inputs: Matrix<Scalar>, outputGradients: Matrix<Scalar>, rowsPerExample: Int)?

    /// Per-example parameter gradients, N×`parameterCount` (row i = ∂sᵢ/∂θ for example i alone);
    /// nil for parameter-free layers.
    func perExampleGradients(_ outputGradient: Matrix<Scalar>, state: LayerState<Scalar>) -> Matrix<Scalar>?
}

extension Layer {
    public var parameterCount: Int { 0 }
    public var weightShape: (rows: Int, columns: Int)? { nil }
    public func initialParameters(scheme: ParameterInitialization, generator: inout SeededGenerator) -> [Scalar] { [] }
    public func affineRecord(outputGradient: Matrix<Scalar>, state: LayerState<Scalar>) -> (inputs: Matrix<Scalar>, outputGradients: Matrix<Scalar>, rowsPerExample: Int)? { nil }
    public func perExampleGradients(_ outputGradient: Matrix<Scalar>, state: LayerState<Scalar>) -> Matrix<Scalar>? { nil }

    public func backward(
        _ outputGradient: Matrix<Scalar>, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>,
        computingInputGradient: Bool, parameterGradient: UnsafeMutableBufferPointer<Scalar>
    ) -> Matrix<Scalar>? {
        let result = backward(outputGradient, state: state, parameters: parameters, computingInputGradient: computingInputGradient)
        precondition(result.parameters.count == parameterGradient.count, "\(self): the parameter gradient has the wrong length")
        if let base = parameterGradient.baseAddress, !result.parameters.isEmpty {
            result.parameters.withUnsafeBufferPointer { base.initialize(from: $0.baseAddress!, count: $0.count) }
        }
        return result.input
    }
}

/// What a layer's forward pass keeps for its backward pass.
///
/// Matrices are copy-on-write, so the output of one layer and the input of the next share storage.
public struct LayerState<Scalar: BLASScalar>: Sendable {
    /// The layer's input batch x, N×(input features).
    public let input: Matrix<Scalar>
    /// The layer's output batch y, N×(output features).
    public let output: Matrix<Scalar>
    /// For a convolution, the im2col patches of the input, (N·L)×(C·kh·kw); nil otherwise.
    public let patches: Matrix<Scalar>?
    /// For max pooling, the index into `input.elements` of the entry each output entry selected,
    /// in the order of `output.elements`; empty otherwise.
    public let selectedIndices: [Int]

    public init(input: Matrix<Scalar>, output: Matrix<Scalar>, patches: Matrix<Scalar>? = nil, selectedIndices: [Int] = []) {
        self.input = input
        self.output = output
        self.patches = patches
        self.selectedIndices = selectedIndices
    }
}

/// The two results of a layer's backward pass (or of its R-op).
public struct LayerGradients<Scalar: BLASScalar>: Sendable {
    /// ∂s/∂x, N×(input features); nil when not asked for.
    public var input: Matrix<Scalar>?
    /// ∂s/∂θ summed over the batch, `parameterCount` entries in parameter order.
    public var parameters: [Scalar]

    public init(input: Matrix<Scalar>?, parameters: [Scalar] = []) {
        self.input = input
        self.parameters = parameters
    }
}
