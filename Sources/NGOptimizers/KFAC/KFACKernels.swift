import NGLinearAlgebra
import NGModels
import NGRandom

/// The per-element loops of K-FAC's hot path, pre-specialized for Float and Double: the
/// optimizer is generic and reached from other modules, where it runs unspecialized, and a
/// generic loop over a million entries costs tens of milliseconds per step.
enum KFACKernels {
    /// A rows×columns matrix whose entries are **not initialized**: for outputs that a BLAS call
    /// with β = 0 overwrites entirely (no zero-filling pass).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func uninitializedMatrix<Scalar: BLASScalar>(rows: Int, columns: Int) -> Matrix<Scalar> {
        let count = rows * columns
        let elements = [Scalar](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        // The element count matches the shape by construction.
        return try! Matrix(rows: rows, columns: columns, elements: elements)
    }

    /// Whether every entry of v is finite, by one BLAS nrm2 (NaN and ±∞ propagate into it;
    /// nrm2 scales, so a finite vector never overflows).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func isFinite<Scalar: BLASScalar>(_ v: Vector<Scalar>) -> Bool {
        guard !v.elements.isEmpty else { return true }
        return v.elements.withUnsafeBufferPointer { Scalar.nrm2(Int32($0.count), $0.baseAddress!, 1) }.isFinite
    }

    /// The Monte-Carlo output gradients p − y of Bernoulli outputs, y ~ Bernoulli(p), fused:
    /// entry by entry in row-major order, y = 1 when `generator.uniform() < p` — the draws of
    /// `BernoulliLikelihood.sampleTargets`, so a seed gives the same labels as the estimator's.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func bernoulliResiduals<Scalar: BLASScalar>(probabilities p: Matrix<Scalar>, generator: inout SeededGenerator) -> Matrix<Scalar> {
        var residuals = p
        residuals.elements.withUnsafeMutableBufferPointer { r in
            for k in 0..<r.count where generator.uniform() < Double(r[k]) { r[k] -= 1 }
        }
        return residuals
    }

    /// The first `rows` rows of a matrix (one copy of a contiguous prefix).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func prefix<Scalar: BLASScalar>(_ matrix: Matrix<Scalar>, rows: Int) -> Matrix<Scalar> {
        let count = rows * matrix.columns
        precondition(count <= matrix.elements.count, "K-FAC: a prefix of \(rows) rows of a \(matrix.shapeDescription) matrix")
        let elements = [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
            matrix.elements.withUnsafeBufferPointer { source in
                if count > 0 { buffer.baseAddress!.initialize(from: source.baseAddress!, count: count) }
            }
            initialized = count
        }
        // The element count matches the shape by construction.
        return try! Matrix(rows: rows, columns: matrix.columns, elements: elements)
    }

    /// (S + shift·I)⁻¹ for a symmetric matrix S of which only the **upper** triangle is read,
    /// exactly symmetric: the Cholesky factor U (S + shift·I = UᵀU, LAPACK potrf on the upper
    /// triangle), X = U⁻¹ by one triangular solve against I (trsm), and (S + shift·I)⁻¹ = X·Xᵀ
    /// by one syrk — every element loop specialized, so the O(n³) BLAS work dominates. When the
    /// factorization fails for a positive shift (rounding, in Float) it is retried once with the
    /// shift raised by `jitter`·(mean diagonal); a zero shift is never jittered, so a singular
    /// S is reported rather than inverted into garbage.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for NaN or infinite entries, and when the
    ///   shifted matrix is not positive definite even after the retry.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func shiftedInverse<Scalar: BLASScalar>(upper s: Matrix<Scalar>, shift: Scalar, jitter: Scalar) throws -> Matrix<Scalar> {
        let n = s.rows
        precondition(s.isSquare, "K-FAC: a Kronecker factor must be square, got \(s.shapeDescription)")
        if n == 0 { return s }
        var meanDiagonal: Scalar = 0
        for i in 0..<n { meanDiagonal += s.elements[i * n + i] }
        meanDiagonal /= Scalar(n)
        func factor(_ total: Scalar) -> (Matrix<Scalar>, Int32) {
            var a = s
            a.elements.withUnsafeMutableBufferPointer { p in
                for i in 0..<n { p[i * n + i] += total }
            }
            // Row-major upper = column-major lower: potrf("L") leaves U (row-major upper) with A = UᵀU.
            let info = a.elements.withUnsafeMutableBufferPointer { p in Scalar.potrf(CChar(UInt8(ascii: "L")), Int32(n), p.baseAddress!, Int32(n)) }
            return (a, info)
        }
        let norm = s.elements.withUnsafeBufferPointer { Scalar.nrm2(Int32($0.count), $0.baseAddress!, 1) }
        guard norm.isFinite, shift.isFinite else {
            throw OptimizerError.invalidArgument("K-FAC: a Kronecker factor has NaN or infinite entries")
        }
        var (u, info) = factor(shift)
        if info > 0, jitter > 0, shift > 0 {
            (u, info) = factor(shift + jitter * Swift.max(Swift.abs(meanDiagonal), 1))
        }
        guard info == 0 else {
            throw OptimizerError.invalidArgument("K-FAC: a damped Kronecker factor (order \(n), shift \(shift)) is not positive definite; raise the damping")
        }
        var x = [Scalar](repeating: 0, count: n * n)
        var inverse = [Scalar](unsafeUninitializedCapacity: n * n) { _, initialized in initialized = n * n }
        x.withUnsafeMutableBufferPointer { px in
            for i in 0..<n { px[i * n + i] = 1 }
            u.elements.withUnsafeBufferPointer { pu in
                Scalar.trsm(.upper, .none, Int32(n), Int32(n), 1, pu.baseAddress!, Int32(n), px.baseAddress!, Int32(n))
            }
            inverse.withUnsafeMutableBufferPointer { pc in
                Scalar.syrk(.upper, .none, Int32(n), Int32(n), 1, px.baseAddress!, Int32(n), 0, pc.baseAddress!, Int32(n))
                for i in 0..<n { for j in (i + 1)..<Swift.max(i + 1, n) { pc[j * n + i] = pc[i * n + j] } }
            }
        }
        // The element count matches the shape by construction.
        return try! Matrix(rows: n, columns: n, elements: inverse)
    }
}
