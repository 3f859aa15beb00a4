import NGLinearAlgebra

/// BLAS calls on raw row-major storage, for the layers that read their weights straight out of
/// the flat parameter vector without copying them into a ``Matrix``.
enum RawKernels {
    /// C ← α·op(A)·op(B) + β·C on row-major storage (BLAS gemm), C m×n with leading dimension `ldc`.
    ///
    /// Empty products are handled here (BLAS rejects zero leading dimensions): with k = 0 the
    /// result is β·C, and with β = 0 the old C is not read.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func gemm<Scalar: BLASScalar>(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Scalar = 1,
        _ a: UnsafePointer<Scalar>?, lda: Int, _ b: UnsafePointer<Scalar>?, ldb: Int,
        beta: Scalar = 0, _ c: UnsafeMutablePointer<Scalar>?, ldc: Int
    ) {
        guard m > 0, n > 0, let c else { return }
        guard k > 0, let a, let b else {
            for i in 0..<m {
                for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] }
            }
            return
        }
        Scalar.gemm(transA, transB, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `destination[j] += Σᵢ source[i·columns + j]`: the column sums of a row-major rows×columns block
    /// (the bias gradient Σᵢ δᵢ).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func addColumnSums<Scalar: BLASScalar>(
        _ source: UnsafePointer<Scalar>, rows: Int, columns: Int, into destination: UnsafeMutablePointer<Scalar>
    ) {
        for i in 0..<rows {
            let row = source + i * columns
            for j in 0..<columns { destination[j] += row[j] }
        }
    }

    /// Adds the `columns` entries at `row` to every row of the rows×columns block at `destination`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func addRow<Scalar: BLASScalar>(
        _ row: UnsafePointer<Scalar>, rows: Int, columns: Int, to destination: UnsafeMutablePointer<Scalar>
    ) {
        for i in 0..<rows {
            let target = destination + i * columns
            for j in 0..<columns { target[j] += row[j] }
        }
    }

    /// Every row of the rows×columns block at `destination` set to the `columns` entries at `row`
    /// (broadcasting a bias over a batch before a gemm accumulates onto it); the block may be
    /// uninitialized.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func broadcast<Scalar: BLASScalar>(
        _ row: UnsafePointer<Scalar>, rows: Int, columns: Int, into destination: UnsafeMutablePointer<Scalar>
    ) {
        for i in 0..<rows { (destination + i * columns).initialize(from: row, count: columns) }
    }
}
