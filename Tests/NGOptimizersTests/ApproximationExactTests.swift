import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGTestSupport
import Testing

@Suite("Approximation: exact and matrix-free curvature")
struct ApproximationExactTests {
    static let kinds: [CurvatureKind] = [.exact, .monteCarlo, .empirical, .ggn, .hessian]

    func denseMatchesCurvature<T: BLASScalar>(_: T.Type, kind: CurvatureKind) throws {
        let (objective, point) = try ApproximationFixtures.point(T.self, l2: T(0.01))
        let source = CurvatureSource(kind: kind, samples: 3, seed: 11)
        var approximation = try ExactCurvatureApproximation<T>(source: source)
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0.9)
        let expected = try point.denseCurvature(kind, samples: 3, seed: 11)
        #expect(try approximation.denseMatrix() == expected)
        // A damping large enough for the (possibly indefinite) Hessian.
        let damping = T(kind == .hessian ? 5 : 0.1)
        try approximation.updateInverse(damping: damping)
        try ApproximationFixtures.expectSolveInverts(approximation, damping: damping, count: point.parameters.count, tolerance: ApproximationFixtures.tolerance(T.self))
        let v: Vector<T> = TestMatrices.gaussianVector(point.parameters.count, seed: 5)
        #expect(ApproximationFixtures.relativeError(try approximation.multiply(v), ApproximationFixtures.naiveProduct(expected, v)) < ApproximationFixtures.tolerance(T.self))
        let p = point.parameters.count
        #expect(approximation.memoryBytes == 2 * p * p * MemoryLayout<T>.size)
    }

    @Test(arguments: kinds) func denseMatchesCurvatureDouble(kind: CurvatureKind) throws { try denseMatchesCurvature(Double.self, kind: kind) }
    @Test(arguments: kinds) func denseMatchesCurvatureFloat(kind: CurvatureKind) throws { try denseMatchesCurvature(Float.self, kind: kind) }

    @Test func runningAverageMatchesExplicitAverage() throws {
        let objective = try ApproximationFixtures.objective(Double.self)
        let first = try objective.evaluate(at: ApproximationFixtures.parameters(for: objective, seed: 1), batch: .all)
        let second = try objective.evaluate(at: ApproximationFixtures.parameters(for: objective, seed: 2), batch: .examples([0, 2, 4]))
        var approximation = try ExactCurvatureApproximation<Double>(source: .exact)
        try approximation.updateStatistics(at: first, layers: objective.layers, decay: 0.7)
        try approximation.updateStatistics(at: second, layers: objective.layers, decay: 0.7)
        let a = try first.denseCurvature(.exact, samples: 1, seed: 0), b = try second.denseCurvature(.exact, samples: 1, seed: 0)
        let expected = Matrix(rows: a.rows, columns: a.columns) { i, j in 0.7 * a[i, j] + 0.3 * b[i, j] }
        #expect(ApproximationFixtures.relativeError(try approximation.denseMatrix(), expected) < 1e-14)
    }

    @Test func monteCarloSeedAdvancesPerUpdate() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        var approximation = try ExactCurvatureApproximation<Double>(source: .monteCarlo(samples: 2, seed: 40))
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0)
        #expect(try approximation.denseMatrix() == point.denseCurvature(.monteCarlo, samples: 2, seed: 40))
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0)
        let second = try approximation.denseMatrix()
        #expect(second == (try point.denseCurvature(.monteCarlo, samples: 2, seed: 41)))
        #expect(second != (try point.denseCurvature(.monteCarlo, samples: 2, seed: 40)), "fresh labels at each update")
        // Reproducible: a second approximation with the same source repeats the sequence.
        var again = try ExactCurvatureApproximation<Double>(source: .monteCarlo(samples: 2, seed: 40))
        try again.updateStatistics(at: point, layers: objective.layers, decay: 0)
        try again.updateStatistics(at: point, layers: objective.layers, decay: 0)
        #expect(try again.denseMatrix() == second)
    }

    @Test func indefiniteHessianWithoutDampingThrows() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        let hessian = try point.denseCurvature(.hessian, samples: 1, seed: 0)
        let smallest = try SymmetricEigendecomposition(hessian).eigenvalues[0]
        try #require(smallest < -1e-6, "the fixture's Hessian should be indefinite (smallest eigenvalue \(smallest))")
        var approximation = try ExactCurvatureApproximation<Double>(source: .hessian)
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0)
        #expect(throws: OptimizerError.self) { try approximation.updateInverse(damping: 0) }
        try approximation.updateInverse(damping: -smallest + 1)
    }

    @Test func misuseThrows() throws {
        var approximation = try ExactCurvatureApproximation<Double>()
        #expect(throws: OptimizerError.self) { try approximation.updateInverse(damping: 1) }
        #expect(throws: OptimizerError.self) { try approximation.solve(Vector([1])) }
        #expect(throws: OptimizerError.self) { try ExactCurvatureApproximation<Double>(source: .monteCarlo(samples: 0)) }
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        #expect(throws: OptimizerError.self) { try approximation.updateStatistics(at: point, layers: objective.layers, decay: 1) }
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0)
        #expect(throws: OptimizerError.self) { try approximation.updateInverse(damping: -1) }
        try approximation.updateInverse(damping: 1)
        #expect(throws: OptimizerError.self) { try approximation.solve(Vector([1, 2])) }
    }

    @Test func identityIsTheIdentity() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        var identity = IdentityApproximation<Double>()
        #expect(throws: OptimizerError.self) { try identity.denseMatrix() }
        try identity.updateStatistics(at: point, layers: objective.layers, decay: 0.5)
        #expect(try identity.denseMatrix() == Matrix.identity(26))
        let v: Vector<Double> = TestMatrices.gaussianVector(26, seed: 3)
        try identity.updateInverse(damping: 0)
        #expect(try identity.solve(v) == v)
        try identity.updateInverse(damping: 0.5)
        try ApproximationFixtures.expectSolveInverts(identity, damping: 0.5, count: 26, tolerance: 1e-15)
        #expect(try identity.multiply(v) == v)
        #expect(throws: OptimizerError.self) { try identity.solve(Vector([1])) }
    }

    // MARK: Matrix-free

    func matrixFreeMatchesDense<T: BLASScalar>(_: T.Type, kind: CurvatureKind) throws {
        let (objective, point) = try ApproximationFixtures.point(T.self, l2: T(0.01))
        var approximation = try MatrixFreeCurvatureApproximation<T>(source: CurvatureSource(kind: kind, samples: 2, seed: 3))
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0.5)
        let expected = try point.denseCurvature(kind, samples: 2, seed: 3)
        let tolerance = ApproximationFixtures.tolerance(T.self)
        #expect(ApproximationFixtures.relativeError(try approximation.denseMatrix(), expected) < tolerance)
        let damping = T(kind == .hessian ? 5 : 0.1)
        try approximation.updateInverse(damping: damping)
        try ApproximationFixtures.expectSolveInverts(
            approximation, damping: damping, count: point.parameters.count, tolerance: T.self == Float.self ? 5e-3 : 1e-8)
        #expect(approximation.memoryBytes == 0)
    }

    @Test(arguments: kinds) func matrixFreeMatchesDenseDouble(kind: CurvatureKind) throws { try matrixFreeMatchesDense(Double.self, kind: kind) }
    @Test(arguments: [CurvatureKind.exact, .empirical]) func matrixFreeMatchesDenseFloat(kind: CurvatureKind) throws {
        try matrixFreeMatchesDense(Float.self, kind: kind)
    }

    @Test func matrixFreeKeepsOnlyTheCurrentPoint() throws {
        let objective = try ApproximationFixtures.objective(Double.self)
        let first = try objective.evaluate(at: ApproximationFixtures.parameters(for: objective, seed: 1), batch: .all)
        let second = try objective.evaluate(at: ApproximationFixtures.parameters(for: objective, seed: 2), batch: .all)
        var approximation = try MatrixFreeCurvatureApproximation<Double>(source: .exact)
        try approximation.updateStatistics(at: first, layers: objective.layers, decay: 0.9)
        try approximation.updateStatistics(at: second, layers: objective.layers, decay: 0.9)
        let expected = try second.denseCurvature(.exact, samples: 1, seed: 0)
        #expect(ApproximationFixtures.relativeError(try approximation.denseMatrix(), expected) < 1e-12)
    }

    @Test func matrixFreeIndefiniteThrows() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        var approximation = try MatrixFreeCurvatureApproximation<Double>(source: .hessian)
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0)
        try approximation.updateInverse(damping: 0)
        // The gradient has components along the negative eigenvectors: CG must meet them.
        let hessian = try point.denseCurvature(.hessian, samples: 1, seed: 0)
        let eigen = try SymmetricEigendecomposition(hessian)
        try #require(eigen.eigenvalues[0] < -1e-6)
        let negativeDirection = eigen.eigenvectors.column(0)
        #expect(throws: OptimizerError.self) { try approximation.solve(negativeDirection) }
    }
}
