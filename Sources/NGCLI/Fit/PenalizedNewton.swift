import NaturalGradient

/// Newton's method with Armijo backtracking for a generalized linear model with an L2 penalty.
///
/// Minimizes J(θ) = L(θ) + (λ/2)·Σⱼ mⱼθⱼ², with L the model's mean negative log-likelihood and
/// m masking out the intercepts (the last entry of each linear predictor, the inputs carrying
/// a trailing ones column), so that ∇J = ∇L + λ·m⊙θ and ∇²J = ∇²L + λ·diag(m). For the
/// canonical-link GLMs ∇²L equals the Fisher information, so every full step is an exact
/// natural-gradient step; for linear regression J is quadratic and the first step is exact.
struct PenalizedNewton<Model: GeneralizedLinearModel> where Model.Scalar == Double {
    let model: Model
    let l2: Double
    /// Stop when ‖∇J‖ falls below this.
    var tolerance = 1e-10
    var maximumIterations = 100

    /// 1 for a penalized weight, 0 for an intercept.
    var penaltyMask: [Double] {
        let width = model.inputDimension
        return (0..<model.parameterCount).map { $0 % width == width - 1 ? 0 : 1 }
    }

    func objective(_ theta: Vector<Double>, inputs: Matrix<Double>, targets: [Model.Target]) throws -> Double {
        let penalty = zip(penaltyMask, theta.elements).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
        return try model.negativeLogLikelihood(parameters: theta, inputs: inputs, targets: targets) + 0.5 * l2 * penalty
    }

    func gradient(_ theta: Vector<Double>, inputs: Matrix<Double>, targets: [Model.Target]) throws -> Vector<Double> {
        var g = try model.gradient(parameters: theta, inputs: inputs, targets: targets)
        try g.add(Vector(zip(penaltyMask, theta.elements).map { $0 * $1 }), scaledBy: l2)
        return g
    }

    func hessian(_ theta: Vector<Double>, inputs: Matrix<Double>, targets: [Model.Target]) throws -> Matrix<Double> {
        var h = try model.hessian(parameters: theta, inputs: inputs, targets: targets)
        for (j, m) in penaltyMask.enumerated() { h[j, j] += l2 * m }
        return h
    }

    /// Runs Newton's method from θ = 0.
    /// - Throws: a model error for bad data, or ``LinearAlgebraError`` if the Hessian cannot be
    ///   factored even with a small jitter (an unpenalized, perfectly separable problem).
    func minimize(inputs: Matrix<Double>, targets: [Model.Target]) throws -> NewtonResult {
        var theta = Vector<Double>(count: model.parameterCount)
        var value = try objective(theta, inputs: inputs, targets: targets)
        var g = try gradient(theta, inputs: inputs, targets: targets)
        var iterations = 0
        while g.norm > tolerance, iterations < maximumIterations {
            let direction = try Cholesky(hessian(theta, inputs: inputs, targets: targets), jitter: 1e-10).solve(g)
            let slope = try g.dot(direction)
            var step = 1.0
            var candidate = theta - direction
            var candidateValue = try objective(candidate, inputs: inputs, targets: targets)
            // Armijo: accept once J falls by a fraction of what the linear model predicts.
            while !(candidateValue <= value - 1e-4 * step * slope), step > 1e-12 {
                step *= 0.5
                candidate = theta - step * direction
                candidateValue = try objective(candidate, inputs: inputs, targets: targets)
            }
            theta = candidate
            value = candidateValue
            g = try gradient(theta, inputs: inputs, targets: targets)
            iterations += 1
        }
        return NewtonResult(parameters: theta, iterations: iterations, objective: value, gradientNorm: g.norm)
    }
}

/// Where ``PenalizedNewton`` stopped.
struct NewtonResult {
    var parameters: Vector<Double>
    var iterations: Int
    var objective: Double
    var gradientNorm: Double
}
