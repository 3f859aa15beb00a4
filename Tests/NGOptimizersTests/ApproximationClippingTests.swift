import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGTestSupport
import Testing

@Suite("Approximation: eigenvalue clipping")
struct ApproximationClippingTests {
    /// Q·diag(clamp(μ))·Qᵀ assembled in the test by a naive triple loop.
    static func clipped(_ a: Matrix<Double>, floor: Double?, cap: Double?) throws -> Matrix<Double> {
        let eigen = try SymmetricEigendecomposition(a)
        let values = eigen.eigenvalues.elements.map { Swift.min(Swift.max($0, floor ?? -.infinity), cap ?? .infinity) }
        return Matrix(rows: a.rows, columns: a.columns) { i, j in
            (0..<a.rows).reduce(0.0) { $0 + eigen.eigenvectors[i, $1] * values[$1] * eigen.eigenvectors[j, $1] }
        }
    }

    /// The clipped Hessian: the eigen-clipped dense matrix, whose spectrum is the clamped spectrum.
    @Test(arguments: [(0.01, nil), (0.05, 2.0), (nil, 1.0)] as [(Double?, Double?)])
    func equalsTheEigenClippedHessian(floor: Double?, cap: Double?) throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self, l2: 0.01)
        let hessian = try point.denseCurvature(.hessian, samples: 1, seed: 0)
        let spectrum = try SymmetricEigendecomposition(hessian).eigenvalues.elements
        try #require(spectrum.first! < 0, "an indefinite Hessian makes the floor matter")
        var approximation = try EigenvalueClippingApproximation<Double>(source: .hessian, floor: floor, cap: cap)
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0)
        let result = try approximation.denseMatrix()
        #expect(ApproximationFixtures.relativeError(result, try Self.clipped(hessian, floor: floor, cap: cap)) < 1e-12)
        let clampedSpectrum = spectrum.map { Swift.min(Swift.max($0, floor ?? -.infinity), cap ?? .infinity) }.sorted()
        let resultSpectrum = try SymmetricEigendecomposition(result).eigenvalues.elements
        #expect(zip(resultSpectrum, clampedSpectrum).allSatisfy { abs($0 - $1) < 1e-10 })
        let damping = floor == nil ? 5.0 : 0.0
        try approximation.updateInverse(damping: damping)
        try ApproximationFixtures.expectSolveInverts(approximation, damping: damping, count: 26, tolerance: 1e-9)
        let v: Vector<Double> = TestMatrices.gaussianVector(26, seed: 1)
        #expect(ApproximationFixtures.relativeError(try approximation.multiply(v), ApproximationFixtures.naiveProduct(result, v)) < 1e-12)
    }

    /// Per-layer blocks, each clipped on its own.
    @Test func layerBlocksAreClippedSeparately() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        let hessian = try point.denseCurvature(.hessian, samples: 1, seed: 0)
        var approximation = try EigenvalueClippingApproximation<Double>(source: .hessian, structure: .layerBlocks, floor: 0.02, cap: 3)
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0.5)
        var expected = Matrix<Double>(rows: 26, columns: 26)
        for range in objective.layers.map(\.range) {
            let block = Matrix(rows: range.count, columns: range.count) { i, j in hessian[range.lowerBound + i, range.lowerBound + j] }
            let clippedBlock = try Self.clipped(block, floor: 0.02, cap: 3)
            for i in 0..<range.count { for j in 0..<range.count { expected[range.lowerBound + i, range.lowerBound + j] = clippedBlock[i, j] } }
        }
        #expect(ApproximationFixtures.relativeError(try approximation.denseMatrix(), expected) < 1e-12)
        try approximation.updateInverse(damping: 0)
        try ApproximationFixtures.expectSolveInverts(approximation, damping: 0, count: 26, tolerance: 1e-9)
        #expect(approximation.memoryBytes == (2 * (16 * 16 + 10 * 10) + 26) * 8)
    }

    /// The unclipped statistics are averaged, then clipped: clip(0.7·H₁ + 0.3·H₂).
    @Test func clipsTheRunningAverage() throws {
        let objective = try ApproximationFixtures.objective(Double.self)
        let first = try objective.evaluate(at: ApproximationFixtures.parameters(for: objective, seed: 1), batch: .all)
        let second = try objective.evaluate(at: ApproximationFixtures.parameters(for: objective, seed: 2), batch: .examples([1, 2, 4]))
        var approximation = try EigenvalueClippingApproximation<Double>(source: .hessian, floor: 0.01)
        try approximation.updateStatistics(at: first, layers: objective.layers, decay: 0.7)
        try approximation.updateStatistics(at: second, layers: objective.layers, decay: 0.7)
        let a = try first.denseCurvature(.hessian, samples: 1, seed: 0), b = try second.denseCurvature(.hessian, samples: 1, seed: 0)
        let average = Matrix(rows: 26, columns: 26) { i, j in 0.7 * a[i, j] + 0.3 * b[i, j] }
        #expect(ApproximationFixtures.relativeError(try approximation.denseMatrix(), try Self.clipped(average, floor: 0.01, cap: nil)) < 1e-12)
    }

    /// Float: the Fisher with a floor (a damping that only lifts the small eigenvalues).
    @Test func floorOnTheFisherInFloat() throws {
        let (objective, point) = try ApproximationFixtures.point(Float.self)
        var approximation = try EigenvalueClippingApproximation<Float>(source: .exact, floor: 0.01)
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0)
        let spectrum = try SymmetricEigendecomposition(try approximation.denseMatrix()).eigenvalues.elements
        #expect(spectrum.first! > 0.0099)
        try approximation.updateInverse(damping: 0)
        try ApproximationFixtures.expectSolveInverts(approximation, damping: Float(0), count: 26, tolerance: 5e-3)
    }

    @Test func nonPositiveClippedSpectrumThrows() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        var approximation = try EigenvalueClippingApproximation<Double>(source: .hessian, floor: nil, cap: 1)
        try approximation.updateStatistics(at: point, layers: objective.layers, decay: 0)
        #expect(throws: OptimizerError.self) { try approximation.updateInverse(damping: 0) }
        #expect(throws: OptimizerError.self) { try EigenvalueClippingApproximation<Double>(floor: 2, cap: 1) }
    }
}
