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
    ///
    /// The result is exactly symmetric (both triangles hold the same numbers), as the
    /// preconditioners built from it are assumed to be.
    public func reconstructed(applying f: (Scalar) -> Scalar) -> Matrix<Scalar> {
        reconstructed(withEigenvalues: eigenvalues.elements.map(f))
    }

    /// Q·diag(values)·Qᵀ for one value per eigenvector.
    ///
    /// When every value is ≥ 0 this is B·Bᵀ with B = Q·diag(√values), one syrk at half the flops
    /// of a gemm; otherwise (Q·diag(values))·Qᵀ by gemm, with the upper triangle copied onto the
    /// lower so that the result is exactly symmetric either way.
    func reconstructed(withEigenvalues values: [Scalar]) -> Matrix<Scalar> {
        let n = eigenvectors.rows
        precondition(values.count == n, "reconstructed: \(values.count) values for \(n) eigenvectors")
        let nonNegative = values.allSatisfy { $0 >= 0 }
        var scaled = eigenvectors
        let columnFactors = nonNegative ? values.map { $0.squareRoot() } : values
        scaled.elements.withUnsafeMutableBufferPointer { p in
            columnFactors.withUnsafeBufferPointer { d in
                for i in 0..<n { for j in 0..<n { p[i * n + j] *= d[j] } }
            }
        }
        if nonNegative { return scaled.gram(transposing: false) }
        var out = Matrix<Scalar>(rows: n, columns: n)
        // Shapes agree by construction.
        do { try out.gemm(scaled, .none, eigenvectors, .transpose) } catch { preconditionFailure("\(error)") }
        out.symmetrize(from: .upper)
        return out
    }
}
