import NGLinearAlgebra

/// Naive reference computations in Double and the error measures that the dense-kernel tests
/// compare against: every check is "BLAS/LAPACK result versus a triple loop or an identity",
/// with a tolerance derived from the standard rounding-error bounds rather than from the output.
public enum DenseOracles {
    /// The machine epsilon of `T` (2⁻²³ for Float, 2⁻⁵² for Double) as a Double.
    public static func epsilon<T: BLASScalar>(_: T.Type) -> Double { Double(T.ulpOfOne) }

    /// The entries converted to Double.
    public static func double<T: BLASScalar>(_ a: Matrix<T>) -> Matrix<Double> { a.converted(to: Double.self) }

    /// |A| entrywise, in Double.
    public static func magnitudes<T: BLASScalar>(_ a: Matrix<T>) -> Matrix<Double> {
        Matrix(rows: a.rows, columns: a.columns) { i, j in Swift.abs(Double(a[i, j])) }
    }

    /// Aᵀ by the textbook loop.
    public static func transposed<T: BLASScalar>(_ a: Matrix<T>) -> Matrix<T> {
        Matrix(rows: a.columns, columns: a.rows) { i, j in a[j, i] }
    }

    /// A·B by the triple loop in Double.
    public static func product(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
        precondition(a.columns == b.rows, "DenseOracles.product: \(a.rows)×\(a.columns) · \(b.rows)×\(b.columns)")
        return Matrix(rows: a.rows, columns: b.columns) { i, j in
            var sum = 0.0
            for k in 0..<a.columns { sum += a[i, k] * b[k, j] }
            return sum
        }
    }

    /// The worst ratio |result − reference| / bound over the entries, where an entry with a zero
    /// bound must match exactly (ratio ∞ otherwise). A kernel meets an error bound c·bound when
    /// this is ≤ c.
    public static func worstRatio<T: BLASScalar>(_ result: Matrix<T>, _ reference: Matrix<Double>, bound: Matrix<Double>) -> Double {
        precondition(result.rows == reference.rows && result.columns == reference.columns, "worstRatio: shapes differ")
        var worst = 0.0
        for index in result.elements.indices {
            let error = Swift.abs(Double(result.elements[index]) - reference.elements[index])
            if error == 0 { continue }
            let b = bound.elements[index]
            worst = Swift.max(worst, b > 0 ? error / b : .infinity)
        }
        return worst
    }

    /// max |Qᵀ·Q − I| (orthonormal columns), computed in Double.
    public static func columnOrthonormalityError<T: BLASScalar>(_ q: Matrix<T>) -> Double {
        let qd = double(q)
        let gram = product(transposed(qd), qd)
        return maxDifference(gram, Matrix<Double>.identity(q.columns))
    }

    /// max |Aᵢⱼ − Bᵢⱼ| in Double.
    public static func maxDifference<T: BLASScalar, U: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<U>) -> Double {
        precondition(a.rows == b.rows && a.columns == b.columns, "maxDifference: \(a.rows)×\(a.columns) vs \(b.rows)×\(b.columns)")
        return zip(a.elements, b.elements).reduce(0.0) { Swift.max($0, Swift.abs(Double($1.0) - Double($1.1))) }
    }

    /// max |Aᵢⱼ|, at least 1e-300 so that it can divide.
    public static func maxMagnitude<T: BLASScalar>(_ a: Matrix<T>) -> Double {
        Swift.max(a.elements.reduce(0.0) { Swift.max($0, Swift.abs(Double($1))) }, 1e-300)
    }

    /// max |A − B| / max |B|: the error relative to the size of the reference.
    public static func relativeDifference<T: BLASScalar, U: BLASScalar>(_ a: Matrix<T>, _ reference: Matrix<U>) -> Double {
        maxDifference(a, reference) / maxMagnitude(reference)
    }

    /// The same matrix with an entry replaced, for tests that poison one value.
    public static func replacing<T: BLASScalar>(_ a: Matrix<T>, at i: Int, _ j: Int, with value: T) -> Matrix<T> {
        var out = a
        out[i, j] = value
        return out
    }

    /// Q·diag(values)·Qᵀ by loops in Double: a symmetric matrix with a chosen spectrum and eigenbasis.
    public static func withSpectrum<T: BLASScalar>(_ values: [Double], basis q: Matrix<T>) -> Matrix<Double> {
        let n = values.count
        precondition(q.rows == n && q.columns == n, "withSpectrum: basis \(q.rows)×\(q.columns) for \(n) values")
        var out = Matrix<Double>(rows: n, columns: n)
        for i in 0..<n {
            for j in i..<n {
                var sum = 0.0
                for k in 0..<n { sum += Double(q[i, k]) * values[k] * Double(q[j, k]) }
                out[i, j] = sum
                out[j, i] = sum  // exactly symmetric
            }
        }
        return out
    }
}
