/// The eigendecompositions of both factors of a symmetric Kronecker product A⊗B, computed once
/// and reused for damped solves, powers and EKFAC rescalings.
///
/// With A = Qa·Λa·Qaᵀ (m×m) and B = Qb·Λb·Qbᵀ (n×n), A⊗B = (Qa⊗Qb)·(Λa⊗Λb)·(Qa⊗Qb)ᵀ: its
/// eigenvectors are qa_i ⊗ qb_j with eigenvalues λa_i·λb_j. In the row-major convention of
/// ``KroneckerProduct`` ((A⊗B)·vec(X) = vec(A·X·Bᵀ)) a function of the damped matrix applies as
///
///     f(A ⊗ B + λI) · vec(X) = vec( Qa · [ (Qaᵀ·X·Qb) ⊙ f(λa·λbᵀ + λ) ] · Qbᵀ ),
///
/// where ⊙ is the entrywise product and λa·λbᵀ the m×n matrix of products (``eigenvalues``).
/// For f(t) = 1/t this is the damped inverse (A⊗B + λI)⁻¹ that does not factor: four gemms
/// per right-hand side, O(mn(m+n)), after the O(m³ + n³) decompositions. K-FAC recomputes the
/// decompositions every T steps and solves every step, so they are held here.
///
/// EKFAC (George et al. 2018) keeps the Kronecker eigenbasis Qa⊗Qb but replaces the diagonal
/// λa·λbᵀ by running second moments of the gradients expressed in that basis; the
/// `eigenbasisDiagonal:` methods take such an m×n diagonal in place of ``eigenvalues``.
/// (Clamping the factor eigenvalues at zero is also done that way:
/// `eigenbasisDiagonal: eigenvalues.map { max($0, 0) }`.)
public struct KroneckerEigenbasis<Scalar: BLASScalar>: Sendable {
    /// The eigendecomposition of the left factor A (m×m).
    public let left: SymmetricEigendecomposition<Scalar>
    /// The eigendecomposition of the right factor B (n×n).
    public let right: SymmetricEigendecomposition<Scalar>

    /// A basis from existing factor decompositions.
    public init(left: SymmetricEigendecomposition<Scalar>, right: SymmetricEigendecomposition<Scalar>) {
        self.left = left
        self.right = right
    }

    /// Decomposes both (symmetric) factors of `product`; only their lower triangles are read.
    /// - Throws: ``LinearAlgebraError/invalidArgument(_:)`` for NaN or infinite entries,
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` if syevd does not converge.
    public init(_ product: KroneckerProduct<Scalar>) throws {
        left = try SymmetricEigendecomposition(product.left)
        right = try SymmetricEigendecomposition(product.right)
    }

    /// The shape (m, n) of the matrices X the product acts on.
    public var operandShape: (rows: Int, columns: Int) { (left.eigenvalues.count, right.eigenvalues.count) }

    /// The eigenvalues of A⊗B as an m×n matrix: entry (i, j) = λa_i·λb_j, belonging to the
    /// eigenvector qa_i ⊗ qb_j (the rank-one matrix qa_i·qb_jᵀ in operand form).
    public var eigenvalues: Matrix<Scalar> {
        let a = left.eigenvalues.elements, b = right.eigenvalues.elements
        return Matrix(rows: a.count, columns: b.count) { i, j in a[i] * b[j] }
    }

    /// Qaᵀ·X·Qb: the coordinates of vec(X) in the eigenbasis Qa⊗Qb, as an m×n matrix.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless X is m×n.
    public func toEigenbasis(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkOperand(x, "KroneckerEigenbasis.toEigenbasis")
        return try left.eigenvectors.multiplied(by: x, transposingSelf: true).multiplied(by: right.eigenvectors)
    }

    /// Qa·C·Qbᵀ: back from eigenbasis coordinates to an m×n operand (inverse of ``toEigenbasis(_:)``).
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless C is m×n.
    public func fromEigenbasis(_ coordinates: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkOperand(coordinates, "KroneckerEigenbasis.fromEigenbasis")
        return try left.eigenvectors.multiplied(by: coordinates).multiplied(by: right.eigenvectors, transposingOther: true)
    }

    // MARK: Operations on m×n operands

    /// (A⊗B + λI)·vec(X), reshaped to m×n, through the eigenbasis.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless X is m×n,
    ///   ``LinearAlgebraError/invalidArgument(_:)`` unless λ is finite and ≥ 0.
    public func multiply(_ x: Matrix<Scalar>, damping: Scalar = 0) throws -> Matrix<Scalar> {
        try apply(x, diagonal: nil, exponent: 1, damping: damping, operation: "KroneckerEigenbasis.multiply")
    }

    /// (A⊗B + λI)⁻¹·vec(X) = vec(Qa·[(Qaᵀ·X·Qb) ⊘ (λa·λbᵀ + λ)]·Qbᵀ), reshaped to m×n.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless X is m×n,
    ///   ``LinearAlgebraError/invalidArgument(_:)`` unless λ is finite and ≥ 0 and every
    ///   λa_i·λb_j + λ is positive (the damped matrix is positive definite).
    public func solveDamped(_ x: Matrix<Scalar>, damping: Scalar) throws -> Matrix<Scalar> {
        try apply(x, diagonal: nil, exponent: -1, damping: damping, operation: "KroneckerEigenbasis.solveDamped")
    }

    /// (A⊗B + λI)^p·vec(X), reshaped to m×n: p = −1 is the damped inverse, p = −1/2 the inverse root.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless X is m×n,
    ///   ``LinearAlgebraError/invalidArgument(_:)`` unless λ ≥ 0 and p are finite and, when p is
    ///   not a positive integer, every λa_i·λb_j + λ is positive.
    public func power(_ x: Matrix<Scalar>, exponent: Scalar, damping: Scalar = 0) throws -> Matrix<Scalar> {
        try apply(x, diagonal: nil, exponent: exponent, damping: damping, operation: "KroneckerEigenbasis.power")
    }

    /// Qa·[(Qaᵀ·X·Qb) ⊘ (D + λ)]·Qbᵀ with an m×n eigenbasis diagonal D in place of λa·λbᵀ (EKFAC).
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless X and D
    ///   are m×n, ``LinearAlgebraError/invalidArgument(_:)`` unless λ is finite and ≥ 0 and every
    ///   D_ij + λ is positive.
    public func solve(_ x: Matrix<Scalar>, eigenbasisDiagonal: Matrix<Scalar>, damping: Scalar) throws -> Matrix<Scalar> {
        try apply(x, diagonal: eigenbasisDiagonal, exponent: -1, damping: damping, operation: "KroneckerEigenbasis.solve(eigenbasisDiagonal:)")
    }

    /// Qa·[(Qaᵀ·X·Qb) ⊙ (D + λ)]·Qbᵀ: the product with the EKFAC matrix of eigenbasis diagonal D.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless X and D are
    ///   m×n, ``LinearAlgebraError/invalidArgument(_:)`` unless λ is finite and ≥ 0.
    public func multiply(_ x: Matrix<Scalar>, eigenbasisDiagonal: Matrix<Scalar>, damping: Scalar = 0) throws -> Matrix<Scalar> {
        try apply(x, diagonal: eigenbasisDiagonal, exponent: 1, damping: damping, operation: "KroneckerEigenbasis.multiply(eigenbasisDiagonal:)")
    }

    /// Qa·[(Qaᵀ·X·Qb) ⊙ (D + λ)^p]·Qbᵀ with an m×n eigenbasis diagonal D.
    /// - Throws: as ``power(_:exponent:damping:)``, with D_ij in place of λa_i·λb_j.
    public func power(_ x: Matrix<Scalar>, eigenbasisDiagonal: Matrix<Scalar>, exponent: Scalar, damping: Scalar = 0) throws -> Matrix<Scalar> {
        try apply(x, diagonal: eigenbasisDiagonal, exponent: exponent, damping: damping, operation: "KroneckerEigenbasis.power(eigenbasisDiagonal:)")
    }

    // MARK: Operations on vec(X)

    /// (A⊗B + λI)·x for x = vec(X) of length m·n (row-major).
    public func multiply(_ x: Vector<Scalar>, damping: Scalar = 0) throws -> Vector<Scalar> {
        try onVector(x, "KroneckerEigenbasis.multiply") { try multiply($0, damping: damping) }
    }

    /// (A⊗B + λI)⁻¹·x for x = vec(X) of length m·n (row-major).
    public func solveDamped(_ x: Vector<Scalar>, damping: Scalar) throws -> Vector<Scalar> {
        try onVector(x, "KroneckerEigenbasis.solveDamped") { try solveDamped($0, damping: damping) }
    }

    /// (A⊗B + λI)^p·x for x = vec(X) of length m·n (row-major).
    public func power(_ x: Vector<Scalar>, exponent: Scalar, damping: Scalar = 0) throws -> Vector<Scalar> {
        try onVector(x, "KroneckerEigenbasis.power") { try power($0, exponent: exponent, damping: damping) }
    }

    /// The EKFAC solve of ``solve(_:eigenbasisDiagonal:damping:)`` for x = vec(X).
    public func solve(_ x: Vector<Scalar>, eigenbasisDiagonal: Matrix<Scalar>, damping: Scalar) throws -> Vector<Scalar> {
        try onVector(x, "KroneckerEigenbasis.solve(eigenbasisDiagonal:)") {
            try solve($0, eigenbasisDiagonal: eigenbasisDiagonal, damping: damping)
        }
    }

    /// The EKFAC product of ``multiply(_:eigenbasisDiagonal:damping:)`` for x = vec(X).
    public func multiply(_ x: Vector<Scalar>, eigenbasisDiagonal: Matrix<Scalar>, damping: Scalar = 0) throws -> Vector<Scalar> {
        try onVector(x, "KroneckerEigenbasis.multiply(eigenbasisDiagonal:)") {
            try multiply($0, eigenbasisDiagonal: eigenbasisDiagonal, damping: damping)
        }
    }

    // MARK: Implementation

    /// Qa·[(Qaᵀ·X·Qb) ⊙ (D + λ)^p]·Qbᵀ, D = λa·λbᵀ when `diagonal` is nil.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func apply(_ x: Matrix<Scalar>, diagonal: Matrix<Scalar>?, exponent: Scalar, damping: Scalar, operation: String) throws -> Matrix<Scalar> {
        try checkOperand(x, operation)
        guard damping.isFinite, damping >= 0 else {
            throw LinearAlgebraError.invalidArgument("\(operation): damping must be finite and ≥ 0, got \(damping)")
        }
        guard exponent.isFinite else {
            throw LinearAlgebraError.invalidArgument("\(operation): exponent must be finite, got \(exponent)")
        }
        let (m, n) = operandShape
        let scales = diagonal ?? eigenvalues
        guard scales.rows == m, scales.columns == n else {
            throw LinearAlgebraError.shapeMismatch(
                operation: operation, expected: "an eigenbasis diagonal of \(shapeText(m, n))", actual: scales.shapeDescription)
        }
        // A positive integer power is defined for any value; others need a positive base.
        let needsPositive = !(exponent >= 1 && exponent == exponent.rounded())
        var coordinates = try left.eigenvectors.multiplied(by: x, transposingSelf: true).multiplied(by: right.eigenvectors)
        var bad: (index: Int, value: Scalar)?
        coordinates.elements.withUnsafeMutableBufferPointer { c in
            scales.elements.withUnsafeBufferPointer { d in
                for index in 0..<c.count {
                    let value = d[index] + damping
                    if needsPositive, !(value > 0) {
                        bad = (index, value)
                        return
                    }
                    if exponent == 1 {
                        c[index] *= value
                    } else if exponent == -1 {
                        c[index] /= value
                    } else {
                        c[index] *= Scalar.pow(value, exponent)
                    }
                }
            }
        }
        if let bad {
            let what = diagonal == nil ? "λa_\(bad.index / n)·λb_\(bad.index % n)" : "eigenbasis diagonal entry (\(bad.index / n), \(bad.index % n))"
            throw LinearAlgebraError.invalidArgument(
                "\(operation): \(what) + damping = \(bad.value) is not positive, so the damped matrix is not positive definite (raise the damping)")
        }
        return try left.eigenvectors.multiplied(by: coordinates).multiplied(by: right.eigenvectors, transposingOther: true)
    }

    func checkOperand(_ x: Matrix<Scalar>, _ operation: String) throws {
        let (m, n) = operandShape
        guard x.rows == m, x.columns == n else {
            throw LinearAlgebraError.shapeMismatch(operation: operation, expected: "an operand of \(shapeText(m, n))", actual: x.shapeDescription)
        }
    }

    func onVector(_ x: Vector<Scalar>, _ operation: String, _ body: (Matrix<Scalar>) throws -> Matrix<Scalar>) throws -> Vector<Scalar> {
        let (m, n) = operandShape
        let operand = try KroneckerProduct<Scalar>.unvec(x, rows: m, columns: n, operation: operation)
        return Vector(try body(operand).elements)
    }
}
