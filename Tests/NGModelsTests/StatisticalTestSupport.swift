import Foundation
import NGLinearAlgebra
import NGModels
import NGRandom

/// Central finite differences and small naive helpers shared by the GLM and Gaussian tests: the
/// independent oracles that the closed-form derivatives and Fisher matrices are checked against.
enum StatisticalFiniteDifferences {
    /// ∂f/∂xᵢ ≈ (f(x + hᵢeᵢ) − f(x − hᵢeᵢ))/(2hᵢ), hᵢ = step·max(1, |xᵢ|): error O(h²·f''') + O(ε·|f|/h).
    static func gradient(at x: Vector<Double>, step: Double = 1e-5, _ f: (Vector<Double>) throws -> Double) rethrows -> Vector<Double> {
        var out = Vector<Double>(count: x.count)
        for i in 0..<x.count {
            let h = step * max(1, abs(x[i]))
            var plus = x, minus = x
            plus[i] += h
            minus[i] -= h
            out[i] = (try f(plus) - f(minus)) / (2 * h)
        }
        return out
    }

    /// The Jacobian ∂f/∂x (rows: outputs, columns: inputs) by central differences.
    static func jacobian(at x: Vector<Double>, step: Double = 1e-5, _ f: (Vector<Double>) throws -> Vector<Double>) rethrows -> Matrix<Double> {
        let m = try f(x).count
        var out = Matrix<Double>(rows: m, columns: x.count)
        for j in 0..<x.count {
            let h = step * max(1, abs(x[j]))
            var plus = x, minus = x
            plus[j] += h
            minus[j] -= h
            let difference = try f(plus) - f(minus)
            for i in 0..<m { out[i, j] = difference[i] / (2 * h) }
        }
        return out
    }

    /// The Hessian as the Jacobian of a gradient, symmetrized (the two halves differ by O(h²)).
    static func hessian(at x: Vector<Double>, step: Double = 1e-5, gradient: (Vector<Double>) throws -> Vector<Double>) rethrows -> Matrix<Double> {
        let j = try jacobian(at: x, step: step, gradient)
        return Matrix(rows: j.rows, columns: j.columns) { a, b in (j[a, b] + j[b, a]) / 2 }
    }
}

/// Shared fixtures and measures.
enum StatisticalFixtures {
    /// Float and Double, for the generic checks.
    static let precisions: [any BLASScalar.Type] = [Float.self, Double.self]

    /// An N×(features + 1) design matrix of standard normal features scaled by `scale`, with a
    /// trailing ones column (the intercept).
    static func design(rows: Int, features: Int, scale: Double = 1, seed: UInt64) -> Matrix<Double> {
        var rng = SeededGenerator(seed: seed)
        let x = Matrix<Double>(rows: rows, columns: features) { _, _ in scale * rng.normal() }
        return x.appendingInterceptColumn()
    }

    /// `count` standard normal entries scaled by `scale`.
    static func vector(_ count: Int, scale: Double = 1, seed: UInt64) -> Vector<Double> {
        var rng = SeededGenerator(seed: seed)
        return Vector((0..<count).map { _ in scale * rng.normal() })
    }

    /// Row i of a matrix as a 1×d matrix (a batch of one).
    static func rowBatch<T: BLASScalar>(_ m: Matrix<T>, _ i: Int) -> Matrix<T> {
        try! Matrix(rows: 1, columns: m.columns, elements: m.row(i).elements)
    }

    /// max |aᵢ − bᵢ| in Double.
    static func maxDifference<T: BLASScalar, U: BLASScalar>(_ a: Vector<T>, _ b: Vector<U>) -> Double {
        precondition(a.count == b.count, "maxDifference: lengths \(a.count) and \(b.count)")
        return zip(a.elements, b.elements).reduce(0.0) { max($0, abs(Double($1.0) - Double($1.1))) }
    }

    /// max |aᵢⱼ − bᵢⱼ| in Double.
    static func maxDifference<T: BLASScalar, U: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<U>) -> Double {
        precondition(a.rows == b.rows && a.columns == b.columns, "maxDifference: \(a.shapeDescription) and \(b.shapeDescription)")
        return zip(a.elements, b.elements).reduce(0.0) { max($0, abs(Double($1.0) - Double($1.1))) }
    }

    /// max(1, max |aᵢ|): the scale that an absolute error is measured against.
    static func scale<S: DenseStorage>(_ a: S) -> Double { max(1, Double(a.maxMagnitude)) }

    /// θᵀx by a plain loop.
    static func dot(_ theta: [Double], _ x: [Double]) -> Double { zip(theta, x).reduce(0) { $0 + $1.0 * $1.1 } }
}
