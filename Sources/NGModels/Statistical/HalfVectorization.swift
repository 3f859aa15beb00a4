import NGLinearAlgebra

/// The half-vectorization vech of symmetric and lower-triangular d×d matrices: their d(d+1)/2
/// lower-triangle entries (i ≥ j), **row by row** — (0,0), (1,0), (1,1), (2,0), (2,1), (2,2), … —
/// so entry (i, j) sits at position i(i+1)/2 + j (the row-major lower packing).
///
/// A symmetric matrix has d(d+1)/2 free entries, so its parameter vector is vech(Σ), not the d²
/// entries of vec(Σ), which repeat each off-diagonal entry. The duplication matrix D (d² × d(d+1)/2,
/// Magnus & Neudecker, *Matrix Differential Calculus*, 3rd ed., 2019) maps one to the other:
/// vec(Σ) = D·vech(Σ), with vec the row-major flattening. Chain rules follow from it: a function
/// φ(Σ) with symmetric matrix gradient G (dφ = tr(G·dΣ)) has ∂φ/∂vech(Σ) = Dᵀvec(G), i.e. Gᵢⱼ on
/// the diagonal and 2·Gᵢⱼ off it (``weightedLowerTriangle(_:)``).
public enum HalfVectorization {
    /// d(d+1)/2, the number of lower-triangle entries of a d×d matrix.
    public static func count(dimension d: Int) -> Int { d * (d + 1) / 2 }

    /// The position i(i+1)/2 + j of entry (i, j), i ≥ j, in vech.
    public static func index(row i: Int, column j: Int) -> Int {
        precondition(i >= j && j >= 0, "HalfVectorization.index: (\(i), \(j)) is not in the lower triangle")
        return i * (i + 1) / 2 + j
    }

    /// The (row, column) pairs i ≥ j in vech order.
    public static func pairs(dimension d: Int) -> [(row: Int, column: Int)] {
        var out: [(row: Int, column: Int)] = []
        out.reserveCapacity(count(dimension: d))
        for i in 0..<d { for j in 0...i { out.append((i, j)) } }
        return out
    }

    /// vech(A): the lower triangle of a square matrix, row by row (the upper triangle is not read).
    public static func lowerTriangle<Scalar: BLASScalar>(_ matrix: Matrix<Scalar>) -> [Scalar] {
        precondition(matrix.isSquare, "HalfVectorization.lowerTriangle: matrix is \(matrix.shapeDescription), not square")
        let d = matrix.rows
        var out: [Scalar] = []
        out.reserveCapacity(count(dimension: d))
        for i in 0..<d { for j in 0...i { out.append(matrix.elements[i * d + j]) } }
        return out
    }

    /// Dᵀvec(G) for a symmetric G: vech(G) with each off-diagonal entry doubled, the gradient with
    /// respect to vech(Σ) of a function whose symmetric matrix gradient is G.
    public static func weightedLowerTriangle<Scalar: BLASScalar>(_ matrix: Matrix<Scalar>) -> [Scalar] {
        let d = matrix.rows
        var out = lowerTriangle(matrix)
        for i in 0..<d { for j in 0..<i { out[index(row: i, column: j)] *= 2 } }
        return out
    }

    /// The symmetric d×d matrix whose vech is `entries` (both triangles filled, exactly symmetric).
    public static func symmetricMatrix<Scalar: BLASScalar, C: Collection>(_ entries: C, dimension d: Int) -> Matrix<Scalar>
    where C.Element == Scalar {
        precondition(entries.count == count(dimension: d), "HalfVectorization.symmetricMatrix: \(entries.count) entries for d = \(d)")
        var out = Matrix<Scalar>(rows: d, columns: d)
        var position = entries.startIndex
        for i in 0..<d {
            for j in 0...i {
                out.elements[i * d + j] = entries[position]
                out.elements[j * d + i] = entries[position]
                position = entries.index(after: position)
            }
        }
        return out
    }

    /// The lower-triangular d×d matrix whose vech is `entries` (zeros above the diagonal).
    public static func lowerTriangularMatrix<Scalar: BLASScalar, C: Collection>(_ entries: C, dimension d: Int) -> Matrix<Scalar>
    where C.Element == Scalar {
        precondition(entries.count == count(dimension: d), "HalfVectorization.lowerTriangularMatrix: \(entries.count) entries for d = \(d)")
        var out = Matrix<Scalar>(rows: d, columns: d)
        var position = entries.startIndex
        for i in 0..<d {
            for j in 0...i {
                out.elements[i * d + j] = entries[position]
                position = entries.index(after: position)
            }
        }
        return out
    }

    /// The duplication matrix D, d² × d(d+1)/2, with vec(A) = D·vech(A) for every symmetric A
    /// (vec row-major): column (i, j) has ones at rows i·d + j and j·d + i.
    public static func duplicationMatrix<Scalar: BLASScalar>(dimension d: Int, as: Scalar.Type = Scalar.self) -> Matrix<Scalar> {
        var out = Matrix<Scalar>(rows: d * d, columns: count(dimension: d))
        for (position, pair) in pairs(dimension: d).enumerated() {
            out[pair.row * d + pair.column, position] = 1
            out[pair.column * d + pair.row, position] = 1
        }
        return out
    }
}
