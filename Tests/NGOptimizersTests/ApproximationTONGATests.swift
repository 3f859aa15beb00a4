import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGTestSupport
import Testing

@Suite("Approximation: TONGA")
struct ApproximationTONGATests {
    /// With a full rank TONGA's F̃ is the centered covariance of the per-example gradients,
    /// computed here by a naive double loop.
    func fullRankIsTheCenteredCovariance<T: BLASScalar>(_: T.Type) throws {
        let (objective, point) = try ApproximationFixtures.point(T.self)
        var approximation = try TONGAApproximation<T>(rank: 6)
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0.9)
        let expected = ApproximationFixtures.centeredCovariance(try point.perExampleGradients())
        let result = try approximation.denseMatrix().converted(to: Double.self)
        #expect(ApproximationFixtures.relativeError(result, expected) < ApproximationFixtures.tolerance(T.self))
        try approximation.updateInverse(damping: T(0.1))
        try ApproximationFixtures.expectSolveInverts(approximation, damping: T(0.1), count: 26, tolerance: ApproximationFixtures.tolerance(T.self))
    }

    @Test func fullRankIsTheCenteredCovarianceDouble() throws { try fullRankIsTheCenteredCovariance(Double.self) }
    @Test func fullRankIsTheCenteredCovarianceFloat() throws { try fullRankIsTheCenteredCovariance(Float.self) }

    /// Uncentered, it is the empirical Fisher.
    @Test func uncenteredIsTheEmpiricalFisher() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        var approximation = try TONGAApproximation<Double>(rank: 6, centered: false)
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0)
        let expected = try point.denseCurvature(.empirical, samples: 1, seed: 0)
        #expect(ApproximationFixtures.relativeError(try approximation.denseMatrix(), expected) < 1e-12)
    }

    /// Below full rank the model's diagonal is still the covariance's (the D correction), and
    /// the off-diagonal error shrinks as the rank grows.
    @Test func lowRankKeepsTheDiagonalAndImprovesWithRank() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        let covariance = ApproximationFixtures.centeredCovariance(try point.perExampleGradients())
        var previous = Double.infinity
        for rank in 1...5 {
            var approximation = try TONGAApproximation<Double>(rank: rank)
            try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0)
            let result = try approximation.denseMatrix()
            #expect(ApproximationFixtures.relativeError(result.diagonal, covariance.diagonal) < 1e-12, "rank \(rank)")
            let error = ApproximationFixtures.relativeError(result, covariance)
            #expect(error < previous, "rank \(rank)")
            previous = error
            try approximation.updateInverse(damping: 0.05)
            try ApproximationFixtures.expectSolveInverts(approximation, damping: 0.05, count: 26, tolerance: 1e-9)
        }
        // Six centered gradients span at most five directions: rank 5 is exact.
        #expect(previous < 1e-10)
    }

    /// The running average over batches, with enough rank, is the explicit average of covariances.
    @Test func runningAverageMatchesExplicitAverage() throws {
        let objective = try ApproximationFixtures.objective(Double.self)
        let first = try objective.evaluate(at: ApproximationFixtures.parameters(for: objective, seed: 1), batch: .all)
        let second = try objective.evaluate(at: ApproximationFixtures.parameters(for: objective, seed: 2), batch: .examples([0, 2, 3, 5]))
        var approximation = try TONGAApproximation<Double>(rank: 10)
        try approximation.updateStatistics(at: first, layers: objective.layers, decay: 0.9)
        try approximation.updateStatistics(at: second, layers: objective.layers, decay: 0.9)
        let a = ApproximationFixtures.centeredCovariance(try first.perExampleGradients())
        let b = ApproximationFixtures.centeredCovariance(try second.perExampleGradients())
        let expected = Matrix(rows: 26, columns: 26) { i, j in 0.9 * a[i, j] + 0.1 * b[i, j] }
        #expect(ApproximationFixtures.relativeError(try approximation.denseMatrix(), expected) < 1e-12)
        // Truncated to rank 3, the diagonal is still exact.
        var truncated = try TONGAApproximation<Double>(rank: 3)
        try truncated.updateStatistics(at: first, layers: objective.layers, decay: 0.9)
        try truncated.updateStatistics(at: second, layers: objective.layers, decay: 0.9)
        #expect(ApproximationFixtures.relativeError(try truncated.denseMatrix().diagonal, expected.diagonal) < 1e-12)
        #expect(truncated.memoryBytes == (26 * 3 + 2 * 26) * 8)
    }

    @Test func needsDamping() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        // A full-rank factor leaves D = 0 everywhere: λ = 0 is refused.
        var full = try TONGAApproximation<Double>(rank: 6)
        try full.updateStatistics(at: point, layers: objective.layers, decay: 0)
        #expect(throws: OptimizerError.self) { try full.updateInverse(damping: 0) }
        #expect(throws: OptimizerError.self) { try TONGAApproximation<Double>(rank: 0) }
    }
}
