import NGLinearAlgebra
import NGRandom

/// Test matrices and naive reference computations shared by the test bundles.
public enum TestMatrices {
    /// An m×n matrix of standard normal entries.
    public static func gaussian<T: BLASScalar>(_ m: Int, _ n: Int, seed: UInt64, as: T.Type = T.self) -> Matrix<T> {
        var rng = SeededGenerator(seed: seed)
        return try! Matrix(rows: m, columns: n, elements: rng.normals(m * n))
    }

    /// A length-n vector of standard normal entries.
    public static func gaussianVector<T: BLASScalar>(_ n: Int, seed: UInt64, as: T.Type = T.self) -> Vector<T> {
        var rng = SeededGenerator(seed: seed)
        return Vector(rng.normals(n))
    }

    /// A symmetric positive-definite n×n matrix with eigenvalues spread over [1, conditionNumber].
    public static func spd<T: BLASScalar>(_ n: Int, conditionNumber: Double = 10, seed: UInt64, as: T.Type = T.self) -> Matrix<T> {
        let q = orthogonal(n, seed: seed, as: T.self)
        let eigenvalues = (0..<n).map { i in
            T(n == 1 ? 1 : Double.pow(conditionNumber, Double(i) / Double(n - 1)))
        }
        return naiveProduct(naiveProduct(q, Matrix(diagonal: Vector(eigenvalues))), q.transposed)
    }

    /// A random orthogonal n×n matrix (Gram–Schmidt on a Gaussian matrix, in Double).
    public static func orthogonal<T: BLASScalar>(_ n: Int, seed: UInt64, as: T.Type = T.self) -> Matrix<T> {
        let g: Matrix<Double> = gaussian(n, n, seed: seed)
        var columns: [[Double]] = []
        for j in 0..<n {
            var v = g.column(j).elements
            for u in columns {
                let projection = zip(u, v).map(*).reduce(0, +)
                for i in 0..<n { v[i] -= projection * u[i] }
            }
            let length = v.map { $0 * $0 }.reduce(0, +).squareRoot()
            columns.append(v.map { $0 / length })
        }
        return Matrix(rows: n, columns: n) { i, j in T(columns[j][i]) }
    }

    /// A·B by the textbook triple loop, accumulated in Double: the oracle for gemm.
    public static func naiveProduct<T: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<T>) -> Matrix<T> {
        precondition(a.columns == b.rows)
        return Matrix(rows: a.rows, columns: b.columns) { i, j in
            var sum = 0.0
            for k in 0..<a.columns { sum += Double(a[i, k]) * Double(b[k, j]) }
            return T(sum)
        }
    }

    /// The largest entrywise difference between two same-shaped matrices.
    public static func maxDifference<T: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<T>) -> Double {
        precondition(a.rows == b.rows && a.columns == b.columns, "maxDifference: \(a.rows)×\(a.columns) vs \(b.rows)×\(b.columns)")
        return zip(a.elements, b.elements).reduce(0.0) { Swift.max($0, Double(Swift.abs($1.0 - $1.1))) }
    }

    /// The largest entrywise difference between two same-length vectors.
    public static func maxDifference<T: BLASScalar>(_ a: Vector<T>, _ b: Vector<T>) -> Double {
        precondition(a.count == b.count, "maxDifference: lengths \(a.count) vs \(b.count)")
        return zip(a.elements, b.elements).reduce(0.0) { Swift.max($0, Double(Swift.abs($1.0 - $1.1))) }
    }

    /// A tolerance for comparisons of results of size about `scale`: a few hundred ulps of the precision.
    public static func tolerance<T: BLASScalar>(_: T.Type, scale: Double = 1) -> Double {
        (T.self == Float.self ? 2e-4 : 1e-10) * Swift.max(scale, 1)
    }
}
