/// The Cholesky factorization A = L·Lᵀ of a symmetric positive-definite matrix (LAPACK potrf).
///
/// The direct solver for damped curvature systems (F + λI)·x = g. A matrix that is not positive
/// definite is a thrown ``LinearAlgebraError/notPositiveDefinite(order:jitterTried:)``; with a
/// `jitter`, the factorization is retried once on A + jitter·(mean |Aᵢᵢ|)·I before giving up,
/// the usual remedy for a PSD matrix that rounding has pushed just below zero.
public struct Cholesky<Scalar: BLASScalar>: Sendable {
    /// The lower-triangular factor L (its strict upper triangle is zero).
    public let lower: Matrix<Scalar>
    /// The multiple of I added before the factorization succeeded (0 when none was needed).
    public let addedJitter: Scalar

    /// Factors `matrix`, which must be square; only its lower triangle is read.
    /// - Parameter jitter: diagonal shift to retry with on failure, relative to the mean |Aᵢᵢ|
    ///   (absolute when the diagonal is zero), or `nil` for no retry.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` for a non-square
    ///   matrix, ``LinearAlgebraError/invalidArgument(_:)`` for NaN or infinite entries,
    ///   ``LinearAlgebraError/notPositiveDefinite(order:jitterTried:)`` when it is not SPD.
    public init(_ matrix: Matrix<Scalar>, jitter: Scalar? = nil) throws {
        guard matrix.isSquare else {
            throw LinearAlgebraError.shapeMismatch(operation: "Cholesky", expected: "a square matrix", actual: matrix.shapeDescription)
        }
        // LAPACKE would report NaN as a bare `info < 0`; name the problem instead.
        guard matrix.isFinite else {
            throw LinearAlgebraError.invalidArgument("Cholesky: the matrix has NaN or infinite entries")
        }
        do {
            lower = try Self.factor(matrix)
            addedJitter = 0
        } catch LinearAlgebraError.notPositiveDefinite(let order, _) {
            guard let jitter, jitter > 0 else { throw LinearAlgebraError.notPositiveDefinite(order: order, jitterTried: nil) }
            // Scale by the mean |Aᵢᵢ| (the mean eigenvalue of a PSD matrix). The trace would do for
            // PSD input but can be zero for an indefinite one; a zero diagonal leaves no scale, so
            // the jitter is then absolute.
            let n = matrix.rows
            let meanMagnitude = n == 0 ? 0 : matrix.diagonal.sumOfMagnitudes / Scalar(n)
            let shift = jitter * (meanMagnitude > 0 ? meanMagnitude : 1)
            do {
                lower = try Self.factor(matrix.addingToDiagonal(shift))
                addedJitter = shift
            } catch LinearAlgebraError.notPositiveDefinite(let order, _) {
                throw LinearAlgebraError.notPositiveDefinite(order: order, jitterTried: Double(shift))
            }
        }
    }

    private static func factor(_ matrix: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var a = matrix
        let n = Int32(a.rows)
        if n == 0 { return a }
        // Row-major lower = column-major upper on the same memory.
        let info = a.elements.withUnsafeMutableBufferPointer { p in Scalar.potrf(Triangle.lower.columnMajorLapack, n, p.baseAddress!, n) }
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(order: Int(info), jitterTried: nil) }
        if info < 0 { throw LinearAlgebraError.lapackFailure(routine: "potrf", info: Int(info)) }
        // Clear the strict upper triangle, which potrf leaves untouched.
        a.elements.withUnsafeMutableBufferPointer { p in
            for i in 0..<a.rows { for j in (i + 1)..<Swift.max(i + 1, a.rows) { p[i * a.rows + j] = 0 } }
        }
        return a
    }

    /// The order n of the factored n×n matrix.
    public var order: Int { lower.rows }

    /// Solves A·X = B for X (two triangular solves).
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless B has n rows.
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        let y = try lower.solveTriangular(b, triangle: .lower)
        return try lower.solveTriangular(y, triangle: .lower, transposing: true)
    }

    /// Solves A·x = b for x.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless b has n entries.
    public func solve(_ b: Vector<Scalar>) throws -> Vector<Scalar> {
        Vector(try solve(b.asColumn).elements)
    }

    /// A⁻¹ = L⁻ᵀ·L⁻¹, exactly symmetric.
    ///
    /// One triangular solve for L⁻¹ and one syrk for (L⁻¹)ᵀ·L⁻¹: about n³/3 + n³/3 flops, and the
    /// symmetric product fills both triangles with the same numbers (two solves against I would not).
    public var inverse: Matrix<Scalar> {
        // Cannot fail: the identity has the right number of rows.
        do { return try lower.solveTriangular(Matrix.identity(order), triangle: .lower).gram() } catch { preconditionFailure("\(error)") }
    }

    /// log det A = 2·Σ log Lᵢᵢ.
    public var logDeterminant: Scalar {
        (0..<order).reduce(0) { $0 + 2 * Scalar.log(lower[$1, $1]) }
    }
}
