import NGLinearAlgebra

extension ForwardPass {
    /// The exact Hessian-vector product of the mean loss L(θ) = (1/N)·Σᵢ ℓ(zᵢ, yᵢ):
    ///
    ///     H·v = ∇²_θ L · v = R_v{∇_θ L}
    ///
    /// by Pearlmutter's (1994) R-operator applied to the forward **and** backward pass
    /// (forward-over-reverse): a tangent forward pass gives R{x_l} at every layer input and
    /// R{z} = J·v; the loss gives ∂L/∂z = (1/N)·∇_z ℓ and R{∂L/∂z} = (1/N)·∇²_z ℓ·R{z}; then each
    /// layer maps (Δ, R{Δ}) at its output to (∂L/∂x, R{∂L/∂x}) at its input and R{∂L/∂θ_l}, its
    /// block of H·v. Exact up to rounding (no finite differences); costs about two forward and two
    /// backward passes. Unlike the Gauss-Newton product it includes the second derivatives of the
    /// network (φ″ of the activations, products of weights across layers), so it can be indefinite.
    /// - Parameters:
    ///   - direction: v, P entries.
    ///   - likelihood: the output distribution giving ℓ.
    ///   - targets: y, N×out (one-hot rows for a categorical likelihood).
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` for a direction or
    ///   targets of the wrong shape.
    public func hessianVectorProduct<L: Likelihood>(_ direction: Vector<Scalar>, likelihood: L, targets: Matrix<Scalar>) throws -> Vector<Scalar>
    where L.Scalar == Scalar {
        let tangents = try forwardTangents(direction)
        let scale = 1 / Scalar(exampleCount)
        var delta = try likelihood.outputGradients(outputs: outputs, targets: targets)
        delta.scale(by: scale)
        var deltaTangent = try likelihood.hessianProducts(outputs: outputs, targets: targets, tangents.last!!)
        deltaTangent.scale(by: scale)

        var product = Vector<Scalar>(count: network.parameterCount)
        for l in network.layers.indices.reversed() {
            let layer = network.layers[l], state = layerStates[l], range = network.parameterRanges[l]
            let parameters = layerParameters(l), parameterTangent = direction.elements[range]
            let needsInputGradient = l > 0
            let tangentResult = layer.backwardTangent(
                delta, deltaTangent, state: state, inputTangent: tangents[l], parameters: parameters,
                parameterTangent: parameterTangent, computingInputGradient: needsInputGradient)
            if !range.isEmpty { product.elements.replaceSubrange(range, with: tangentResult.parameters) }
            guard needsInputGradient else { break }
            delta = layer.backward(delta, state: state, parameters: parameters, computingInputGradient: true).input!
            deltaTangent = tangentResult.input!
        }
        return product
    }
}
