import NGLinearAlgebra

extension ForwardPass {
    /// The mean loss L = (1/N)·Σᵢ ℓ(zᵢ, yᵢ) at this pass's outputs.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` unless the targets are N×out.
    public func meanLoss<L: Likelihood>(likelihood: L, targets: Matrix<Scalar>) throws -> Scalar where L.Scalar == Scalar {
        try likelihood.meanNegativeLogLikelihood(outputs: outputs, targets: targets)
    }

    /// ∇_θ L = (1/N)·Σᵢ Jᵢᵀ·∇_z ℓ(zᵢ, yᵢ), the gradient of the mean loss (one backward pass).
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` unless the targets are N×out.
    public func lossGradient<L: Likelihood>(likelihood: L, targets: Matrix<Scalar>) throws -> Vector<Scalar> where L.Scalar == Scalar {
        var delta = try likelihood.outputGradients(outputs: outputs, targets: targets)
        delta.scale(by: 1 / Scalar(exampleCount))
        return try vectorJacobianProduct(delta)
    }

    /// The mean loss L and its gradient ∇_θ L together: the likelihood's fused loss-and-output-
    /// gradient loop (``Likelihood/lossAndOutputGradients(outputs:targets:gradientScale:)``, with
    /// α = 1/N) and one backward pass — a training step's work after the forward pass.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` unless the targets are N×out.
    public func lossAndGradient<L: Likelihood>(likelihood: L, targets: Matrix<Scalar>) throws -> (loss: Scalar, gradient: Vector<Scalar>)
    where L.Scalar == Scalar {
        let (loss, delta) = try likelihood.lossAndOutputGradients(outputs: outputs, targets: targets, gradientScale: 1 / Scalar(exampleCount))
        return (loss, try vectorJacobianProduct(delta))
    }

    /// The per-example loss gradients ∇_θ ℓ(zᵢ, yᵢ) as the rows of an N×P matrix (unscaled: their
    /// mean is ``lossGradient(likelihood:targets:)``). With the true labels, (1/N)·GᵀG is the
    /// empirical Fisher; with labels sampled from the model, the Monte-Carlo Fisher.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` unless the targets are N×out.
    public func perExampleLossGradients<L: Likelihood>(likelihood: L, targets: Matrix<Scalar>) throws -> Matrix<Scalar> where L.Scalar == Scalar {
        try perExampleGradients(likelihood.outputGradients(outputs: outputs, targets: targets))
    }
}

extension Network {
    /// The mean loss and its gradient at θ on a batch (one forward and one backward pass, the
    /// loss and the output gradients in one loop).
    /// - Throws: ``NetworkError`` for inputs, parameters or targets of the wrong shape.
    public func lossAndGradient<L: Likelihood>(
        inputs: Matrix<Scalar>, targets: Matrix<Scalar>, parameters: Vector<Scalar>, likelihood: L
    ) throws -> (loss: Scalar, gradient: Vector<Scalar>) where L.Scalar == Scalar {
        try forward(inputs, parameters: parameters).lossAndGradient(likelihood: likelihood, targets: targets)
    }
}
