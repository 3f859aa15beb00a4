import Foundation
import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers

/// How close one approximation F̃ is to the exact Fisher F at one point: as a matrix,
/// ‖F̃ − F‖_F / ‖F‖_F, and as a preconditioner, the cosine between its damped natural-gradient
/// direction (F̃ + λI)⁻¹g and the exact (F + λI)⁻¹g, with g the gradient of the mean NLL.
///
/// F̃ is the approximation's `denseMatrix()` oracle, except for the Neumann series, whose matrix
/// is F itself and whose approximation lies in the inverse: there F̃ is the **effective** matrix
/// S_K⁻¹ − λI of its truncated series S_K = (1/c)·Σ_{k≤K} (I − (F + λI)/c)^k ≈ (F + λI)⁻¹, formed
/// in F's eigenbasis: an eigenvalue μ of F becomes a/(1 − (1 − a/c)^{K+1}) − λ with a = μ + λ,
/// which tends to μ as K grows.
public struct ApproximationResult: Sendable {
    public var candidate: ApproximationCandidate
    /// ‖F̃ − F‖_F / ‖F‖_F.
    public var relativeError: Double
    /// cos∠((F̃ + λI)⁻¹g, (F + λI)⁻¹g).
    public var cosine: Double
    /// (F̃ + λI)⁻¹g.
    public var direction: Vector<Double>
    /// The bytes the approximation holds.
    public var memoryBytes: Int
}

/// Every candidate measured at one point.
public struct ApproximationMeasurement: Sendable {
    /// "initialization" or "trained".
    public var point: String
    /// θ.
    public var parameters: Vector<Double>
    /// The exact Fisher F of the mean NLL.
    public var fisher: Matrix<Double>
    /// The gradient g of the mean NLL.
    public var gradient: Vector<Double>
    /// λ used by every damped solve.
    public var damping: Double
    /// (F + λI)⁻¹g.
    public var exactDirection: Vector<Double>
    /// One result per candidate, in the candidates' order.
    public var results: [ApproximationResult]

    /// Measures `candidates` against the exact Fisher at θ.
    /// - Parameters:
    ///   - objective: an unpenalized network objective (its curvature is that of the mean NLL).
    ///   - relativeDamping: λ = relativeDamping · λmax(F).
    ///   - seed: the seed of the sampled labels and sketches (candidate i uses seed + i).
    /// - Throws: errors of the curvature, the approximations and the linear algebra.
    public init<L: Likelihood>(
        point: String, objective: NetworkObjective<Double, L>, parameters: Vector<Double>, candidates: [ApproximationCandidate],
        relativeDamping: Double, seed: UInt64
    ) throws where L.Scalar == Double {
        precondition(objective.l2 == 0, "ApproximationMeasurement: use an unpenalized objective")
        let evaluated = try objective.evaluate(at: parameters, batch: .all)
        let layers = objective.layers
        var reference = try ExactCurvatureApproximation<Double>(source: .exact)
        try reference.updateStatistics(at: evaluated, layers: layers, decay: 0)
        let fisher = try reference.denseMatrix()
        let eigen = try SymmetricEigendecomposition(fisher)
        let largest = eigen.eigenvalues.elements.last ?? 1
        let damping = relativeDamping * Swift.max(largest, .leastNormalMagnitude)
        try reference.updateInverse(damping: damping)
        let exactDirection = try reference.solve(evaluated.gradient)
        self.point = point
        self.parameters = parameters
        self.fisher = fisher
        gradient = evaluated.gradient
        self.damping = damping
        self.exactDirection = exactDirection
        results = try candidates.enumerated().map { index, candidate in
            var approximation = try candidate.make(seed: seed &+ UInt64(index))
            try approximation.updateStatistics(at: evaluated, layers: layers, decay: 0)
            try approximation.updateInverse(damping: damping)
            let direction = try approximation.solve(evaluated.gradient)
            let matrix: Matrix<Double>
            if let series = approximation as? NeumannSeriesApproximation<ExactCurvatureApproximation<Double>>, let c = series.scale {
                matrix = Self.effectiveMatrix(eigen, order: series.order, scale: c, damping: damping)
            } else {
                matrix = try approximation.denseMatrix()
            }
            return ApproximationResult(
                candidate: candidate, relativeError: CurvatureMetrics.relativeFrobeniusDifference(matrix, from: fisher),
                cosine: CurvatureMetrics.cosine(direction, exactDirection), direction: direction, memoryBytes: approximation.memoryBytes)
        }
    }

    /// S_K⁻¹ − λI for the Neumann series of order K with scale c, in the eigenbasis of F.
    public static func effectiveMatrix(_ eigen: SymmetricEigendecomposition<Double>, order: Int, scale c: Double, damping: Double) -> Matrix<Double> {
        eigen.reconstructed { mu in
            let a = mu + damping
            let series = (1 - pow(1 - a / c, Double(order + 1))) / a
            return 1 / series - damping
        }
    }

    /// The result of `candidate`, nil when it was not measured.
    public func result(_ candidate: ApproximationCandidate) -> ApproximationResult? {
        results.first { $0.candidate == candidate }
    }
}
