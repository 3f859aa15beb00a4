import NGLinearAlgebra
import NGRandom

/// Poisson regression with the log (canonical) link: y | x ∼ Poisson(exp(θᵀx)), y ∈ {0, 1, 2, …}.
///
/// With η = Xθ and rates λᵢ = e^ηᵢ,
///
///     L(θ)  = (1/N)·Σᵢ [λᵢ − yᵢ·ηᵢ + log(yᵢ!)]
///     ∇L    = (1/N)·Xᵀ(λ − y)
///     ∇²L   = F = (1/N)·Σᵢ exp(θᵀxᵢ)·xᵢxᵢᵀ
///
/// (McCullagh & Nelder 1989, ch. 6). The Fisher equals the Hessian (canonical link).
///
/// Parameters: θ ∈ ℝᵈ (append a ones column for an intercept). Targets: counts ≥ 0.
/// Large linear predictors overflow the rate (η > 709 in Double, 88 in Float); the likelihood
/// is then infinite and the natural-gradient step reports the non-finite Fisher.
public struct PoissonRegression<Scalar: BLASScalar>: GeneralizedLinearModel {
    public typealias Target = Int

    /// d, the number of input columns.
    public let inputDimension: Int

    public var modelName: String { "PoissonRegression" }
    public var parameterCount: Int { inputDimension }

    /// A Poisson regression on d inputs.
    /// - Throws: ``StatisticalModelError/invalidArgument(model:reason:)`` unless d ≥ 1.
    public init(inputDimension: Int) throws {
        guard inputDimension >= 1 else {
            throw StatisticalModelError.invalidArgument(model: "PoissonRegression", reason: "the input dimension must be at least 1, got \(inputDimension)")
        }
        self.inputDimension = inputDimension
    }

    /// The rates λᵢ = E[y | xᵢ, θ] = exp(θᵀxᵢ) for each input row.
    /// - Throws: as ``fisher(parameters:inputs:)``.
    public func rates(parameters: Vector<Scalar>, inputs: Matrix<Scalar>) throws -> Vector<Scalar> {
        try validate(parameters: parameters, inputs: inputs, targetCount: nil)
        return try GLMKernels.linearPredictor(inputs, parameters).map { Scalar.exp($0) }
    }

    public func negativeLogLikelihood(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Int]) throws -> Scalar {
        let eta = try checkedPredictor(parameters, inputs, targets)
        var sum: Scalar = 0
        for i in 0..<targets.count {
            let y = Scalar(targets[i])
            sum += Scalar.exp(eta[i]) - y * eta[i] + Scalar.logGamma(y + 1)
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
        return GLMKernels.weightedGram(inputs, weights: eta.map { Scalar.exp($0) })
    }

    /// F = (1/N)·Xᵀ·diag(exp(Xθ))·X.
    public func fisher(parameters: Vector<Scalar>, inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        GLMKernels.weightedGram(inputs, weights: try rates(parameters: parameters, inputs: inputs))
    }

    /// yᵢ ∼ Poisson(exp(θᵀxᵢ)).
    /// - Throws: ``StatisticalModelError/invalidArgument(model:reason:)`` when a rate exceeds 2⁵²
    ///   (or overflows), where counts are no longer exact integers in Double.
    public func sampleTargets(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, using generator: inout SeededGenerator) throws -> [Int] {
        let lambda = try rates(parameters: parameters, inputs: inputs)
        if let bad = lambda.elements.firstIndex(where: { !(Double($0) <= SeededGenerator.largestPoissonMean) }) {
            throw StatisticalModelError.invalidArgument(
                model: modelName, reason: "the rate of example \(bad) is \(lambda[bad]), too large to sample counts (limit 2⁵²)")
        }
        return lambda.elements.map { generator.poisson(mean: Double($0)) }
    }

    /// η = Xθ after checking shapes, finiteness and that every count is ≥ 0.
    private func checkedPredictor(_ parameters: Vector<Scalar>, _ inputs: Matrix<Scalar>, _ targets: [Int]) throws -> Vector<Scalar> {
        try validate(parameters: parameters, inputs: inputs, targetCount: targets.count)
        if let bad = targets.firstIndex(where: { $0 < 0 }) {
            throw StatisticalModelError.invalidTarget(model: modelName, index: bad, value: "\(targets[bad])", expected: "a count ≥ 0")
        }
        return try GLMKernels.linearPredictor(inputs, parameters)
    }

    /// rᵢ = exp(ηᵢ) − yᵢ = ∂ℓᵢ/∂ηᵢ.
    private func residuals(_ eta: Vector<Scalar>, _ targets: [Int]) -> Vector<Scalar> {
        Vector((0..<targets.count).map { Scalar.exp(eta[$0]) - Scalar(targets[$0]) })
    }
}
