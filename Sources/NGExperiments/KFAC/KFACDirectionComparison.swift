import NGLinearAlgebra
import NGModels
import NGOptimizers

/// How close K-FAC comes to the exact natural gradient at one point: the directions' cosines
/// and the matrices' relative errors, measured against the dense exact Fisher F of the batch.
///
/// With g the gradient and λ the damping, the exact damped natural-gradient direction is
/// d = (F + λI)⁻¹·g (Cholesky). It is compared with
/// - K-FAC's d̃ = (F̃ + λI)⁻¹·g for F̃ = blockdiag(G_l ⊗ A_l) from fresh statistics on the same
///   batch (Martens & Grosse 2015), damped either by the factored Tikhonov rule the optimizer
///   uses (§6.3) or exactly (through the factors' eigenbases);
/// - the block-diagonal exact Fisher's direction (F's layer blocks, no Kronecker factoring),
///   which separates the error of dropping the cross-layer blocks from that of factoring;
/// - the gradient itself (what SGD follows), as the baseline.
///
/// cos(u, v) = uᵀv / (‖u‖·‖v‖); relative errors are ‖F̃ − F‖_F / ‖F‖_F.
struct KFACDirectionComparison: Sendable, Equatable, Codable {
    /// λ.
    var damping: Double
    /// cos(K-FAC with factored damping, exact NG).
    var kfacCosine: Double
    /// cos(K-FAC with exact damping of G ⊗ A, exact NG).
    var kfacExactDampingCosine: Double
    /// cos(block-diagonal exact Fisher's direction, exact NG).
    var blockDiagonalCosine: Double
    /// cos(gradient, exact NG).
    var gradientCosine: Double

    /// Measures every cosine at `point` for each damping, with F formed once.
    /// - Parameters:
    ///   - point: the objective evaluated on the batch (its gradient and curvature).
    ///   - layers: the network's parameter layouts.
    ///   - dampings: the λ values.
    /// - Returns: one comparison per λ and the matrix errors (``KFACMatrixErrors``).
    /// - Throws: errors of the curvature computations and factorizations.
    static func measure<P: EvaluatedObjective>(
        at point: P, layers: [LayerParameterLayout], dampings: [Double]
    ) throws -> (directions: [KFACDirectionComparison], matrices: KFACMatrixErrors) {
        typealias Scalar = P.Scalar
        let fisher = try point.denseCurvature(.exact, samples: 1, seed: 0)
        let gradient = point.gradient
        var factored = try KFACApproximation<Scalar>(source: .exact, inverseMethod: .factoredTikhonov)
        var exactlyDamped = try KFACApproximation<Scalar>(source: .exact, inverseMethod: .exactDamping)
        var blocks = try BlockDiagonalApproximation<Scalar>(source: .exact)
        try factored.updateStatistics(at: point, layers: layers, decay: 0)
        try exactlyDamped.updateStatistics(at: point, layers: layers, decay: 0)
        try blocks.updateStatistics(at: point, layers: layers, decay: 0)

        var directions = [KFACDirectionComparison]()
        for damping in dampings {
            let lambda = Scalar(damping)
            let exact = try Cholesky(fisher.addingToDiagonal(lambda)).solve(gradient)
            try factored.updateInverse(damping: lambda)
            try exactlyDamped.updateInverse(damping: lambda)
            try blocks.updateInverse(damping: lambda)
            directions.append(KFACDirectionComparison(
                damping: damping, kfacCosine: CurvatureMetrics.cosine(try factored.solve(gradient), exact),
                kfacExactDampingCosine: CurvatureMetrics.cosine(try exactlyDamped.solve(gradient), exact),
                blockDiagonalCosine: CurvatureMetrics.cosine(try blocks.solve(gradient), exact),
                gradientCosine: CurvatureMetrics.cosine(gradient, exact)))
        }
        let kronecker = try factored.denseMatrix()
        let blockDiagonal = try blocks.denseMatrix()
        let matrices = KFACMatrixErrors(
            kfac: CurvatureMetrics.relativeFrobeniusDifference(kronecker, from: fisher),
            blockDiagonal: CurvatureMetrics.relativeFrobeniusDifference(blockDiagonal, from: fisher),
            kfacAgainstBlocks: CurvatureMetrics.relativeFrobeniusDifference(kronecker, from: blockDiagonal))
        return (directions, matrices)
    }
}

/// How far K-FAC's matrix is from the exact Fisher (relative Frobenius errors).
struct KFACMatrixErrors: Sendable, Equatable, Codable {
    /// ‖F̃_KFAC − F‖_F / ‖F‖_F.
    var kfac: Double
    /// ‖blockdiag(F) − F‖_F / ‖F‖_F: the share of F outside the layer blocks.
    var blockDiagonal: Double
    /// ‖F̃_KFAC − blockdiag(F)‖_F / ‖blockdiag(F)‖_F: the Kronecker factoring's own error.
    var kfacAgainstBlocks: Double
}
