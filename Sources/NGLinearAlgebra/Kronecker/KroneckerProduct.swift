/// The Kronecker product A⊗B of two square matrices, kept as its two factors and never formed.
///
/// ## Vectorization convention (row-major, as PyTorch flattens parameters)
///
/// For an m×n matrix X, `vec(X)` is its **row-major** flattening — entry (i, j) at position
/// i·n + j, which is exactly `X.elements` and the order in which PyTorch flattens a weight of
/// shape (out, in). With that convention
///
///     (A ⊗ B) · vec(X) = vec(A · X · Bᵀ),      A m×m acting on the rows of X,
///                                               B n×n acting on its columns,
///
/// and (A⊗B) is mn×mn with entry (i·n + j, k·n + l) = A[i, k]·B[j, l]. (The column-major
/// identity of the textbooks, (B⊗A)·vec_col(X) = vec_col(A·X·Bᵀ), is the same statement with
/// the factor order swapped.)
///
/// K-FAC (Martens & Grosse 2015) approximates the Fisher block of a dense layer with weight W of
/// shape (out, in) by **G ⊗ A** in this convention: `left` = G, the out×out second moment of the
/// back-propagated output gradients, and `right` = A, the in×in second moment of the layer's
/// inputs. The natural-gradient step for that block is then the out×in matrix G⁻¹·∇W·A⁻¹.
///
/// Products cost two gemms, O(mn(m+n)) flops, against O(m²n²) for the explicit mn×mn matrix;
/// solves factor each side once (O(m³ + n³)). For damped inverses (A⊗B + λI)⁻¹, which do not
/// factor, use ``KroneckerEigenbasis``.
public struct KroneckerProduct<Scalar: BLASScalar>: Equatable, Sendable {
    /// The left factor A (m×m), acting on the rows of X.
    public let left: Matrix<Scalar>
    /// The right factor B (n×n), acting on the columns of X.
    public let right: Matrix<Scalar>

    /// The product `left ⊗ right`.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless both factors are square.
    public init(_ left: Matrix<Scalar>, _ right: Matrix<Scalar>) throws {
        guard left.isSquare, right.isSquare else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "KroneckerProduct", expected: "square factors",
                actual: "left \(left.shapeDescription), right \(right.shapeDescription)")
        }
        self.left = left
        self.right = right
    }

    /// The shape (m, n) of the matrices X the product acts on: m = `left.rows`, n = `right.rows`.
    public var operandShape: (rows: Int, columns: Int) { (left.rows, right.rows) }

    /// The order m·n of the (never formed) Kronecker matrix.
    public var order: Int { left.rows * right.rows }

    /// (A⊗B)ᵀ = Aᵀ⊗Bᵀ.
    public var transposed: KroneckerProduct {
        // Square factors stay square.
        do { return try KroneckerProduct(left.transposed, right.transposed) } catch { preconditionFailure("\(error)") }
    }

    /// tr(A⊗B) = tr(A)·tr(B).
    public var trace: Scalar { left.trace * right.trace }

    /// The explicit mn×mn matrix A⊗B, entry (i·n + j, k·n + l) = A[i, k]·B[j, l].
    ///
    /// Memory grows as (mn)²: meant as a test oracle and for small layers only.
    public var dense: Matrix<Scalar> {
        let m = left.rows, n = right.rows, order = m * n
        var out = Matrix<Scalar>(rows: order, columns: order)
        left.elements.withUnsafeBufferPointer { a in
            right.elements.withUnsafeBufferPointer { b in
                out.elements.withUnsafeMutableBufferPointer { d in
                    for i in 0..<m {
                        for k in 0..<m {
                            let aik = a[i * m + k]
                            for j in 0..<n {
                                let rowStart = (i * n + j) * order + k * n
                                for l in 0..<n { d[rowStart + l] = aik * b[j * n + l] }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// A·X·Bᵀ, that is (A⊗B)·vec(X) reshaped to m×n.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless X is m×n.
    public func multiply(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkOperand(x, "KroneckerProduct.multiply")
        return try left.multiplied(by: x).multiplied(by: right, transposingOther: true)
    }

    /// (A⊗B)·x for x = vec(X) of length m·n (row-major, see the type's documentation).
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless x has m·n entries.
    public func multiply(_ x: Vector<Scalar>) throws -> Vector<Scalar> {
        let operand = try Self.unvec(x, rows: left.rows, columns: right.rows, operation: "KroneckerProduct.multiply")
        return Vector(try multiply(operand).elements)
    }

    /// (A⊗B)⁻¹·vec(X) = vec(A⁻¹·X·B⁻ᵀ), for symmetric positive-definite factors, by Cholesky.
    ///
    /// Factors both sides on every call; keep a ``KroneckerCholesky`` to reuse the factorizations
    /// for many right-hand sides.
    /// - Parameter jitter: relative diagonal shift each factor's Cholesky may retry with (see ``Cholesky``).
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless X is m×n,
    ///   ``LinearAlgebraError/notPositiveDefinite(order:jitterTried:)`` when a factor is not SPD.
    public func solve(_ x: Matrix<Scalar>, jitter: Scalar? = nil) throws -> Matrix<Scalar> {
        try checkOperand(x, "KroneckerProduct.solve")
        return try KroneckerCholesky(self, jitter: jitter).solve(x)
    }

    /// (A⊗B)⁻¹·x for x = vec(X), SPD factors; see ``solve(_:jitter:)``.
    public func solve(_ x: Vector<Scalar>, jitter: Scalar? = nil) throws -> Vector<Scalar> {
        let operand = try Self.unvec(x, rows: left.rows, columns: right.rows, operation: "KroneckerProduct.solve")
        return Vector(try solve(operand, jitter: jitter).elements)
    }

    /// (A⊗B + λI)⁻¹·vec(X) through the factors' eigendecompositions (see ``KroneckerEigenbasis``).
    ///
    /// Decomposes both factors on every call; keep the ``KroneckerEigenbasis`` to reuse them.
    /// - Throws: as ``KroneckerEigenbasis/solveDamped(_:damping:)``.
    public func solveDamped(_ x: Matrix<Scalar>, damping: Scalar) throws -> Matrix<Scalar> {
        try checkOperand(x, "KroneckerProduct.solveDamped")
        return try KroneckerEigenbasis(self).solveDamped(x, damping: damping)
    }

    /// The factor eigendecompositions, for damped and EKFAC solves (see ``KroneckerEigenbasis``).
    /// - Throws: ``LinearAlgebraError`` when a factor has NaN entries or syevd fails.
    public func eigenbasis() throws -> KroneckerEigenbasis<Scalar> { try KroneckerEigenbasis(self) }

    /// Factored Tikhonov damping (Martens & Grosse 2015, §6.3): (A + π·√λ·I) ⊗ (B + (√λ/π)·I).
    ///
    /// A⊗B + λI does not factor; this Kronecker product approximates it, adding the cross term
    /// √λ·(π·I⊗B + (1/π)·A⊗I) as well. The trace-norm choice π = √((tr A / m) / (tr B / n))
    /// balances the two factors; π = 1 is used when either mean trace is not positive.
    /// - Throws: ``LinearAlgebraError/invalidArgument(_:)`` unless λ is finite and ≥ 0.
    public func factoredTikhonovDamped(_ damping: Scalar) throws -> KroneckerProduct {
        guard damping.isFinite, damping >= 0 else {
            throw LinearAlgebraError.invalidArgument("KroneckerProduct.factoredTikhonovDamped: damping must be finite and ≥ 0, got \(damping)")
        }
        let meanLeft = left.rows == 0 ? 0 : left.trace / Scalar(left.rows)
        let meanRight = right.rows == 0 ? 0 : right.trace / Scalar(right.rows)
        var pi: Scalar = 1
        if meanLeft > 0, meanRight > 0, meanLeft.isFinite, meanRight.isFinite {
            pi = (meanLeft / meanRight).squareRoot()
        }
        let root = damping.squareRoot()
        return try KroneckerProduct(left.addingToDiagonal(pi * root), right.addingToDiagonal(root / pi))
    }

    // MARK: Shapes

    /// Throws unless `x` is m×n.
    func checkOperand(_ x: Matrix<Scalar>, _ operation: String) throws {
        guard x.rows == left.rows, x.columns == right.rows else {
            throw LinearAlgebraError.shapeMismatch(
                operation: operation,
                expected: "an operand of \(shapeText(left.rows, right.rows)) (left factor \(left.shapeDescription), right \(right.shapeDescription))",
                actual: x.shapeDescription)
        }
    }

    /// The m×n matrix whose row-major flattening is `x`.
    static func unvec(_ x: Vector<Scalar>, rows: Int, columns: Int, operation: String) throws -> Matrix<Scalar> {
        guard x.count == rows * columns else {
            throw LinearAlgebraError.shapeMismatch(
                operation: operation, expected: "a vector of length \(rows)·\(columns) = \(rows * columns)", actual: x.shapeDescription)
        }
        return Matrix(uncheckedRows: rows, columns: columns, elements: x.elements)
    }
}
