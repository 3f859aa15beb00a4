import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGTestSupport
import Testing

@Suite("Approximation: diagonal")
struct ApproximationDiagonalTests {
    /// The diagonal of the dense curvature of the same kind, same labels, penalty included.
    func matchesDenseDiagonal<T: BLASScalar>(_: T.Type, kind: CurvatureKind, probes: Int = 10) throws {
        let (objective, point) = try ApproximationFixtures.point(T.self, l2: T(0.05))
        var approximation = try DiagonalApproximation<T>(source: CurvatureSource(kind: kind, samples: 3, seed: 17), probes: probes)
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0.9)
        let dense = try point.denseCurvature(kind, samples: 3, seed: 17)
        let expected = Matrix(diagonal: dense.diagonal)
        #expect(ApproximationFixtures.relativeError(try approximation.denseMatrix(), expected) < ApproximationFixtures.tolerance(T.self))
        let damping = T(kind == .hessian ? 5 : 0.1)
        try approximation.updateInverse(damping: damping)
        try ApproximationFixtures.expectSolveInverts(approximation, damping: damping, count: point.parameters.count, tolerance: ApproximationFixtures.tolerance(T.self))
        #expect(approximation.memoryBytes == 2 * point.parameters.count * MemoryLayout<T>.size)
    }

    @Test(arguments: [CurvatureKind.exact, .monteCarlo, .empirical])
    func squareRootPathDouble(kind: CurvatureKind) throws { try matchesDenseDiagonal(Double.self, kind: kind) }
    @Test(arguments: [CurvatureKind.exact, .monteCarlo, .empirical])
    func squareRootPathFloat(kind: CurvatureKind) throws { try matchesDenseDiagonal(Float.self, kind: kind) }

    /// With at least P probes the unit vectors are used: the GGN and Hessian diagonals are exact.
    @Test(arguments: [CurvatureKind.ggn, .hessian])
    func unitProbesAreExact(kind: CurvatureKind) throws { try matchesDenseDiagonal(Double.self, kind: kind, probes: 1000) }

    /// Rademacher probes z give z⊙(Dz) = diag(D) exactly for a diagonal D: Hutchinson with two
    /// probes recovers the parabola's Hessian a.
    @Test func hutchinsonIsExactOnADiagonalHessian() throws {
        let a = [1.0, 4, 9, 0.5, 2]
        let parabola = LeastSquaresObjective<Double>.parabola(curvatures: a, minimum: [1, 2, 3, 4, 5])
        let point = try parabola.evaluate(at: Vector([0, 0, 0, 0, 0]), batch: .all)
        var approximation = try DiagonalApproximation<Double>(source: .hessian, probes: 2)
        try approximation.updateStatistics(at: point, layers: [], decay: 0)
        #expect(try approximation.denseMatrix().diagonal == Vector(a))
    }

    /// Hutchinson on a dense GGN is unbiased: the arithmetic mean of 100 updates (decay n/(n+1),
    /// fresh probes each update) approaches the exact diagonal, a single update does not.
    @Test func hutchinsonIsUnbiasedOnANetwork() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        let exact = try point.denseCurvature(.ggn, samples: 1, seed: 0).diagonal
        var approximation = try DiagonalApproximation<Double>(source: .ggn, probes: 20)
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0)
        let single = ApproximationFixtures.relativeError(try approximation.denseMatrix().diagonal, exact)
        for n in 1..<100 {
            try approximation.updateStatistics(at: point, layers: objective.layers, decay: Double(n) / Double(n + 1))
        }
        let averaged = ApproximationFixtures.relativeError(try approximation.denseMatrix().diagonal, exact)
        #expect(averaged < 0.1)
        #expect(averaged < single / 4, "100 independent updates should shrink the error about tenfold (\(single) → \(averaged))")
    }

    @Test func runningAverageMatchesExplicitAverage() throws {
        let objective = try ApproximationFixtures.objective(Double.self)
        let first = try objective.evaluate(at: ApproximationFixtures.parameters(for: objective, seed: 1), batch: .all)
        let second = try objective.evaluate(at: ApproximationFixtures.parameters(for: objective, seed: 2), batch: .examples([1, 3]))
        var approximation = try DiagonalApproximation<Double>(source: .monteCarlo(samples: 2, seed: 5))
        try approximation.updateStatistics(at: first, layers: objective.layers, decay: 0.8)
        try approximation.updateStatistics(at: second, layers: objective.layers, decay: 0.8)
        // The first update draws with seed 5, the second with seed 6.
        let a = try first.denseCurvature(.monteCarlo, samples: 2, seed: 5).diagonal
        let b = try second.denseCurvature(.monteCarlo, samples: 2, seed: 6).diagonal
        let expected = Vector((0..<a.count).map { 0.8 * a[$0] + 0.2 * b[$0] })
        #expect(ApproximationFixtures.relativeError(try approximation.denseMatrix().diagonal, expected) < 1e-13)
    }

    @Test func zeroEntryWithoutDampingThrows() throws {
        // The empirical Fisher ∇J∇Jᵀ of a parabola whose first coordinate sits at its minimum.
        let parabola = LeastSquaresObjective<Double>.parabola(curvatures: [1, 4], minimum: [0, 1])
        let point = try parabola.evaluate(at: Vector([0, 0]), batch: .all)
        var approximation = try DiagonalApproximation<Double>(source: .empirical)
        try approximation.updateStatistics(at: point, layers: [], decay: 0)
        #expect(try approximation.denseMatrix().diagonal == Vector([0, 16]))
        #expect(throws: OptimizerError.self) { try approximation.updateInverse(damping: 0) }
        try approximation.updateInverse(damping: 1)
        #expect(try approximation.solve(Vector([2, 34])) == Vector([2, 2]))
    }
}
