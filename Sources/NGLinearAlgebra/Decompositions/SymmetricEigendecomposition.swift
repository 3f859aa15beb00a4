/// The eigendecomposition A = Q·diag(λ)·Qᵀ of a symmetric matrix (LAPACK syevd, divide and conquer).
///
/// Everything that applies a function to a curvature matrix goes through it: SPD inverses and
/// roots with an eigenvalue floor, K-FAC's Kronecker eigenbases, EKFAC, spectra of Fisher and
/// Hessian matrices.
public struct SymmetricEigendecomposition<Scalar: BLASScalar>: Sendable {
    /// The eigenvalues λ, ascending.
    public let eigenvalues: Vector<Scalar>
    /// The orthonormal eigenvectors Q, one per column, in the order of ``eigenvalues``.
    public let eigenvectors: Matrix<Scalar>

    /// Decomposes `matrix`, which must be square; only its lower triangle is read.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` for a non-square
    ///   matrix, ``LinearAlgebraError/lapackFailure(routine:info:)`` if syevd does not converge
    ///   (e.g. with NaN entries).
    public init(_ matrix: Matrix<Scalar>) throws {
        guard matrix.isSquare else {
            throw LinearAlgebraError.shapeMismatch(operation: "SymmetricEigendecomposition", expected: "a square matrix", actual: matrix.shapeDescription)
        }
        let n = matrix.rows
        guard matrix.isFinite else {
            throw LinearAlgebraError.invalidArgument("SymmetricEigendecomposition: the matrix has NaN or infinite entries")
        }
        var a = matrix
        var w = Vector<Scalar>(count: n)
        if n > 0 {
            // Column-major upper on row-major memory reads the row-major lower triangle; the
            // eigenvectors come back column-major, i.e. as the rows of the row-major buffer.
            let info = a.elements.withUnsafeMutableBufferPointer { pa in
                w.elements.withUnsafeMutableBufferPointer { pw in
                    Scalar.syevd(.lapack("V"), Triangle.lower.columnMajorLapack, Int32(n), pa.baseAddress!, Int32(n), pw.baseAddress!)
                }
            }
            if info != 0 { throw LinearAlgebraError.lapackFailure(routine: "syevd", info: Int(info)) }
        }
        eigenvalues = w
        eigenvectors = a.transposed
    }

    /// Q·diag(f(λ))·Qᵀ: the matrix function f(A) for a scalar function of the eigenvalues.
    public func reconstructed(applying f: (Scalar) -> Scalar) -> Matrix<Scalar> {
        // Scale the columns of Q by f(λ), then one gemm.
        let q = eigenvectors
        let n = q.rows
        var scaled = q
        let values = eigenvalues.elements.map(f)
        scaled.elements.withUnsafeMutableBufferPointer { p in
            for i in 0..<n { for j in 0..<n { p[i * n + j] *= values[j] } }
        }
        // Shapes agree by construction.
        var out = Matrix<Scalar>(rows: n, columns: n)
        do { try out.gemm(scaled, .none, q, .transpose) } catch { preconditionFailure("\(error)") }
        return out
    }
}
