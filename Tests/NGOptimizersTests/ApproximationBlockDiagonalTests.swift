import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGTestSupport
import Testing

@Suite("Approximation: block-diagonal")
struct ApproximationBlockDiagonalTests {
    /// Block-diagonal equals the exact curvature's diagonal blocks, zero elsewhere.
    func equalsExactBlocks<T: BLASScalar>(_: T.Type, kind: CurvatureKind) throws {
        let (objective, point) = try ApproximationFixtures.point(T.self, l2: T(0.05))
        var approximation = try BlockDiagonalApproximation<T>(source: CurvatureSource(kind: kind, samples: 2, seed: 9))
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0.9)
        let layerRanges = objective.layers.map(\.range)
        #expect(approximation.blockRanges == layerRanges)
        #expect(layerRanges == [0..<16, 16..<26])
        let expected = ApproximationFixtures.blockMasked(try point.denseCurvature(kind, samples: 2, seed: 9), layerRanges)
        #expect(ApproximationFixtures.relativeError(try approximation.denseMatrix(), expected) < ApproximationFixtures.tolerance(T.self))
        let damping = T(kind == .hessian ? 5 : 0.1)
        try approximation.updateInverse(damping: damping)
        try ApproximationFixtures.expectSolveInverts(approximation, damping: damping, count: point.parameters.count, tolerance: ApproximationFixtures.tolerance(T.self))
        let v: Vector<T> = TestMatrices.gaussianVector(point.parameters.count, seed: 4)
        #expect(ApproximationFixtures.relativeError(try approximation.multiply(v), ApproximationFixtures.naiveProduct(expected, v)) < ApproximationFixtures.tolerance(T.self))
        // Σ nᵢ² for the blocks and again for their Cholesky factors.
        #expect(approximation.memoryBytes == 2 * (16 * 16 + 10 * 10) * MemoryLayout<T>.size)
    }

    @Test(arguments: CurvatureKind.allCases) func equalsExactBlocksDouble(kind: CurvatureKind) throws { try equalsExactBlocks(Double.self, kind: kind) }
    @Test(arguments: [CurvatureKind.exact, .monteCarlo, .empirical]) func equalsExactBlocksFloat(kind: CurvatureKind) throws {
        try equalsExactBlocks(Float.self, kind: kind)
    }

    /// Without layers the whole vector is one block: the exact curvature.
    @Test func noLayersIsOneBlock() throws {
        let point = try LeastSquaresObjective<Double>.rosenbrock.evaluate(at: Vector([-1.2, 1]), batch: .all)
        var approximation = try BlockDiagonalApproximation<Double>(source: .ggn)
        try approximation.updateStatistics(at: point, layers: [], decay: 0)
        #expect(approximation.blockRanges == [0..<2])
        #expect(try approximation.denseMatrix() == point.jacobian.gram())
    }

    /// Parameters outside every layer become blocks of their own.
    @Test func uncoveredParametersFormTheirOwnBlocks() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        var approximation = try BlockDiagonalApproximation<Double>(source: .exact)
        try approximation.updateStatistics(at: point, layers: [objective.layers[1]], decay: 0)
        #expect(approximation.blockRanges == [0..<16, 16..<26])
    }

    @Test func runningAverageMatchesExplicitAverage() throws {
        let objective = try ApproximationFixtures.objective(Double.self)
        let first = try objective.evaluate(at: ApproximationFixtures.parameters(for: objective, seed: 1), batch: .all)
        let second = try objective.evaluate(at: ApproximationFixtures.parameters(for: objective, seed: 2), batch: .examples([0, 5]))
        var approximation = try BlockDiagonalApproximation<Double>(source: .empirical)
        try approximation.updateStatistics(at: first, layers: objective.layers, decay: 0.6)
        try approximation.updateStatistics(at: second, layers: objective.layers, decay: 0.6)
        let a = try first.denseCurvature(.empirical, samples: 1, seed: 0), b = try second.denseCurvature(.empirical, samples: 1, seed: 0)
        let average = Matrix(rows: a.rows, columns: a.columns) { i, j in 0.6 * a[i, j] + 0.4 * b[i, j] }
        let expected = ApproximationFixtures.blockMasked(average, objective.layers.map(\.range))
        #expect(ApproximationFixtures.relativeError(try approximation.denseMatrix(), expected) < 1e-13)
    }
}
