import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGTestSupport
import Testing

@Suite("Approximation: Neumann series")
struct ApproximationNeumannTests {
    /// S_K = Q·diag((1 − (1 − μ/c)^{K+1})/μ)·Qᵀ for A = F + λI = Q·diag(μ)·Qᵀ: the series in
    /// closed form, computed in the test from the eigendecomposition.
    static func closedForm(_ a: Matrix<Double>, order: Int, scale c: Double) throws -> Matrix<Double> {
        let eigen = try SymmetricEigendecomposition(a)
        let n = a.rows
        let weights = eigen.eigenvalues.elements.map { (1 - power(1 - $0 / c, order + 1)) / $0 }
        return Matrix(rows: n, columns: n) { i, j in
            (0..<n).reduce(0.0) { $0 + eigen.eigenvectors[i, $1] * weights[$1] * eigen.eigenvectors[j, $1] }
        }
    }

    static func power(_ x: Double, _ k: Int) -> Double { (0..<k).reduce(1.0) { acc, _ in acc * x } }

    @Test func matchesTheClosedFormWithAFixedScale() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        let damping = 0.1
        let a = try point.denseCurvature(.exact, samples: 1, seed: 0).addingToDiagonal(damping)
        let largest = try SymmetricEigendecomposition(a).eigenvalues.elements.last!
        for order in [0, 1, 3, 10] {
            var series = try NeumannSeriesApproximation(order: order, base: try ExactCurvatureApproximation<Double>(source: .exact), scale: 1.2 * largest)
            try series.updateStatistics(at: point, layers: objective.layers, decay: 0)
            try series.updateInverse(damping: damping)
            let expected = try Self.closedForm(a, order: order, scale: 1.2 * largest)
            #expect(ApproximationFixtures.relativeError(try series.denseInverse(), expected) < 1e-12, "order \(order)")
        }
    }

    /// A higher order is closer to (F + λI)⁻¹, the residual obeys ‖A·S_K·v − v‖ ≤ (1 − μ_min/c)^{K+1}‖v‖,
    /// and the Lanczos estimate of c bounds λ_max.
    func errorDecreasesWithOrder<T: BLASScalar>(_: T.Type) throws {
        let (objective, point) = try ApproximationFixtures.point(T.self)
        let damping = T(0.5)
        let a = try point.denseCurvature(.exact, samples: 1, seed: 0).addingToDiagonal(damping)
        let inverse = try Cholesky(a).inverse
        let eigenvalues = try SymmetricEigendecomposition(a).eigenvalues.elements
        var previous = Double.infinity
        let v: Vector<T> = TestMatrices.gaussianVector(a.rows, seed: 12)
        for order in [0, 1, 2, 4, 8, 16, 32, 64] {
            var series = try NeumannSeriesApproximation(order: order, base: try ExactCurvatureApproximation<T>(source: .exact))
            try series.updateStatistics(at: point, layers: objective.layers, decay: 0)
            try series.updateInverse(damping: damping)
            let c = try #require(series.scale)
            #expect(Double(c) >= Double(eigenvalues.last!) * (1 - 1e-5), "c must bound λ_max")
            let error = ApproximationFixtures.relativeError(try series.denseInverse(), inverse)
            // Strictly decreasing until the series has converged to the precision's rounding floor.
            let roundingFloor = T.self == Float.self ? 1e-5 : 1e-12
            #expect(error < previous || error < roundingFloor, "order \(order): \(error) after \(previous)")
            previous = error
            let residual = ApproximationFixtures.naiveProduct(a, try series.solve(v)) - v
            let bound = Double.pow(1 - Double(eigenvalues[0]) / Double(c), Double(order + 1)) * Double(v.norm)
            #expect(Double(residual.norm) <= bound * 1.0001 + (T.self == Float.self ? 1e-4 : 1e-12), "order \(order)")
            // F̃ is the base's curvature.
            #expect(try series.denseMatrix() == point.denseCurvature(.exact, samples: 1, seed: 0))
        }
    }

    @Test func errorDecreasesWithOrderDouble() throws { try errorDecreasesWithOrder(Double.self) }
    @Test func errorDecreasesWithOrderFloat() throws { try errorDecreasesWithOrder(Float.self) }

    /// The matrix-free base (exact products) gives the same series as the dense base.
    @Test func matrixFreeBaseMatchesDenseBase() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self, l2: 0.01)
        var dense = try NeumannSeriesApproximation(order: 6, base: try ExactCurvatureApproximation<Double>(source: .ggn), scale: 3.0)
        var free = try NeumannSeriesApproximation<MatrixFreeCurvatureApproximation<Double>>(order: 6, exact: .ggn, scale: 3.0)
        try dense.updateStatistics(at: point, layers: objective.layers, decay: 0)
        try free.updateStatistics(at: point, layers: objective.layers, decay: 0)
        try dense.updateInverse(damping: 0.2)
        try free.updateInverse(damping: 0.2)
        let v: Vector<Double> = TestMatrices.gaussianVector(26, seed: 2)
        #expect(ApproximationFixtures.relativeError(try free.solve(v), try dense.solve(v)) < 1e-12)
        #expect(free.name.hasPrefix("neumann:6:matrix-free"))
    }

    @Test func invalidSettingsThrow() throws {
        let base = try ExactCurvatureApproximation<Double>()
        #expect(throws: OptimizerError.self) { try NeumannSeriesApproximation(order: -1, base: base) }
        #expect(throws: OptimizerError.self) { try NeumannSeriesApproximation(order: 2, base: base, scale: 0) }
        #expect(throws: OptimizerError.self) { try NeumannSeriesApproximation(order: 2, base: base, safetyFactor: 0.5) }
        var series = try NeumannSeriesApproximation(order: 2, base: base)
        #expect(throws: OptimizerError.self) { try series.updateInverse(damping: 1) }
    }
}
