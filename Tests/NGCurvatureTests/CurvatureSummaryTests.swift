import Foundation
import NGCurvature
import NGLinearAlgebra
import NGModels
import NGTestSupport
import Testing

/// Summary statistics: dense (full spectrum) against matrix-free (Lanczos, exact or Hutchinson
/// trace), and the condition-number conventions on matrices with known spectra.
@Suite("Curvature summaries")
struct CurvatureSummaryTests {
    /// Q·diag(values)·Qᵀ for a random orthogonal Q.
    static func matrix(eigenvalues values: [Double], seed: UInt64) -> Matrix<Double> {
        let q: Matrix<Double> = TestMatrices.orthogonal(values.count, seed: seed)
        var result = TestMatrices.naiveProduct(TestMatrices.naiveProduct(q, Matrix(diagonal: Vector(values))), q.transposed)
        result.symmetrize(from: .upper)
        return result
    }

    @Test("dense: the trace is the diagonal sum and the sum of the eigenvalues; eigenvalues descending")
    func denseTrace() throws {
        let estimator = try CurvatureFixtures.estimator(CategoricalLikelihood<Double>(), network: CurvatureFixtures.perceptron(Double.self))
        for kind in [CurvatureKind.exact, .hessian] {
            let matrix = try estimator.denseMatrix(kind)
            let p = matrix.rows
            let summary = try CurvatureSummary(matrix: matrix, topCount: p)
            var diagonalSum = 0.0
            for i in 0..<p { diagonalSum += matrix[i, i] }
            #expect(abs(summary.trace - diagonalSum) < 1e-12)
            #expect(abs(summary.topEigenvalues.reduce(0, +) - diagonalSum) < 1e-10 * max(1, abs(diagonalSum)))
            #expect(summary.topEigenvalues.count == p && zip(summary.topEigenvalues, summary.topEigenvalues.dropFirst()).allSatisfy { $0 >= $1 })
            #expect(summary.smallestEigenvalue == summary.topEigenvalues.last)
            // ‖A‖_F² = Σ λ².
            let frobenius = matrix.elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(summary.frobeniusNorm! - frobenius) < 1e-10 * frobenius)
        }
    }

    @Test("matrix-free: Lanczos top eigenvalues and the exact trace match the dense summary", arguments: [CurvatureKind.exact, .ggn, .hessian, .monteCarlo])
    func matrixFree(_ kind: CurvatureKind) throws {
        let estimator = try CurvatureFixtures.estimator(BernoulliLikelihood<Double>(), network: CurvatureFixtures.perceptron(Double.self), examples: 8)
        let dense = try estimator.summary(kind, topCount: 3, samples: 4, seed: 2)
        let free = try estimator.summary(kind, topCount: 3, samples: 4, seed: 2, matrixFree: true)
        #expect(free.eigenvalueMethod == "lanczos" && dense.eigenvalueMethod == "dense")
        #expect(free.eigenvaluesConverged == true && dense.eigenvaluesConverged == nil)
        #expect(abs(free.trace - dense.trace) < 1e-10 * abs(dense.trace), "\(kind): trace \(free.trace) vs \(dense.trace)")
        let scale = abs(dense.topEigenvalues[0])
        for (a, b) in zip(free.topEigenvalues, dense.topEigenvalues) {
            #expect(abs(a - b) < 1e-8 * scale, "\(kind): λ \(a) vs \(b)")
        }
        #expect(abs(free.smallestEigenvalue! - dense.smallestEigenvalue!) < 1e-6 * scale, "\(kind): λ_min \(free.smallestEigenvalue!) vs \(dense.smallestEigenvalue!)")
    }

    @Test("Hutchinson's trace estimate is within a few standard errors of the exact trace")
    func hutchinson() throws {
        let a = Self.matrix(eigenvalues: (1...40).map { Double($0) / 4 }, seed: 3)
        let exact = (1...40).map { Double($0) / 4 }.reduce(0, +)
        let summary = try CurvatureSummary(dimension: 40, topCount: 2, traceProbes: 400, smallest: false, seed: 1) { (v: Vector<Double>) in a * v }
        #expect(summary.traceMethod == "hutchinson")
        let error = try #require(summary.traceStandardError)
        #expect(error > 0 && error < 0.05 * exact)
        #expect(abs(summary.trace - exact) < 4 * error, "trace \(summary.trace) vs \(exact) ± \(error)")
        #expect(abs(summary.topEigenvalues[0] - 10) < 1e-8 && abs(summary.topEigenvalues[1] - 9.75) < 1e-8)
    }

    @Test("condition numbers: positive definite, singular and indefinite matrices")
    func conditionNumbers() throws {
        let definite = try CurvatureSummary(matrix: Self.matrix(eigenvalues: [0.5, 1, 2, 5], seed: 1), topCount: 2)
        #expect(abs(definite.conditionNumber! - 10) < 1e-10 && abs(definite.rangeConditionNumber! - 10) < 1e-10)
        #expect(definite.numericalRank == 4 && definite.topEigenvalues.count == 2)

        let singular = try CurvatureSummary(matrix: Self.matrix(eigenvalues: [0, 0, 1, 2, 4], seed: 2))
        #expect(singular.conditionNumber == nil)
        #expect(abs(singular.rangeConditionNumber! - 4) < 1e-10)
        #expect(singular.numericalRank == 3 && singular.topEigenvalues.count == 5)

        let indefinite = try CurvatureSummary(matrix: Self.matrix(eigenvalues: [-1, 2, 3], seed: 3))
        #expect(indefinite.conditionNumber == nil && abs(indefinite.smallestEigenvalue! + 1) < 1e-12)
        #expect(abs(indefinite.rangeConditionNumber! - 1.5) < 1e-10)

        let spd = Self.matrix(eigenvalues: (0..<30).map { Double.pow(10, Double($0) / 29) }, seed: 4)
        let free = try CurvatureSummary(dimension: 30, topCount: 1) { (v: Vector<Double>) in spd * v }
        #expect(abs(free.conditionNumber! - 10) < 1e-6, "Lanczos condition number \(free.conditionNumber!)")

        // The Fisher of 5 examples with 3 outputs has rank at most 15 < P = 31.
        let estimator = try CurvatureFixtures.estimator(CategoricalLikelihood<Double>(), network: CurvatureFixtures.perceptron(Double.self))
        let fisher = try estimator.summary(.exact)
        #expect(fisher.conditionNumber == nil && fisher.rangeConditionNumber != nil)
        #expect(fisher.numericalRank! <= 5 * 2)  // softmax: F_z has rank out − 1 per example
    }

    @Test("summaries encode to JSON and back")
    func codable() throws {
        let summary = try CurvatureSummary(matrix: Self.matrix(eigenvalues: [0, 1, 3], seed: 5), topCount: 2)
        let data = try JSONEncoder().encode(summary)
        #expect(try JSONDecoder().decode(CurvatureSummary.self, from: data) == summary)
        #expect(throws: CurvatureError.self) { try CurvatureSummary(dimension: 0) { (v: Vector<Double>) in v } }
    }

    @Test("Float32 summaries agree with Double ones")
    func float() throws {
        let network = try CurvatureFixtures.perceptron(Float.self)
        let estimator = try CurvatureFixtures.estimator(GaussianLikelihood<Float>(), network: network)
        let wide = try CurvatureFixtures.estimator(GaussianLikelihood<Double>(), network: CurvatureFixtures.perceptron(Double.self))
        let single = try estimator.summary(.exact, topCount: 3), double = try wide.summary(.exact, topCount: 3)
        #expect(abs(single.trace - double.trace) < 1e-4 * double.trace)
        for (a, b) in zip(single.topEigenvalues, double.topEigenvalues) { #expect(abs(a - b) < 1e-4 * double.topEigenvalues[0]) }
        let free = try estimator.summary(.exact, topCount: 3, matrixFree: true)
        for (a, b) in zip(free.topEigenvalues, double.topEigenvalues) { #expect(abs(a - b) < 1e-3 * double.topEigenvalues[0]) }
    }
}
