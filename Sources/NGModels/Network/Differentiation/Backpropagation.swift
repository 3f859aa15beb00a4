import NGLinearAlgebra

/// What a backward pass should keep besides the parameter gradient.
public struct BackwardCapture: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Each parameterized layer's inputs a and output gradients g (``LayerRecord``), K-FAC's raw material.
    public static let layerRecords = BackwardCapture(rawValue: 1 << 0)
    /// The N×P matrix of per-example gradients.
    public static let perExampleGradients = BackwardCapture(rawValue: 1 << 1)
    /// The gradient with respect to the network's inputs, N×(input features).
    public static let inputGradient = BackwardCapture(rawValue: 1 << 2)
}

/// The results of one backward pass from output gradients U (N×out).
///
/// Everything is a batch **sum**: with uᵢ row i of U, the parameter gradient is Σᵢ Jᵢᵀ·uᵢ. Pass
/// U = (1/N)·∂ℓ/∂z for the gradient of the mean loss, U = ∂ℓ/∂z for the sum; the per-example
/// gradients and the records' g are Jᵢᵀ·uᵢ and the back-propagated uᵢ themselves, unscaled.
public struct Backpropagation<Scalar: BLASScalar>: Sendable {
    /// Σᵢ Jᵢᵀ·uᵢ, P entries in parameter order.
    public var parameterGradient: Vector<Scalar>
    /// One record per parameterized layer, in layer order (empty unless `.layerRecords` was asked for).
    public var layerRecords: [LayerRecord<Scalar>]
    /// Row i = Jᵢᵀ·uᵢ, N×P; the rows sum to ``parameterGradient`` (nil unless asked for).
    public var perExampleGradients: Matrix<Scalar>?
    /// ∂(Σᵢ ⟨uᵢ, zᵢ⟩)/∂x, N×(input features) (nil unless asked for).
    public var inputGradient: Matrix<Scalar>?
}

extension ForwardPass {
    /// Back-propagates output gradients U through the network: the vector-Jacobian product
    /// Σᵢ Jᵢᵀ·uᵢ, and on request K-FAC's per-layer a and g, per-example gradients and the input
    /// gradient.
    ///
    /// Cost: about twice the forward pass (two gemms per dense or convolution layer, one fewer
    /// for the first layer unless the input gradient is asked for); per-example gradients add one
    /// outer product (dense) or one small gemm (convolution) per example and layer. An
    /// activation directly over a dense layer is fused with that layer's bias gradient: one pass
    /// computes φ′ ⊙ Δ in place and its column sums (no batch-sized temporary, no extra read).
    /// - Parameters:
    ///   - outputGradients: U, N×out; row i is ∂s/∂zᵢ for the scalar s being differentiated.
    ///   - capture: what to keep besides the parameter gradient.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` unless U is N×out.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backward(_ outputGradients: Matrix<Scalar>, capturing capture: BackwardCapture = []) throws -> Backpropagation<Scalar> {
        try validateOutputBatch(outputGradients, operation: "ForwardPass.backward")
        let network = self.network
        // Every entry is written: the layers' parameter ranges partition 0..<P, and each layer
        // writes its whole range below.
        var gradient = Vector<Scalar>([Scalar](unsafeUninitializedCapacity: network.parameterCount) { _, count in
            count = network.parameterCount
        })
        var records = [LayerRecord<Scalar>]()
        var perExample = capture.contains(.perExampleGradients)
            ? Matrix<Scalar>(rows: exampleCount, columns: network.parameterCount) : nil
        var layoutIndex = network.parameterLayouts.count
        var delta = outputGradients
        for l in network.layers.indices.reversed() {
            let layer = network.layers[l], state = layerStates[l], range = network.parameterRanges[l]
            // An activation over a dense layer: φ′ ⊙ Δ in place and the dense layer's bias
            // gradient Σᵢ Δᵢ in the same pass (see ActivationFunction.multiplyDerivativeInPlace).
            if l > 0, let activation = layer as? Activation<Scalar>, let dense = network.layers[l - 1] as? Dense<Scalar> {
                let biasStart = network.parameterRanges[l - 1].upperBound - dense.outputCount
                gradient.elements.withUnsafeMutableBufferPointer { all in
                    activation.function.multiplyDerivativeInPlace(
                        input: state.input, output: state.output, &delta, columnSums: all.baseAddress! + biasStart)
                }
                continue
            }
            if !range.isEmpty {
                layoutIndex -= 1
                if capture.contains(.layerRecords), let record = layer.affineRecord(outputGradient: delta, state: state) {
                    records.append(LayerRecord(
                        layout: network.parameterLayouts[layoutIndex], inputs: record.inputs,
                        outputGradients: record.outputGradients, rowsPerExample: record.rowsPerExample))
                }
                if perExample != nil, let block = layer.perExampleGradients(delta, state: state) {
                    Self.copy(block, intoColumns: range, of: &perExample!)
                }
            }
            let needsInputGradient = l > 0 || capture.contains(.inputGradient)
            let parameters = layerParameters(l)
            let input = gradient.elements.withUnsafeMutableBufferPointer { all in
                let slice = UnsafeMutableBufferPointer(rebasing: all[range])
                // The activation above a dense layer has already written its bias gradient.
                if let dense = layer as? Dense<Scalar>, l + 1 < network.layers.count, network.layers[l + 1] is Activation<Scalar> {
                    return dense.backward(
                        delta, state: state, parameters: parameters, computingInputGradient: needsInputGradient, parameterGradient: slice,
                        includingBias: false)
                }
                return layer.backward(
                    delta, state: state, parameters: parameters, computingInputGradient: needsInputGradient, parameterGradient: slice)
            }
            if needsInputGradient { delta = input! }
        }
        return Backpropagation(
            parameterGradient: gradient, layerRecords: records.reversed(), perExampleGradients: perExample,
            inputGradient: capture.contains(.inputGradient) ? delta : nil)
    }

    /// The vector-Jacobian product Jᵀ·U = Σᵢ Jᵢᵀ·uᵢ (reverse mode; the parameter gradient of
    /// ``backward(_:capturing:)``).
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` unless U is N×out.
    public func vectorJacobianProduct(_ cotangents: Matrix<Scalar>) throws -> Vector<Scalar> {
        try backward(cotangents).parameterGradient
    }

    /// Per-example vector-Jacobian products: row i is Jᵢᵀ·uᵢ (N×P), without N separate backward
    /// passes — outer products gᵢ·āᵢᵀ per dense layer, one gemm per example per convolution.
    ///
    /// With U = ∂ℓ/∂z these are the per-example loss gradients (empirical Fisher, gradient
    /// noise); with U = the rows of a square-root factor of the output Fisher they give the exact
    /// Fisher as a sum of outer products.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` unless U is N×out.
    public func perExampleGradients(_ outputGradients: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try backward(outputGradients, capturing: .perExampleGradients).perExampleGradients!
    }

    /// Copies an N×|range| block into columns `range` of an N×P matrix.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func copy(_ block: Matrix<Scalar>, intoColumns range: Range<Int>, of matrix: inout Matrix<Scalar>) {
        precondition(block.rows == matrix.rows && block.columns == range.count, "ForwardPass: per-example block has the wrong shape")
        let (width, total) = (range.count, matrix.columns)
        block.elements.withUnsafeBufferPointer { src in
            matrix.elements.withUnsafeMutableBufferPointer { dst in
                for i in 0..<block.rows {
                    (dst.baseAddress! + i * total + range.lowerBound).update(from: src.baseAddress! + i * width, count: width)
                }
            }
        }
    }
}
