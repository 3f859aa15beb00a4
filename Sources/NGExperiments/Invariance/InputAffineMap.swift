import Foundation
import NGLinearAlgebra
import NGModels
import NGRandom

/// An invertible affine change of a network's input coordinates, x′ = T·x + b, and the matching
/// change of its first layer's parameters so that the network computes the same function:
///
///     s = W·x + c = W′·x′ + c′   ⇔   W′ = W·T⁻¹,   c′ = c − W′·b
///
/// (the inverse: W = W′·T, c = c′ + W′·b). Training on standardized instead of raw features, or
/// on whitened ones, is such a reparameterization. It is linear and invertible in θ, and an
/// affine map of the first layer's inputs — one that K-FAC is invariant to (Martens & Grosse
/// 2015, §10), unlike gradient descent.
///
/// T = diag(s)·L with L unit lower triangular, so that T⁻¹ = L⁻¹·diag(1/s) needs only a
/// triangular solve.
public struct InputAffineMap: Sendable {
    /// T, d×d.
    public let matrix: Matrix<Double>
    /// T⁻¹, d×d.
    public let inverse: Matrix<Double>
    /// b, length d.
    public let shift: Vector<Double>

    /// A random map: s log-uniform in [1/scaleRange, scaleRange], L's strict lower triangle
    /// N(0, mixing²/d), b ~ N(0, 1).
    /// - Throws: `LinearAlgebraError` (not expected: L is unit triangular).
    public init(dimension d: Int, scaleRange: Double, mixing: Double, generator: inout SeededGenerator) throws {
        let logRange = log(scaleRange)
        let scales = (0..<d).map { _ in exp((2 * generator.uniform() - 1) * logRange) }
        var lower = Matrix<Double>.identity(d)
        for i in 0..<d { for j in 0..<i { lower[i, j] = mixing * generator.normal() / Double(d).squareRoot() } }
        matrix = Matrix(rows: d, columns: d) { i, j in scales[i] * lower[i, j] }
        // T⁻¹ = L⁻¹·diag(1/s): solve L·X = diag(1/s).
        inverse = try lower.solveTriangular(Matrix(diagonal: Vector(scales.map { 1 / $0 })), triangle: .lower)
        shift = Vector((0..<d).map { _ in generator.normal() })
    }

    /// x′ = T·x + b for every row x of `inputs`.
    /// - Throws: `LinearAlgebraError` for inputs with another number of columns.
    public func transform(_ inputs: Matrix<Double>) throws -> Matrix<Double> {
        var out = try inputs.multiplied(by: matrix, transposingOther: true)
        let d = shift.count
        for i in 0..<out.rows { for j in 0..<d { out.elements[i * d + j] += shift[j] } }
        return out
    }

    /// θ′ from θ: W′ = W·T⁻¹, c′ = c − W′·b on the first layer, every other parameter unchanged.
    public func transformedParameters(_ theta: Vector<Double>, firstLayer layout: LayerParameterLayout) -> Vector<Double> {
        mapFirstLayer(theta, layout: layout) { w, c in
            let wPrime = Self.product(w, inverse)
            return (wPrime, c.indices.map { o in c[o] - (0..<shift.count).reduce(0) { $0 + wPrime[o][$1] * shift[$1] } })
        }
    }

    /// θ from θ′: W = W′·T, c = c′ + W′·b.
    public func originalParameters(_ thetaPrime: Vector<Double>, firstLayer layout: LayerParameterLayout) -> Vector<Double> {
        mapFirstLayer(thetaPrime, layout: layout) { wPrime, cPrime in
            (Self.product(wPrime, matrix), cPrime.indices.map { o in cPrime[o] + (0..<shift.count).reduce(0) { $0 + wPrime[o][$1] * shift[$1] } })
        }
    }

    /// Applies `map` to the first layer's (W, c) read from θ in its flat order (W row-major, then c).
    func mapFirstLayer(
        _ theta: Vector<Double>, layout: LayerParameterLayout, _ map: ([[Double]], [Double]) -> ([[Double]], [Double])
    ) -> Vector<Double> {
        precondition(layout.columns == shift.count, "InputAffineMap: the first layer has \(layout.columns) inputs, the map \(shift.count)")
        let w = (0..<layout.rows).map { o in (0..<layout.columns).map { j in theta[layout.flatIndex(row: o, column: j)] } }
        let c = (0..<layout.rows).map { o in theta[layout.flatIndex(row: o, column: layout.columns)] }
        let (newW, newC) = map(w, c)
        var out = theta
        for o in 0..<layout.rows {
            for j in 0..<layout.columns { out[layout.flatIndex(row: o, column: j)] = newW[o][j] }
            out[layout.flatIndex(row: o, column: layout.columns)] = newC[o]
        }
        return out
    }

    /// The rows of W times M (small: d ≤ a few dozen).
    static func product(_ w: [[Double]], _ m: Matrix<Double>) -> [[Double]] {
        w.map { row in (0..<m.columns).map { j in (0..<m.rows).reduce(0) { $0 + row[$1] * m[$1, j] } } }
    }
}
