import NGLinearAlgebra
import NGRandom

/// Linear regression with Gaussian noise of known variance: y | x ∼ N(θᵀx, σ²).
///
/// The Gaussian family with the identity (canonical) link. With η = Xθ and N examples,
///
///     L(θ)  = (1/N)·Σᵢ (yᵢ − ηᵢ)²/(2σ²) + ½·log(2πσ²)
///     ∇L    = (1/N)·Xᵀ(η − y)/σ²
///     ∇²L   = F = XᵀX/(N·σ²)
///
/// The Fisher equals the Hessian and does not depend on θ, so the undamped natural-gradient step
/// θ − F⁻¹∇L = (XᵀX)⁻¹Xᵀy is the least-squares solution from any starting θ (Amari 1998; for
/// the GLM view, McCullagh & Nelder 1989, ch. 2).
///
/// Parameters: θ ∈ ℝᵈ, one weight per input column (append a ones column for an intercept).
/// Targets: real responses, one per input row.
public struct LinearRegression<Scalar: BLASScalar>: GeneralizedLinearModel {
    public typealias Target = Scalar

    /// d, the number of input columns.
    public let inputDimension: Int
    /// σ², the known noise variance (default 1, which makes L half the mean squared error plus a constant).
    public let noiseVariance: Scalar

    public var modelName: String { "LinearRegression" }
    public var parameterCount: Int { inputDimension }

    /// A linear-Gaussian model on d inputs.
    /// - Throws: ``StatisticalModelError/invalidArgument(model:reason:)`` unless d ≥ 1 and σ² is finite and positive.
    public init(inputDimension: Int, noiseVariance: Scalar = 1) throws {
        guard inputDimension >= 1 else {
            throw StatisticalModelError.invalidArgument(model: "LinearRegression", reason: "the input dimension must be at least 1, got \(inputDimension)")
        }
        guard noiseVariance.isFinite, noiseVariance > 0 else {
            throw StatisticalModelError.invalidArgument(model: "LinearRegression", reason: "the noise variance must be finite and positive, got \(noiseVariance)")
        }
        self.inputDimension = inputDimension
        self.noiseVariance = noiseVariance
    }

    public func negativeLogLikelihood(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Scalar]) throws -> Scalar {
        let eta = try checkedPredictor(parameters, inputs, targets)
        var sum: Scalar = 0
        for i in 0..<targets.count {
            let r = targets[i] - eta[i]
            sum += r * r
        }
        return sum / (2 * noiseVariance * Scalar(targets.count)) + Scalar.log(2 * Scalar.pi * noiseVariance) / 2
    }

    public func gradient(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Scalar]) throws -> Vector<Scalar> {
        let eta = try checkedPredictor(parameters, inputs, targets)
        return try GLMKernels.meanGradient(inputs, residuals: residuals(eta, targets))
    }

    public func perExampleGradients(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Scalar]) throws -> Matrix<Scalar> {
        let eta = try checkedPredictor(parameters, inputs, targets)
        return GLMKernels.perExampleGradients(inputs, residuals: residuals(eta, targets))
    }

    public func hessian(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Scalar]) throws -> Matrix<Scalar> {
        _ = try checkedPredictor(parameters, inputs, targets)
        return inputs.gram(alpha: 1 / (Scalar(inputs.rows) * noiseVariance))
    }

    /// F = XᵀX/(N·σ²), independent of θ.
    public func fisher(parameters: Vector<Scalar>, inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try validate(parameters: parameters, inputs: inputs, targetCount: nil)
        return inputs.gram(alpha: 1 / (Scalar(inputs.rows) * noiseVariance))
    }

    /// yᵢ = θᵀxᵢ + σ·zᵢ with zᵢ ∼ N(0, 1).
    public func sampleTargets(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, using generator: inout SeededGenerator) throws -> [Scalar] {
        try validate(parameters: parameters, inputs: inputs, targetCount: nil)
        let eta = try GLMKernels.linearPredictor(inputs, parameters)
        let sigma = noiseVariance.squareRoot()
        return eta.elements.map { $0 + sigma * Scalar(generator.normal()) }
    }

    /// η = Xθ after checking shapes, finiteness and the targets.
    private func checkedPredictor(_ parameters: Vector<Scalar>, _ inputs: Matrix<Scalar>, _ targets: [Scalar]) throws -> Vector<Scalar> {
        try validate(parameters: parameters, inputs: inputs, targetCount: targets.count)
        if let bad = targets.firstIndex(where: { !$0.isFinite }) {
            throw StatisticalModelError.invalidTarget(model: modelName, index: bad, value: "\(targets[bad])", expected: "a finite real number")
        }
        return try GLMKernels.linearPredictor(inputs, parameters)
    }

    /// rᵢ = (ηᵢ − yᵢ)/σ² = ∂ℓᵢ/∂ηᵢ.
    private func residuals(_ eta: Vector<Scalar>, _ targets: [Scalar]) -> Vector<Scalar> {
        Vector((0..<targets.count).map { (eta[$0] - targets[$0]) / noiseVariance })
    }
}
