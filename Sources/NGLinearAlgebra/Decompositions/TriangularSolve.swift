extension Matrix {
    /// Solves op(T)·X = B, with `self` as the triangular T (BLAS trsm); only the named triangle is read.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless T is square with as many rows as B.
    public func solveTriangular(_ b: Matrix, triangle: Triangle, transposing: Bool = false) throws -> Matrix {
        guard isSquare, b.rows == rows else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "trsm", expected: "square T with as many rows as B",
                actual: "T \(shapeDescription), B \(b.shapeDescription)")
        }
        var x = b
        if rows == 0 || b.columns == 0 { return x }
        let ldb = Int32(b.columns)
        elements.withUnsafeBufferPointer { pt in
            x.elements.withUnsafeMutableBufferPointer { px in
                Scalar.trsm(triangle, transposing ? .transpose : .none, Int32(rows), ldb, 1, pt.baseAddress!, Int32(rows), px.baseAddress!, ldb)
            }
        }
        return x
    }

    /// Solves op(T)·x = b for a vector b.
    public func solveTriangular(_ b: Vector<Scalar>, triangle: Triangle, transposing: Bool = false) throws -> Vector<Scalar> {
        Vector(try solveTriangular(b.asColumn, triangle: triangle, transposing: transposing).elements)
    }
}
