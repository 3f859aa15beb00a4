import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGTestSupport
import Testing

@Suite("Approximation: low-rank")
struct ApproximationLowRankTests {
    /// ‖F − F_r‖_F for the best rank-r approximation F_r of a PSD F (Eckart–Young): the root sum
    /// of squares of the eigenvalues beyond the r largest.
    static func optimalError(_ f: Matrix<Double>, rank r: Int) throws -> Double {
        let values = try SymmetricEigendecomposition(f).eigenvalues.elements.sorted(by: >)
        return values.dropFirst(r).reduce(0) { $0 + $1 * $1 }.squareRoot()
    }

    /// With r ≥ N the empirical Fisher's factor is complete: F̃ equals the dense empirical Fisher
    /// (penalty included).
    func fullRankEqualsEmpirical<T: BLASScalar>(_: T.Type) throws {
        let (objective, point) = try ApproximationFixtures.point(T.self, l2: T(0.02))
        var approximation = try LowRankApproximation<T>(rank: 6, source: .empirical)
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0.9)
        let expected = try point.denseCurvature(.empirical, samples: 1, seed: 0)
        #expect(ApproximationFixtures.relativeError(try approximation.denseMatrix(), expected) < ApproximationFixtures.tolerance(T.self))
        try approximation.updateInverse(damping: T(0.1))
        try ApproximationFixtures.expectSolveInverts(approximation, damping: T(0.1), count: point.parameters.count, tolerance: ApproximationFixtures.tolerance(T.self))
        let v: Vector<T> = TestMatrices.gaussianVector(point.parameters.count, seed: 8)
        #expect(ApproximationFixtures.relativeError(try approximation.multiply(v), ApproximationFixtures.naiveProduct(expected, v)) < ApproximationFixtures.tolerance(T.self))
    }

    @Test func fullRankEqualsEmpiricalDouble() throws { try fullRankEqualsEmpirical(Double.self) }
    @Test func fullRankEqualsEmpiricalFloat() throws { try fullRankEqualsEmpirical(Float.self) }

    /// Truncation keeps the dominant part: the error is Eckart–Young's optimum for each rank,
    /// and it decreases to zero as the rank grows to N.
    @Test func gradientErrorDecreasesWithRankAndIsOptimal() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        let exact = try point.denseCurvature(.empirical, samples: 1, seed: 0)
        let norm = exact.elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var previous = Double.infinity
        for rank in 1...6 {
            var approximation = try LowRankApproximation<Double>(rank: rank, source: .empirical)
            try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0)
            #expect(approximation.factor?.columns == rank)
            let error = ApproximationFixtures.relativeError(try approximation.denseMatrix(), exact)
            #expect(abs(error - (try Self.optimalError(exact, rank: rank)) / norm) < 1e-10, "rank \(rank)")
            #expect(error < previous || error < 1e-12, "rank \(rank): \(error) after \(previous)")
            previous = error
            try approximation.updateInverse(damping: 0.01)
            try ApproximationFixtures.expectSolveInverts(approximation, damping: 0.01, count: point.parameters.count, tolerance: 1e-9)
        }
        #expect(previous < 1e-12)
    }

    /// The randomized sketch of the exact Fisher: near-optimal at each rank, exact at full rank.
    @Test func randomizedSketchApproachesTheExactFisher() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        let exact = try point.denseCurvature(.exact, samples: 1, seed: 0)
        let norm = exact.elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var previous = Double.infinity
        for rank in [1, 2, 4, 8, 26] {
            var approximation = try LowRankApproximation<Double>(rank: rank, source: .exact, sketch: .randomized())
            try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0)
            let error = ApproximationFixtures.relativeError(try approximation.denseMatrix(), exact)
            let optimal = try Self.optimalError(exact, rank: rank) / norm
            #expect(error <= optimal * 1.05 + 1e-8, "rank \(rank): \(error) vs the optimum \(optimal)")
            #expect(error <= previous + 1e-12)
            previous = error
        }
        #expect(previous < 1e-8)
    }

    /// With enough rank the factor's running average is the explicit average.
    @Test func runningAverageMatchesExplicitAverage() throws {
        let objective = try ApproximationFixtures.objective(Double.self)
        let first = try objective.evaluate(at: ApproximationFixtures.parameters(for: objective, seed: 1), batch: .all)
        let second = try objective.evaluate(at: ApproximationFixtures.parameters(for: objective, seed: 2), batch: .examples([0, 1, 2]))
        var approximation = try LowRankApproximation<Double>(rank: 9, source: .empirical)
        try approximation.updateStatistics(at: first, layers: objective.layers, decay: 0.75)
        try approximation.updateStatistics(at: second, layers: objective.layers, decay: 0.75)
        let a = try first.denseCurvature(.empirical, samples: 1, seed: 0), b = try second.denseCurvature(.empirical, samples: 1, seed: 0)
        let expected = Matrix(rows: a.rows, columns: a.columns) { i, j in 0.75 * a[i, j] + 0.25 * b[i, j] }
        #expect(ApproximationFixtures.relativeError(try approximation.denseMatrix(), expected) < 1e-12)
        // With rank 4 < 9 the average is truncated to its best rank-4 part.
        var truncated = try LowRankApproximation<Double>(rank: 4, source: .empirical)
        try truncated.updateStatistics(at: first, layers: objective.layers, decay: 0.75)
        try truncated.updateStatistics(at: second, layers: objective.layers, decay: 0.75)
        #expect(truncated.factor?.columns == 4)
    }

    @Test func needsDampingWithoutPenalty() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        var approximation = try LowRankApproximation<Double>(rank: 3)
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0)
        #expect(throws: OptimizerError.self) { try approximation.updateInverse(damping: 0) }
        #expect(throws: OptimizerError.self) { try LowRankApproximation<Double>(rank: 0) }
        // The Hessian has no gradient square root: the gradient sketch refuses it.
        var hessian = try LowRankApproximation<Double>(rank: 3, source: .hessian)
        #expect(throws: OptimizerError.self) { try hessian.updateStatistics(at: point, layers: objective.layers, decay: 0) }
    }

    @Test func memoryIsLinearInParameters() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        var approximation = try LowRankApproximation<Double>(rank: 3)
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0)
        #expect(approximation.memoryBytes == 26 * 3 * 8)
        try approximation.updateInverse(damping: 1)
        #expect(approximation.memoryBytes == (2 * 26 * 3 + 9 + 2 * 26) * 8)
    }
}
