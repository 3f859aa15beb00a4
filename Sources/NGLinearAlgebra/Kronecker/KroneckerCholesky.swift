/// The Cholesky factorizations of both factors of a Kronecker product A⊗B with SPD factors,
/// computed once and reused for many solves.
///
/// (A⊗B)⁻¹ = A⁻¹⊗B⁻¹, so in the row-major convention of ``KroneckerProduct``
///
///     (A ⊗ B)⁻¹ · vec(X) = vec(A⁻¹ · X · B⁻ᵀ) = vec(A⁻¹ · X · B⁻¹)    (B symmetric),
///
/// four triangular solves per right-hand side, O(mn(m+n)) flops after the O(m³ + n³) factorizations.
/// This is the undamped (or factor-wise damped, see
/// ``KroneckerProduct/factoredTikhonovDamped(_:)``) K-FAC inverse; for A⊗B + λI use
/// ``KroneckerEigenbasis``.
public struct KroneckerCholesky<Scalar: BLASScalar>: Sendable {
    /// The factorization of the left factor A (m×m).
    public let left: Cholesky<Scalar>
    /// The factorization of the right factor B (n×n).
    public let right: Cholesky<Scalar>

    /// Factors both sides of `product`.
    /// - Parameter jitter: relative diagonal shift each factorization may retry with (see ``Cholesky``).
    /// - Throws: ``LinearAlgebraError/notPositiveDefinite(order:jitterTried:)`` when a factor is not SPD,
    ///   ``LinearAlgebraError/invalidArgument(_:)`` when it has NaN or infinite entries.
    public init(_ product: KroneckerProduct<Scalar>, jitter: Scalar? = nil) throws {
        left = try Cholesky(product.left, jitter: jitter)
        right = try Cholesky(product.right, jitter: jitter)
    }

    /// A⁻¹·X·B⁻¹ = (A⊗B)⁻¹·vec(X) reshaped to m×n.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless X is m×n.
    public func solve(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard x.rows == left.order, x.columns == right.order else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "KroneckerCholesky.solve", expected: "an operand of \(shapeText(left.order, right.order))",
                actual: x.shapeDescription)
        }
        // Y = A⁻¹·X, then Y·B⁻¹ = (B⁻¹·Yᵀ)ᵀ since B is symmetric.
        let y = try left.solve(x)
        return try right.solve(y.transposed).transposed
    }

    /// (A⊗B)⁻¹·x for x = vec(X) of length m·n (row-major).
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless x has m·n entries.
    public func solve(_ x: Vector<Scalar>) throws -> Vector<Scalar> {
        let operand = try KroneckerProduct<Scalar>.unvec(x, rows: left.order, columns: right.order, operation: "KroneckerCholesky.solve")
        return Vector(try solve(operand).elements)
    }

    /// log det(A⊗B) = n·log det A + m·log det B.
    public var logDeterminant: Scalar {
        Scalar(right.order) * left.logDeterminant + Scalar(left.order) * right.logDeterminant
    }
}
