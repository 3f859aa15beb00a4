/// The thin singular value decomposition A = U·diag(σ)·Vᵀ of an m×n matrix (LAPACK gesdd).
///
/// With k = min(m, n): U is m×k with orthonormal columns, σ holds k singular values in
/// descending order (all ≥ 0), and Vᵀ is k×n with orthonormal rows. Used for ranks, condition
/// numbers and low-rank approximations of gradients and curvature blocks.
///
/// Row-major storage of A is column-major storage of Aᵀ, so gesdd runs on the caller's layout
/// without a transposing copy and returns Aᵀ = U′·Σ·V′ᵀ. Then A = V′·Σ·U′ᵀ, and the column-major
/// outputs read row-major are exactly the factors wanted: gesdd's n×k U′ is the row-major k×n
/// U′ᵀ = Vᵀ, and its k×m V′ᵀ is the row-major m×k V′ = U.
public struct SingularValueDecomposition<Scalar: BLASScalar>: Sendable {
    /// U, m×k: the left singular vectors as orthonormal columns.
    public let leftSingularVectors: Matrix<Scalar>
    /// σ, k entries, descending and non-negative.
    public let singularValues: Vector<Scalar>
    /// Vᵀ, k×n: the right singular vectors as orthonormal rows.
    public let rightSingularVectorsTransposed: Matrix<Scalar>

    /// Decomposes `matrix` (any shape, including empty ones, which give k = 0).
    /// - Throws: ``LinearAlgebraError/invalidArgument(_:)`` for NaN or infinite entries,
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` if gesdd does not converge.
    public init(_ matrix: Matrix<Scalar>) throws {
        guard matrix.isFinite else {
            throw LinearAlgebraError.invalidArgument("SingularValueDecomposition: the matrix has NaN or infinite entries")
        }
        let m = matrix.rows
        let n = matrix.columns
        let k = Swift.min(m, n)
        var u = Matrix<Scalar>(rows: m, columns: k)
        var sigma = Vector<Scalar>(count: k)
        var vt = Matrix<Scalar>(rows: k, columns: n)
        if k > 0 {
            // gesdd overwrites its input; this copy is the only one made.
            var a = matrix
            let info = a.elements.withUnsafeMutableBufferPointer { pa in
                sigma.elements.withUnsafeMutableBufferPointer { ps in
                    vt.elements.withUnsafeMutableBufferPointer { pvt in
                        u.elements.withUnsafeMutableBufferPointer { pu in
                            // Column-major problem: Aᵀ is n×m with leading dimension n;
                            // U′ (n×k, ld n) lands in vt, V′ᵀ (k×m, ld k) lands in u.
                            Scalar.gesdd(
                                .lapack("S"), Int32(n), Int32(m), pa.baseAddress!, Int32(n), ps.baseAddress!,
                                pvt.baseAddress!, Int32(n), pu.baseAddress!, Int32(k))
                        }
                    }
                }
            }
            if info != 0 { throw LinearAlgebraError.lapackFailure(routine: "gesdd", info: Int(info)) }
        }
        leftSingularVectors = u
        singularValues = sigma
        rightSingularVectorsTransposed = vt
    }

    /// The numerical rank: the number of singular values above `tolerance`.
    ///
    /// - Parameter tolerance: the threshold; `nil` uses σ₁·max(m, n)·ε, the convention of
    ///   NumPy's `matrix_rank` and MATLAB's `rank` (ε the machine epsilon of `Scalar`).
    public func rank(tolerance: Scalar? = nil) -> Int {
        let largest = singularValues.elements.first ?? 0
        let size = Swift.max(leftSingularVectors.rows, rightSingularVectorsTransposed.columns)
        let threshold = tolerance ?? largest * Scalar(size) * Scalar.ulpOfOne
        return singularValues.elements.reduce(0) { $0 + ($1 > threshold ? 1 : 0) }
    }

    /// U·diag(σ)·Vᵀ, the matrix that was decomposed (up to rounding).
    public var reconstructed: Matrix<Scalar> {
        var scaled = leftSingularVectors
        let k = singularValues.count
        scaled.elements.withUnsafeMutableBufferPointer { p in
            singularValues.elements.withUnsafeBufferPointer { s in
                for i in 0..<scaled.rows { for j in 0..<k { p[i * k + j] *= s[j] } }
            }
        }
        var out = Matrix<Scalar>(rows: leftSingularVectors.rows, columns: rightSingularVectorsTransposed.columns)
        // Shapes agree by construction.
        do { try out.gemm(scaled, .none, rightSingularVectorsTransposed, .none) } catch { preconditionFailure("\(error)") }
        return out
    }
}
