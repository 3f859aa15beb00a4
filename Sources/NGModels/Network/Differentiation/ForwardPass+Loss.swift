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

    /// The per-example loss gradients ∇_θ ℓ(zᵢ, yᵢ) as the rows of an N×P matrix (unscaled: their
    /// mean is ``lossGradient(likelihood:targets:)``). With the true labels, (1/N)·GᵀG is the
    /// empirical Fisher; with labels sampled from the model, the Monte-Carlo Fisher.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` unless the targets are N×out.
    public func perExampleLossGradients<L: Likelihood>(likelihood: L, targets: Matrix<Scalar>) throws -> Matrix<Scalar> where L.Scalar == Scalar {
        try perExampleGradients(likelihood.outputGradients(outputs: outputs, targets: targets))
    }
}

extension Network {
    /// The mean loss and its gradient at θ on a batch (one forward and one backward pass).
    /// - Throws: ``NetworkError`` for inputs, parameters or targets of the wrong shape.
    public func lossAndGradient<L: Likelihood>(
        inputs: Matrix<Scalar>, targets: Matrix<Scalar>, parameters: Vector<Scalar>, likelihood: L
    ) throws -> (loss: Scalar, gradient: Vector<Scalar>) where L.Scalar == Scalar {
        let pass = try forward(inputs, parameters: parameters)
        return (try pass.meanLoss(likelihood: likelihood, targets: targets), try pass.lossGradient(likelihood: likelihood, targets: targets))
    }
}
