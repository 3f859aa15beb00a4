import NGCurvature
import NGLinearAlgebra

/// Krylov subspace descent (Vinyals & Povey 2012, "Krylov subspace descent for deep
/// learning"): minimize the objective over a small subspace spanned by the preconditioned
/// gradient, its images under the curvature, and the previous step.
///
/// Each step, at θ with gradient g on the batch and curvature G on the curvature batch:
///
/// 1. Build an orthonormal basis Q (P×m, m ≤ K + 1) of
///    span{M⁻¹g, (M⁻¹G)M⁻¹g, …, (M⁻¹G)^{K−1}M⁻¹g, d_prev} with one curvature-vector product per
///    basis vector (``KrylovSubspaceBasis``), M the optional diagonal preconditioner
///    [diag(mean gᵢ²) + λ]^ξ and d_prev the previous step.
/// 2. Minimize the damped quadratic model exactly in the subspace: with g_s = Qᵀg and
///    H_s = QᵀGQ = U·diag(μ)·Uᵀ, α = −U·diag(1/(|μ| + λ))·Uᵀg_s and Δ = Q·α. For a positive
///    semi-definite G this is (H_s + λI)⁻¹; for an indefinite Hessian the absolute eigenvalues
///    keep Δ a descent direction. Directions with |μ| + λ below rounding are left out.
/// 3. Line-search Δ (Armijo, ``HessianFreeLineSearch``) and adapt λ by Levenberg–Marquardt from
///    ρ = (J(θ + αΔ) − J(θ)) / q(αΔ), q(Δ) = g_sᵀα + ½·αᵀH_sα (``LevenbergMarquardtRule``).
///
/// Vinyals & Povey minimize the true objective over the subspace with a few BFGS iterations on a
/// separate batch; this implementation minimizes the quadratic model in the subspace instead and
/// relies on the line search and the damping for the nonlinearity — the simpler, documented
/// variant, which needs no objective evaluations beyond the line search. Since the Krylov space
/// of dimension K contains (G + λI)⁻¹g whenever G has at most K distinct eigenvalues, on a
/// quadratic with λ = 0 such a step is the exact Newton step.
///
/// Diagnostics: `damping`, `rho`, `subspace_dimension` (m), `curvature_products`, `step_size`,
/// `loss_after`, `curvature_batch_size`.
public struct KrylovSubspaceDescent<Scalar: BLASScalar>: Optimizer {
    public var name: String { "krylov-subspace-descent" }
    /// The hyperparameters.
    public let settings: KrylovSubspaceDescentSettings<Scalar>
    /// λ for the next step.
    public private(set) var damping: Scalar
    /// The last nonzero step direction, which joins the next subspace.
    public private(set) var previousDirection: Vector<Scalar>?
    /// The number of steps taken.
    public private(set) var stepCount = 0

    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for unusable settings.
    public init(settings: KrylovSubspaceDescentSettings<Scalar> = KrylovSubspaceDescentSettings()) throws {
        try settings.validate()
        self.settings = settings
        damping = settings.initialDamping
    }

    public mutating func step<O: Objective>(_ parameters: inout Vector<Scalar>, objective: O, batch: Batch) throws -> StepReport
    where O.Scalar == Scalar {
        guard parameters.count == objective.parameterCount else {
            throw OptimizerError.invalidArgument(
                "KrylovSubspaceDescent: \(parameters.count) parameters given, the objective has \(objective.parameterCount)")
        }
        let point = try objective.evaluate(at: parameters, batch: batch)
        let loss = point.loss
        let gradient = point.gradient
        guard loss.isFinite, gradient.isFinite else {
            throw OptimizerError.nonFinite("KrylovSubspaceDescent: the loss or gradient is not finite at step \(stepCount) (loss \(loss))")
        }
        let curvatureBatch = try CurvatureMinibatch.select(
            from: batch, exampleCount: objective.exampleCount, fraction: settings.curvatureBatchFraction,
            seed: CurvatureMinibatch.stepSeed(settings.seed, step: stepCount, stream: 1))
        let curvaturePoint = curvatureBatch == batch ? point : try objective.evaluate(at: parameters, batch: curvatureBatch)
        var preconditioner: ((Vector<Scalar>) -> Vector<Scalar>)?
        if let exponent = settings.preconditionerExponent {
            let diagonal = try MartensDiagonalPreconditioner(perExampleGradients: try point.perExampleGradients(), damping: damping, exponent: exponent)
            preconditioner = { diagonal.apply($0) }
        }
        let kind = settings.curvatureKind
        let samples = settings.curvatureSamples
        let productSeed = CurvatureMinibatch.stepSeed(settings.seed, step: stepCount, stream: 2)
        let basis = try KrylovSubspaceBasis.build(
            gradient: gradient, dimension: settings.subspaceDimension,
            previousDirection: settings.includesPreviousDirection ? previousDirection : nil, preconditioner: preconditioner
        ) { v in try curvaturePoint.curvatureProduct(kind, v, samples: samples, seed: productSeed) }

        let lambda = damping
        var direction = Vector<Scalar>(count: parameters.count)
        var slope: Scalar = 0
        var curvatureTerm: Scalar = 0
        if basis.dimension > 0 {
            let projectedGradient = try basis.projected(gradient)
            let projectedCurvature = try basis.projectedCurvature()
            let coefficients = try Self.subspaceMinimizer(projectedCurvature, projectedGradient, damping: lambda)
            direction = try basis.combination(coefficients)
            slope = try projectedGradient.dot(coefficients)
            curvatureTerm = try coefficients.dot(try projectedCurvature.multiplied(by: coefficients))
        }

        let fullStepLoss = try HessianFree<Scalar>.lossValue(objective, parameters, direction, batch)
        var stepSize: Scalar = 1
        var newLoss = fullStepLoss
        if let lineSearch = settings.lineSearch {
            (stepSize, newLoss) = try lineSearch.search(currentLoss: loss, slope: slope, fullStepLoss: fullStepLoss) { alpha in
                try HessianFree<Scalar>.lossValue(objective, parameters, alpha * direction, batch)
            }
        } else if !fullStepLoss.isFinite {
            (stepSize, newLoss) = (0, loss)  // never step into NaN or ∞
        }
        let rhoLength: Scalar = stepSize > 0 ? stepSize : 1
        let rhoLoss = stepSize > 0 ? newLoss : fullStepLoss
        let predicted = rhoLength * slope + rhoLength * rhoLength / 2 * curvatureTerm
        let rho: Scalar? = predicted < 0 ? (rhoLoss - loss) / predicted : nil

        if stepSize > 0 { try parameters.add(direction, scaledBy: stepSize) }
        if direction.norm > 0 { previousDirection = direction }
        if let rule = settings.dampingAdaptation, let rho, !rho.isNaN { damping = rule.adapted(lambda, rho: rho) }
        stepCount += 1

        var diagnostics: [String: Double] = [
            "damping": Double(lambda),
            "subspace_dimension": Double(basis.dimension),
            "curvature_products": Double(basis.products.count),
            "step_size": Double(stepSize),
            "loss_after": Double(newLoss),
            "curvature_batch_size": Double(curvaturePoint.batchSize),
        ]
        if let rho, rho.isFinite { diagnostics["rho"] = Double(rho) }
        return StepReport(loss: Double(loss), diagnostics: diagnostics)
    }

    /// α = −U·diag(1/(|μ| + λ))·Uᵀ·g_s for H_s = U·diag(μ)·Uᵀ, leaving out eigendirections whose
    /// |μ| + λ is at rounding level relative to the largest.
    static func subspaceMinimizer(_ curvature: Matrix<Scalar>, _ gradient: Vector<Scalar>, damping: Scalar) throws -> Vector<Scalar> {
        let eigen = try SymmetricEigendecomposition(curvature)
        let m = gradient.count
        let largest = eigen.eigenvalues.elements.map { Swift.abs($0) + damping }.max() ?? 0
        let floor = largest * Scalar(m) * Scalar.ulpOfOne * 100
        var coefficients = Vector<Scalar>(count: m)
        for k in 0..<m {
            let denominator = Swift.abs(eigen.eigenvalues[k]) + damping
            guard denominator > floor, denominator > 0 else { continue }
            let u = eigen.eigenvectors.column(k)
            try coefficients.add(u, scaledBy: -(try u.dot(gradient)) / denominator)
        }
        return coefficients
    }
}
