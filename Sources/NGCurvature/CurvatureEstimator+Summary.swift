import NGLinearAlgebra
import NGModels

extension CurvatureEstimator {
    /// Summary statistics (trace, top eigenvalues, condition number) of the curvature of `kind`.
    ///
    /// Dense (the default): the full spectrum of ``denseMatrix(_:samples:seed:)``, O(P³) time and
    /// P² memory. Matrix-free: ``matrixVectorProduct(_:_:samples:seed:)`` fed to Lanczos for the
    /// extreme eigenvalues, and the trace exactly from P products or by Hutchinson's estimator
    /// with `traceProbes` Rademacher probes — for models too large for a P×P matrix.
    /// - Parameters:
    ///   - kind: which matrix.
    ///   - topCount: how many of the largest eigenvalues to report.
    ///   - samples: k, for the Monte-Carlo Fisher.
    ///   - seed: the seed of the Monte-Carlo labels (and, matrix-free, of the probes and Lanczos).
    ///   - matrixFree: whether to avoid the dense matrix.
    ///   - traceProbes: matrix-free only: Hutchinson probes, or nil for the exact trace.
    /// - Throws: ``CurvatureError/invalidArgument(_:)`` for invalid counts; `LinearAlgebraError`
    ///   if an eigensolver fails.
    public func summary(
        _ kind: CurvatureKind, topCount: Int = 10, samples: Int = 1, seed: UInt64 = 0, matrixFree: Bool = false, traceProbes: Int? = nil
    ) throws -> CurvatureSummary {
        if !matrixFree {
            return try CurvatureSummary(matrix: denseMatrix(kind, samples: samples, seed: seed), topCount: topCount)
        }
        guard kind != .monteCarlo || samples >= 1 else {
            throw CurvatureError.invalidArgument("Monte-Carlo Fisher: the number of samples per example must be at least 1, got \(samples)")
        }
        return try CurvatureSummary(dimension: parameterCount, topCount: topCount, traceProbes: traceProbes, seed: seed) { v in
            try matrixVectorProduct(kind, v, samples: samples, seed: seed)
        }
    }
}
