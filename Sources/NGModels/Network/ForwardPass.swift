import NGLinearAlgebra

/// A network evaluated on one batch at one parameter vector, keeping every layer's input and
/// output (and convolution patches, max-pooling selections) for the derivatives.
///
/// All derivative methods are defined on the pass, so one forward pass serves any number of
/// backward passes, Jacobian-vector products and Hessian-vector products at the same point —
/// which is how curvature matrices are assembled (one product per direction):
///
/// | method                                                   | computes                                   |
/// |----------------------------------------------------------|--------------------------------------------|
/// | ``backward(_:capturing:)``                                | Σᵢ Jᵢᵀuᵢ, K-FAC records, per-example rows   |
/// | ``vectorJacobianProduct(_:)``, ``perExampleGradients(_:)`` | Jᵀ·U, and its rows Jᵢᵀuᵢ                   |
/// | ``jacobianVectorProduct(_:)``                             | J·v (forward mode, R-op)                   |
/// | ``gaussNewtonVectorProduct(_:likelihood:)``               | (1/N)·Σᵢ Jᵢᵀ F_z Jᵢ v                      |
/// | ``hessianVectorProduct(_:likelihood:targets:)``           | ∇²L·v exactly (Pearlmutter 1994)           |
/// | ``meanLoss(likelihood:targets:)``, ``lossGradient(likelihood:targets:)`` | L and ∇L                   |
/// | ``perExampleLossGradients(likelihood:targets:)``          | ∇ℓᵢ as rows (empirical / MC Fisher)        |
///
/// Scaling: the Jacobian products are plain sums over the batch (the caller chooses mean or sum
/// through the output gradients it passes); the loss, its gradient, the Gauss-Newton and Hessian
/// products are those of the **mean** loss L.
///
/// Notation used throughout: N examples, P parameters, z = f(x; θ) the N×out outputs,
/// Jᵢ = ∂zᵢ/∂θ the out×P Jacobian of example i, ℓᵢ = ℓ(zᵢ, yᵢ) its negative log-likelihood and
/// L = (1/N)·Σᵢ ℓᵢ the mean loss.
public struct ForwardPass<Scalar: BLASScalar>: Sendable {
    /// The network that was evaluated.
    public let network: Network<Scalar>
    /// The parameters θ it was evaluated at (P entries).
    public let parameters: Vector<Scalar>
    /// The input batch, N×(input features).
    public let inputs: Matrix<Scalar>
    /// What each layer kept; `layerStates[l].input` is layer l's input, `.output` its output.
    public let layerStates: [LayerState<Scalar>]

    /// The network's outputs z, N×out.
    public var outputs: Matrix<Scalar> { layerStates.last!.output }
    /// N, the number of examples.
    public var exampleCount: Int { inputs.rows }

    /// Layer l's slice of the parameter vector (a view, no copy).
    func layerParameters(_ l: Int) -> ArraySlice<Scalar> { parameters.elements[network.parameterRanges[l]] }

    /// Checks that a batch of output-space vectors (gradients, cotangents) is N×out.
    func validateOutputBatch(_ u: Matrix<Scalar>, operation: String) throws {
        guard u.rows == exampleCount, u.columns == network.outputCount else {
            throw NetworkError.shapeMismatch(
                operation: operation, expected: "\(exampleCount)×\(network.outputCount) (examples × outputs)", actual: u.shapeDescription)
        }
    }
}

extension Network {
    /// Evaluates the network on a batch, keeping what the derivatives need.
    /// - Parameters:
    ///   - inputs: N×``inputCount``, one example per row (NCHW for images), N ≥ 1.
    ///   - parameters: the flat parameter vector, ``parameterCount`` entries.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` for a batch with the
    ///   wrong number of features or no rows, or a parameter vector of the wrong length.
    public func forward(_ inputs: Matrix<Scalar>, parameters: Vector<Scalar>) throws -> ForwardPass<Scalar> {
        guard inputs.columns == inputCount, inputs.rows > 0 else {
            throw NetworkError.shapeMismatch(
                operation: "Network.forward", expected: "N×\(inputCount) inputs with N ≥ 1 (input shape \(inputShape))",
                actual: inputs.shapeDescription)
        }
        try validate(parameters: parameters, operation: "Network.forward")
        var states = [LayerState<Scalar>]()
        states.reserveCapacity(layers.count)
        var activations = inputs
        for (l, layer) in layers.enumerated() {
            let state = layer.forward(activations, parameters: parameters.elements[parameterRanges[l]])
            activations = state.output
            states.append(state)
        }
        return ForwardPass(network: self, parameters: parameters, inputs: inputs, layerStates: states)
    }

    /// The outputs z = f(x; θ), N×``outputCount``.
    /// - Throws: as ``forward(_:parameters:)``.
    public func outputs(_ inputs: Matrix<Scalar>, parameters: Vector<Scalar>) throws -> Matrix<Scalar> {
        try forward(inputs, parameters: parameters).outputs
    }
}
