import NGLinearAlgebra

extension ForwardPass {
    /// The Jacobian-vector product J·v: row i is Jᵢ·v = ∂zᵢ/∂θ·v, N×out — forward mode, the
    /// R-operator R{z} of Pearlmutter (1994), one tangent pass costing about one forward pass.
    /// - Parameter direction: v, P entries in parameter order.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` unless v has P entries.
    public func jacobianVectorProduct(_ direction: Vector<Scalar>) throws -> Matrix<Scalar> {
        try forwardTangents(direction).last!!
    }

    /// The Gauss-Newton-vector product of the mean loss (Schraudolph 2002):
    ///
    ///     G·v = (1/N)·Σᵢ Jᵢᵀ·F_z(zᵢ)·Jᵢ·v
    ///
    /// one forward-mode pass (J·v), the likelihood's output-space Fisher F_z applied per example,
    /// and one backward pass (Jᵀ·). For the canonical likelihoods here F_z is also the Hessian of
    /// ℓ in z, so this is the generalized Gauss-Newton matrix and equals the exact Fisher (the
    /// Fisher of the model's predictive distribution), and it is positive semi-definite.
    /// - Parameters:
    ///   - direction: v, P entries.
    ///   - likelihood: gives F_z; no targets are needed (F_z does not depend on them).
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` unless v has P entries.
    public func gaussNewtonVectorProduct<L: Likelihood>(_ direction: Vector<Scalar>, likelihood: L) throws -> Vector<Scalar>
    where L.Scalar == Scalar {
        var cotangents = try likelihood.fisherProducts(outputs: outputs, jacobianVectorProduct(direction))
        cotangents.scale(by: 1 / Scalar(exampleCount))
        return try vectorJacobianProduct(cotangents)
    }

    /// The forward-mode tangents: entry l is the tangent of layer l's input (nil when it is
    /// zero, as for the network input), the last entry the tangent of the outputs (zeros rather
    /// than nil).
    func forwardTangents(_ direction: Vector<Scalar>) throws -> [Matrix<Scalar>?] {
        try network.validate(parameters: direction, operation: "ForwardPass tangent direction")
        var tangents = [Matrix<Scalar>?]()
        tangents.reserveCapacity(network.layers.count + 1)
        var tangent: Matrix<Scalar>? = nil
        for (l, layer) in network.layers.enumerated() {
            tangents.append(tangent)
            tangent = layer.forwardTangent(
                tangent, state: layerStates[l], parameters: layerParameters(l),
                parameterTangent: direction.elements[network.parameterRanges[l]])
        }
        tangents.append(tangent ?? Matrix(rows: exampleCount, columns: network.outputCount))
        return tangents
    }
}
