import NGLinearAlgebra
import NGRandom

/// Binary logistic regression: y | x ∼ Bernoulli(σ(θᵀx)), y ∈ {0, 1}.
///
/// The Bernoulli family with the logit (canonical) link. With η = Xθ and pᵢ = σ(ηᵢ),
///
///     L(θ)  = (1/N)·Σᵢ [log(1 + e^ηᵢ) − yᵢ·ηᵢ]
///     ∇L    = (1/N)·Xᵀ(p − y)
///     ∇²L   = F = (1/N)·Σᵢ pᵢ(1 − pᵢ)·xᵢxᵢᵀ
///
/// (McCullagh & Nelder 1989, ch. 4). The Fisher equals the Hessian, so the undamped natural-gradient
/// step is Newton's step, i.e. one iteration of iteratively reweighted least squares.
///
/// Parameters: θ ∈ ℝᵈ (append a ones column for an intercept). Targets: labels 0 or 1.
public struct LogisticRegression<Scalar: BLASScalar>: GeneralizedLinearModel {
    public typealias Target = Int

    /// d, the number of input columns.
    public let inputDimension: Int

    public var modelName: String { "LogisticRegression" }
    public var parameterCount: Int { inputDimension }

    /// A logistic regression on d inputs.
    /// - Throws: ``StatisticalModelError/invalidArgument(model:reason:)`` unless d ≥ 1.
    public init(inputDimension: Int) throws {
        guard inputDimension >= 1 else {
            throw StatisticalModelError.invalidArgument(model: "LogisticRegression", reason: "the input dimension must be at least 1, got \(inputDimension)")
        }
        self.inputDimension = inputDimension
    }

    /// P(y = 1 | xᵢ, θ) = σ(θᵀxᵢ) for each input row.
    /// - Throws: as ``fisher(parameters:inputs:)``.
    public func probabilities(parameters: Vector<Scalar>, inputs: Matrix<Scalar>) throws -> Vector<Scalar> {
        try validate(parameters: parameters, inputs: inputs, targetCount: nil)
        return try GLMKernels.linearPredictor(inputs, parameters).map(GLMKernels.sigmoid)
    }

    public func negativeLogLikelihood(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Int]) throws -> Scalar {
        let eta = try checkedPredictor(parameters, inputs, targets)
        var sum: Scalar = 0
        for i in 0..<targets.count {
            // −log p(y | η) = softplus(η) − y·η, stable for large |η|.
            sum += GLMKernels.softplus(eta[i]) - Scalar(targets[i]) * eta[i]
        }
        return sum / Scalar(targets.count)
    }

    public func gradient(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Int]) throws -> Vector<Scalar> {
        let eta = try checkedPredictor(parameters, inputs, targets)
        return try GLMKernels.meanGradient(inputs, residuals: residuals(eta, targets))
    }

    public func perExampleGradients(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Int]) throws -> Matrix<Scalar> {
        let eta = try checkedPredictor(parameters, inputs, targets)
        return GLMKernels.perExampleGradients(inputs, residuals: residuals(eta, targets))
    }

    public func hessian(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Int]) throws -> Matrix<Scalar> {
        let eta = try checkedPredictor(parameters, inputs, targets)
        return GLMKernels.weightedGram(inputs, weights: weights(eta))
    }

    /// F = (1/N)·Xᵀ·diag(p(1 − p))·X.
    public func fisher(parameters: Vector<Scalar>, inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try validate(parameters: parameters, inputs: inputs, targetCount: nil)
        return GLMKernels.weightedGram(inputs, weights: weights(try GLMKernels.linearPredictor(inputs, parameters)))
    }

    /// yᵢ = 1 with probability σ(θᵀxᵢ), else 0.
    public func sampleTargets(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, using generator: inout SeededGenerator) throws -> [Int] {
        try probabilities(parameters: parameters, inputs: inputs).elements.map { generator.uniform() < Double($0) ? 1 : 0 }
    }

    /// η = Xθ after checking shapes, finiteness and that every label is 0 or 1.
    private func checkedPredictor(_ parameters: Vector<Scalar>, _ inputs: Matrix<Scalar>, _ targets: [Int]) throws -> Vector<Scalar> {
        try validate(parameters: parameters, inputs: inputs, targetCount: targets.count)
        if let bad = targets.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw StatisticalModelError.invalidTarget(model: modelName, index: bad, value: "\(targets[bad])", expected: "a label 0 or 1")
        }
        return try GLMKernels.linearPredictor(inputs, parameters)
    }

    /// rᵢ = σ(ηᵢ) − yᵢ = ∂ℓᵢ/∂ηᵢ.
    private func residuals(_ eta: Vector<Scalar>, _ targets: [Int]) -> Vector<Scalar> {
        Vector((0..<targets.count).map { GLMKernels.sigmoid(eta[$0]) - Scalar(targets[$0]) })
    }

    /// wᵢ = σ(ηᵢ)(1 − σ(ηᵢ)) = ∂²ℓᵢ/∂ηᵢ², computed as σ(η)·σ(−η) to keep its relative accuracy for large |η|.
    private func weights(_ eta: Vector<Scalar>) -> Vector<Scalar> {
        eta.map { GLMKernels.sigmoid($0) * GLMKernels.sigmoid(-$0) }
    }
}
