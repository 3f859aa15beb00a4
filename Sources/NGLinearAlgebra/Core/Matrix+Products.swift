/// Matrix products on BLAS levels 3 and 2: gemm, gemv, syrk, ger.
extension Matrix {
    /// The shape of op(self) for a transpose flag.
    @inlinable func shape(_ op: Transpose) -> (rows: Int, columns: Int) {
        op == .none ? (rows, columns) : (columns, rows)
    }

    /// C ← α·A·B + β·C (BLAS gemm), in place of `self` as C.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` when the shapes do not fit.
    @inlinable
    public mutating func gemm(_ a: Matrix, _ b: Matrix, alpha: Scalar = 1, beta: Scalar = 0) throws {
        try gemm(a, .none, b, .none, alpha: alpha, beta: beta)
    }

    /// C ← α·op(A)·op(B) + β·C (BLAS gemm), in place of `self` as C.
    ///
    /// With β = 0 the old contents of C are not read, so NaN there does not propagate.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` when the shapes do not fit.
    @inlinable
    public mutating func gemm(
        _ a: Matrix, _ transA: Transpose, _ b: Matrix, _ transB: Transpose = .none,
        alpha: Scalar = 1, beta: Scalar = 0
    ) throws {
        let (m, k) = a.shape(transA)
        let (k2, n) = b.shape(transB)
        guard k == k2, rows == m, columns == n else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "gemm", expected: "op(A) m×k, op(B) k×n, C m×n",
                actual: "op(A) \(shapeText(m, k)), op(B) \(shapeText(k2, n)), C \(shapeText(rows, columns))")
        }
        if m == 0 || n == 0 { return }
        if k == 0 {
            // C ← β·C; with β = 0 the old C is not read (BLAS convention), so NaN in it is dropped.
            if beta == 0 { elements.withUnsafeMutableBufferPointer { p in p.update(repeating: 0) } } else { scale(by: beta) }
            return
        }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                elements.withUnsafeMutableBufferPointer { pc in
                    Scalar.gemm(
                        transA, transB, Int32(m), Int32(n), Int32(k), alpha,
                        pa.baseAddress!, Int32(a.columns), pb.baseAddress!, Int32(b.columns),
                        beta, pc.baseAddress!, Int32(n))
                }
            }
        }
    }

    /// op(self)·op(other).
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` when the inner dimensions differ.
    @inlinable
    public func multiplied(
        by other: Matrix, transposingSelf: Bool = false, transposingOther: Bool = false
    ) throws -> Matrix {
        let ta: Transpose = transposingSelf ? .transpose : .none
        let tb: Transpose = transposingOther ? .transpose : .none
        var c = Matrix(rows: shape(ta).rows, columns: other.shape(tb).columns)
        try c.gemm(self, ta, other, tb)
        return c
    }

    /// op(self)·x (BLAS gemv).
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` when `x` has the wrong length.
    @inlinable
    public func multiplied(by x: Vector<Scalar>, transposingSelf: Bool = false) throws -> Vector<Scalar> {
        let op: Transpose = transposingSelf ? .transpose : .none
        let (m, n) = shape(op)
        guard x.count == n else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "gemv", expected: "vector of length \(n) for op(A) \(shapeText(m, n))", actual: "length \(x.count)")
        }
        var y = Vector<Scalar>(count: m)
        if m == 0 || n == 0 { return y }
        elements.withUnsafeBufferPointer { pa in
            x.elements.withUnsafeBufferPointer { px in
                y.elements.withUnsafeMutableBufferPointer { py in
                    Scalar.gemv(op, Int32(rows), Int32(columns), 1, pa.baseAddress!, Int32(columns), px.baseAddress!, 1, 0, py.baseAddress!, 1)
                }
            }
        }
        return y
    }

    /// The Gram matrix α·AᵀA (or α·AAᵀ with `transposing: false`), both triangles filled (BLAS syrk).
    ///
    /// Half the flops of a gemm; the workhorse of Fisher and Kronecker-factor estimates
    /// (A = (1/N)·Σ aaᵀ is `activations.gram(alpha: 1/N)`).
    @inlinable
    public func gram(alpha: Scalar = 1, transposing: Bool = true) -> Matrix {
        let n = transposing ? columns : rows
        let k = transposing ? rows : columns
        var c = Matrix(rows: n, columns: n)
        if n == 0 || k == 0 { return c }
        elements.withUnsafeBufferPointer { pa in
            c.elements.withUnsafeMutableBufferPointer { pc in
                Scalar.syrk(.upper, transposing ? .transpose : .none, Int32(n), Int32(k), alpha, pa.baseAddress!, Int32(columns), 0, pc.baseAddress!, Int32(n))
            }
        }
        c.symmetrize(from: .upper)
        return c
    }

    /// Copies one triangle onto the other so the matrix is exactly symmetric.
    @inlinable
    public mutating func symmetrize(from triangle: Triangle) {
        precondition(isSquare, "symmetrize: matrix is \(shapeText(rows, columns)), not square")
        let n = rows
        elements.withUnsafeMutableBufferPointer { p in
            for i in 0..<n {
                for j in (i + 1)..<Swift.max(i + 1, n) {
                    if triangle == .upper { p[j * n + i] = p[i * n + j] } else { p[i * n + j] = p[j * n + i] }
                }
            }
        }
    }

    /// A ← A + α·x·yᵀ (BLAS ger).
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless x has `rows` and y `columns` entries.
    @inlinable
    public mutating func addOuterProduct(_ x: Vector<Scalar>, _ y: Vector<Scalar>, alpha: Scalar = 1) throws {
        guard x.count == rows, y.count == columns else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "ger", expected: "x of length \(rows), y of length \(columns)", actual: "\(x.count) and \(y.count)")
        }
        if rows == 0 || columns == 0 { return }
        let cols = columns
        x.elements.withUnsafeBufferPointer { px in
            y.elements.withUnsafeBufferPointer { py in
                elements.withUnsafeMutableBufferPointer { pa in
                    Scalar.ger(Int32(rows), Int32(cols), alpha, px.baseAddress!, 1, py.baseAddress!, 1, pa.baseAddress!, Int32(cols))
                }
            }
        }
    }

    /// A·B; traps on a shape mismatch (use ``multiplied(by:transposingSelf:transposingOther:)`` to catch it).
    @inlinable
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
        do { return try lhs.multiplied(by: rhs) } catch { preconditionFailure("\(error)") }
    }

    /// A·x; traps on a shape mismatch (use ``multiplied(by:transposingSelf:)`` to catch it).
    @inlinable
    public static func * (lhs: Matrix, rhs: Vector<Scalar>) -> Vector<Scalar> {
        do { return try lhs.multiplied(by: rhs) } catch { preconditionFailure("\(error)") }
    }
}
