import NGLinearAlgebra
import NGRandom

/// A generalized linear model p(y | x, θ) on a batch, with its likelihood, derivatives and
/// Fisher information in closed form (McCullagh & Nelder, *Generalized Linear Models*, 2nd ed., 1989).
///
/// Each input x ∈ ℝᵈ enters through a linear predictor η = θᵀx (one per class for softmax
/// regression), and the target y follows an exponential family whose natural parameter is η —
/// the **canonical link**. Every method works on a batch: `inputs` X is N×d (one example per
/// row), `targets` holds N targets, and the objective is the **mean** negative log-likelihood
///
///     L(θ) = −(1/N)·Σᵢ log p(yᵢ | xᵢ, θ).
///
/// For a canonical link the per-example loss is ℓ(η, y) = A(η) − T(y)ᵀη + const with log-partition
/// A, so ∂ℓ/∂η = E[T | η] − T(y) and ∂²ℓ/∂η² = Cov[T | η] does not depend on y. Hence the Hessian
/// of L equals the Fisher information
///
///     F(θ) = (1/N)·Σᵢ E_{y∼p(·|xᵢ,θ)}[∇ℓᵢ ∇ℓᵢᵀ] = (1/N)·Σᵢ Jᵢᵀ·Cov[T | ηᵢ]·Jᵢ,   Jᵢ = ∂ηᵢ/∂θ,
///
/// and the natural-gradient step F⁻¹∇L (Amari, "Natural gradient works efficiently in learning",
/// Neural Computation 10(2), 1998) is Newton's step.
///
/// ## Intercepts
/// The models have no separate intercept: append a column of ones to the inputs
/// (`Matrix.appendingInterceptColumn()`) and the last weight of each linear
/// predictor is its intercept. The curvature formulas then cover the intercept as well.
///
/// ## Parameters
/// The parameters are one flat vector θ of ``parameterCount`` entries, so that optimizers treat
/// every model alike; each model documents its layout. Fisher and Hessian matrices are
/// ``parameterCount`` × ``parameterCount`` in that same order.
public protocol GeneralizedLinearModel<Scalar>: Sendable {
    /// The floating-point type of inputs, parameters and results.
    associatedtype Scalar: BLASScalar
    /// One target: a real response, a 0/1 label, a class index or a count.
    associatedtype Target: Sendable

    /// The name used in error messages ("LogisticRegression").
    var modelName: String { get }
    /// d, the number of input features (columns of the inputs, including any ones column).
    var inputDimension: Int { get }
    /// The length of the parameter vector θ.
    var parameterCount: Int { get }

    /// The mean negative log-likelihood −(1/N)·Σ log p(yᵢ | xᵢ, θ), normalizing constants included.
    /// - Throws: ``StatisticalModelError`` for shapes that do not fit, non-finite entries, targets
    ///   outside the support, or an empty batch.
    func negativeLogLikelihood(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Target]) throws -> Scalar

    /// ∇L(θ), the gradient of the mean negative log-likelihood.
    /// - Throws: as ``negativeLogLikelihood(parameters:inputs:targets:)``.
    func gradient(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Target]) throws -> Vector<Scalar>

    /// The N×P matrix whose row i is ∇θ ℓᵢ, the gradient of example i's own negative log-likelihood
    /// (minus its score). Their mean is ``gradient(parameters:inputs:targets:)``.
    /// - Throws: as ``negativeLogLikelihood(parameters:inputs:targets:)``.
    func perExampleGradients(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Target]) throws -> Matrix<Scalar>

    /// ∇²L(θ), the Hessian of the mean negative log-likelihood (P×P, exactly symmetric).
    /// - Throws: as ``negativeLogLikelihood(parameters:inputs:targets:)``.
    func hessian(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Target]) throws -> Matrix<Scalar>

    /// The Fisher information F(θ) = (1/N)·Σᵢ E_{y∼p(·|xᵢ,θ)}[∇ℓᵢ ∇ℓᵢᵀ] in closed form (P×P,
    /// exactly symmetric). It does not depend on the observed targets.
    /// - Throws: as ``negativeLogLikelihood(parameters:inputs:targets:)``, without the target checks.
    func fisher(parameters: Vector<Scalar>, inputs: Matrix<Scalar>) throws -> Matrix<Scalar>

    /// One target per input row drawn from the model, yᵢ ∼ p(y | xᵢ, θ) (for Monte-Carlo Fisher estimates).
    /// - Throws: as ``fisher(parameters:inputs:)``, and when a distribution cannot be sampled
    ///   (a Poisson rate that overflows).
    func sampleTargets(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, using generator: inout SeededGenerator) throws -> [Target]
}

extension GeneralizedLinearModel {
    /// The damped natural-gradient direction (F + λI)⁻¹·∇L(θ), solved by a Cholesky factorization.
    ///
    /// A step θ ← θ − α·(F + λI)⁻¹∇L is the natural-gradient update of Amari (1998) with Tikhonov
    /// damping λ; for these canonical-link models F is the Hessian, so with λ = 0 and α = 1 it is
    /// Newton's step, and for linear regression it lands on the least-squares solution from any θ.
    /// - Parameter damping: λ ≥ 0, added to the diagonal of F.
    /// - Throws: ``StatisticalModelError/singularCurvature(model:damping:)`` when F + λI is not
    ///   positive definite (e.g. inputs of rank < d with λ = 0), and the errors of ``gradient(parameters:inputs:targets:)``.
    public func naturalGradient(
        parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Target], damping: Scalar = 0
    ) throws -> Vector<Scalar> {
        try StatisticalChecks.requireDamping(damping, model: modelName)
        let g = try gradient(parameters: parameters, inputs: inputs, targets: targets)
        let f = try fisher(parameters: parameters, inputs: inputs)
        return try StatisticalChecks.dampedSolve(f, g, damping: damping, model: modelName)
    }

    /// The empirical Fisher (1/N)·Σᵢ ∇ℓᵢ∇ℓᵢᵀ with the observed targets (one syrk).
    ///
    /// Unlike ``fisher(parameters:inputs:)`` it depends on the targets, and it differs from the
    /// Fisher away from the optimum (Kunstner, Balles & Hennig, "Limitations of the empirical
    /// Fisher approximation", NeurIPS 2019).
    /// - Throws: as ``perExampleGradients(parameters:inputs:targets:)``.
    public func empiricalFisher(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Target]) throws -> Matrix<Scalar> {
        let g = try perExampleGradients(parameters: parameters, inputs: inputs, targets: targets)
        return g.gram(alpha: 1 / Scalar(g.rows))
    }

    /// The Monte-Carlo Fisher (1/(N·k))·Σᵢ Σₛ ∇ℓᵢ(ỹᵢₛ)∇ℓᵢ(ỹᵢₛ)ᵀ with k targets ỹᵢₛ ∼ p(y | xᵢ, θ) per input.
    ///
    /// An unbiased estimate of ``fisher(parameters:inputs:)`` whose error shrinks like 1/√(N·k).
    /// - Parameter samples: k ≥ 1, the number of sampled targets per input.
    /// - Throws: ``StatisticalModelError/invalidArgument(model:reason:)`` for k < 1, and the errors
    ///   of ``sampleTargets(parameters:inputs:using:)``.
    public func monteCarloFisher(
        parameters: Vector<Scalar>, inputs: Matrix<Scalar>, samples: Int, using generator: inout SeededGenerator
    ) throws -> Matrix<Scalar> {
        guard samples >= 1 else {
            throw StatisticalModelError.invalidArgument(model: modelName, reason: "the number of samples must be at least 1, got \(samples)")
        }
        var total = Matrix<Scalar>(rows: parameterCount, columns: parameterCount)
        for _ in 0..<samples {
            let sampled = try sampleTargets(parameters: parameters, inputs: inputs, using: &generator)
            let g = try perExampleGradients(parameters: parameters, inputs: inputs, targets: sampled)
            try total.add(g.gram(alpha: 1 / Scalar(g.rows * samples)))
        }
        return total
    }

    /// Throws unless θ has ``parameterCount`` finite entries, the inputs have ``inputDimension``
    /// columns, at least one row and finite entries, and there are as many targets as rows.
    func validate(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targetCount: Int?) throws {
        guard parameters.count == parameterCount else {
            throw StatisticalModelError.shapeMismatch(
                model: modelName, what: "parameters", expected: "\(parameterCount) entries", actual: "\(parameters.count)")
        }
        guard inputs.columns == inputDimension else {
            throw StatisticalModelError.shapeMismatch(
                model: modelName, what: "inputs", expected: "\(inputDimension) columns", actual: inputs.shapeDescription)
        }
        guard inputs.rows >= 1 else {
            throw StatisticalModelError.invalidArgument(model: modelName, reason: "the batch is empty (the inputs have no rows)")
        }
        if let targetCount, targetCount != inputs.rows {
            throw StatisticalModelError.shapeMismatch(
                model: modelName, what: "targets", expected: "\(inputs.rows) (one per input row)", actual: "\(targetCount)")
        }
        try StatisticalChecks.requireFinite(parameters, "parameters", model: modelName)
        try StatisticalChecks.requireFinite(inputs, "inputs", model: modelName)
    }
}

extension Matrix {
    /// The matrix with a column of ones appended: the design matrix [X 1] of a model with intercept.
    ///
    /// With it, the last weight of each linear predictor θᵀ[x; 1] is the intercept.
    public func appendingInterceptColumn() -> Matrix {
        var out = Matrix(rows: rows, columns: columns + 1, repeating: 1)
        let n = columns
        elements.withUnsafeBufferPointer { src in
            out.elements.withUnsafeMutableBufferPointer { dst in
                for i in 0..<rows { for j in 0..<n { dst[i * (n + 1) + j] = src[i * n + j] } }
            }
        }
        return out
    }
}
