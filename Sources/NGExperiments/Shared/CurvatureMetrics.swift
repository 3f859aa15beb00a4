import Foundation
import NGLinearAlgebra

/// The comparisons the curvature experiments report between matrices and between directions,
/// each a few lines and each tested against a naive loop.
public enum CurvatureMetrics {
    /// ‖A − B‖_F / ‖B‖_F: the relative Frobenius difference of A from the reference B (0 when
    /// both are zero, ∞ when only B is), accumulated in Double.
    /// - Precondition: A and B have the same shape.
    public static func relativeFrobeniusDifference<Scalar: BLASScalar>(_ a: Matrix<Scalar>, from b: Matrix<Scalar>) -> Double {
        precondition(a.rows == b.rows && a.columns == b.columns, "relativeFrobeniusDifference: \(a.shapeDescription) vs \(b.shapeDescription)")
        var difference = 0.0, reference = 0.0
        a.elements.withUnsafeBufferPointer { x in
            b.elements.withUnsafeBufferPointer { y in
                for k in x.indices {
                    let (u, v) = (Double(x[k]), Double(y[k]))
                    difference += (u - v) * (u - v)
                    reference += v * v
                }
            }
        }
        if reference == 0 { return difference == 0 ? 0 : .infinity }
        return (difference / reference).squareRoot()
    }

    /// uᵀv / (‖u‖·‖v‖), the cosine of the angle between two directions (NaN when either is
    /// zero), accumulated in Double.
    /// - Precondition: u and v have the same length.
    public static func cosine<Scalar: BLASScalar>(_ u: Vector<Scalar>, _ v: Vector<Scalar>) -> Double {
        precondition(u.count == v.count, "cosine: lengths \(u.count) and \(v.count)")
        var dot = 0.0, uu = 0.0, vv = 0.0
        for k in 0..<u.count {
            let (a, b) = (Double(u[k]), Double(v[k]))
            dot += a * b
            uu += a * a
            vv += b * b
        }
        guard uu > 0, vv > 0 else { return .nan }
        return dot / (uu.squareRoot() * vv.squareRoot())
    }

    /// Σ_b ‖M[b, b]‖²_F / ‖M‖²_F: the share of a matrix's squared Frobenius mass that lies in the
    /// diagonal blocks `blocks` (the layer blocks that block-diagonal approximations such as
    /// K-FAC keep). In [0, 1] for disjoint blocks; 1 when one block covers every index; NaN for a
    /// zero matrix.
    /// - Precondition: M is square and the blocks lie inside it.
    public static func blockMassShare(_ matrix: Matrix<Double>, blocks: [Range<Int>]) -> Double {
        precondition(matrix.isSquare, "blockMassShare: the matrix is \(matrix.shapeDescription)")
        let n = matrix.rows
        precondition(blocks.allSatisfy { $0.lowerBound >= 0 && $0.upperBound <= n }, "blockMassShare: a block lies outside 0..<\(n)")
        var total = 0.0, inside = 0.0
        matrix.elements.withUnsafeBufferPointer { m in
            for value in m { total += value * value }
            for block in blocks {
                for i in block {
                    for j in block { inside += m[i * n + j] * m[i * n + j] }
                }
            }
        }
        return total > 0 ? inside / total : .nan
    }

    /// The eigenvalues of a symmetric matrix in ascending order (LAPACK syevd on its lower triangle).
    /// - Throws: `LinearAlgebraError` for a non-square or non-finite matrix or a failed eigensolver.
    public static func spectrum(_ matrix: Matrix<Double>) throws -> [Double] {
        try SymmetricEigendecomposition(matrix).eigenvalues.elements
    }

    /// |M| averaged over `cell`×`cell` tiles (the last tiles may be smaller): a heatmap of a
    /// large matrix at a size a page can draw, preserving where the mass lies.
    /// - Precondition: `cell` ≥ 1.
    public static func pooledMagnitudes(_ matrix: Matrix<Double>, cell: Int) -> [[Double]] {
        precondition(cell >= 1, "pooledMagnitudes: the cell size must be at least 1")
        let (rows, columns) = (matrix.rows, matrix.columns)
        let tileRows = (rows + cell - 1) / cell, tileColumns = (columns + cell - 1) / cell
        var sums = [[Double]](repeating: [Double](repeating: 0, count: tileColumns), count: tileRows)
        var counts = sums
        for i in 0..<rows {
            for j in 0..<columns {
                sums[i / cell][j / cell] += Swift.abs(matrix.elements[i * columns + j])
                counts[i / cell][j / cell] += 1
            }
        }
        return zip(sums, counts).map { zip($0, $1).map { $0 / $1 } }
    }
}
