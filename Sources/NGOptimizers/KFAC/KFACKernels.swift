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

    /// Σ mᵢ·aᵢ·bᵢ (arrays of equal length), accumulated in Double.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func maskedDot<Scalar: BLASScalar>(_ m: [Scalar], _ a: [Scalar], _ b: [Scalar]) -> Scalar {
        precondition(m.count == a.count && a.count == b.count, "K-FAC: a masked dot product of unequal lengths")
        var total = 0.0
        m.withUnsafeBufferPointer { pm in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    for i in 0..<pm.count { total += Double(pm[i] * pa[i] * pb[i]) }
                }
            }
        }
        return Scalar(total)
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
    /// exactly symmetric, by Cholesky: S + shift·I = UᵀU (LAPACK potrf on the upper triangle,
    /// n³/3 FLOPs), then the inverse from U in place (LAPACK potri: the triangular inverse and
    /// U⁻¹·U⁻ᵀ, 2n³/3 FLOPs), then the lower triangle copied from the upper — n³ in all, against
    /// ≈ 4n³ and a slower kernel for an eigendecomposition (syevd), which a fixed Tikhonov
    /// shift does not need. When the factorization fails for a positive shift (rounding, in
    /// Float) it is retried once with the shift raised by `jitter`·(mean diagonal); a zero shift
    /// is never jittered, so a singular S is reported rather than inverted into garbage.
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
        let inverted = u.elements.withUnsafeMutableBufferPointer { p in Scalar.potri(CChar(UInt8(ascii: "L")), Int32(n), p.baseAddress!, Int32(n)) }
        guard inverted == 0 else {
            throw OptimizerError.invalidArgument("K-FAC: a damped Kronecker factor (order \(n), shift \(shift)) is singular to working precision; raise the damping")
        }
        u.elements.withUnsafeMutableBufferPointer { p in
            for i in 0..<n { for j in (i + 1)..<Swift.max(i + 1, n) { p[j * n + i] = p[i * n + j] } }
        }
        return u
    }
}
