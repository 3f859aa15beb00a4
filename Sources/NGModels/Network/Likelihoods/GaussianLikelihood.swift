import NGLinearAlgebra
import NGRandom

/// A Gaussian with unit variance around the outputs, y ~ N(z, I): squared-error regression.
///
///     ℓ(z, y) = ½‖z − y‖²           (the NLL without its constant (out/2)·log 2π)
///     ∇_z ℓ = z − y,      ∇²_z ℓ = I,      F_z = E[(z − y)(z − y)ᵀ] = Cov(y) = I
///
/// The square-root factors are the unit vectors: B_r has e_r in every row (K = out).
public struct GaussianLikelihood<Scalar: BLASScalar>: Likelihood {
    public init() {}

    public var kind: LikelihoodKind { .gaussian }

    public func negativeLogLikelihoods(outputs: Matrix<Scalar>, targets: Matrix<Scalar>) throws -> Vector<Scalar> {
        try checkSameShape(outputs, targets, "targets")
        let columns = outputs.columns
        var losses = Vector<Scalar>(count: outputs.rows)
        for i in 0..<outputs.rows {
            var sum: Scalar = 0
            for j in 0..<columns {
                let residual = outputs.elements[i * columns + j] - targets.elements[i * columns + j]
                sum += residual * residual
            }
            losses[i] = sum / 2
        }
        return losses
    }

    public func outputGradients(outputs: Matrix<Scalar>, targets: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkSameShape(outputs, targets, "targets")
        return outputs - targets
    }

    /// yᵢ = zᵢ + εᵢ with εᵢ ~ N(0, I).
    public func sampleTargets(outputs: Matrix<Scalar>, generator: inout SeededGenerator) -> Matrix<Scalar> {
        outputs.map { $0 + Scalar(generator.normal()) }
    }

    public func fisherMatrix(output: Vector<Scalar>) -> Matrix<Scalar> { .identity(output.count) }

    public func fisherProducts(outputs: Matrix<Scalar>, _ directions: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkSameShape(outputs, directions, "Fisher product directions")
        return directions
    }

    public func fisherSquareRootFactors(outputs: Matrix<Scalar>) -> [Matrix<Scalar>] {
        (0..<outputs.columns).map { r in
            Matrix(rows: outputs.rows, columns: outputs.columns) { _, j in j == r ? 1 : 0 }
        }
    }

    public func hessianMatrix(output: Vector<Scalar>, target: Vector<Scalar>) -> Matrix<Scalar> { .identity(output.count) }

    public func hessianProducts(outputs: Matrix<Scalar>, targets: Matrix<Scalar>, _ directions: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkSameShape(outputs, targets, "targets")
        return try fisherProducts(outputs: outputs, directions)
    }

    public func validate(targets: Matrix<Scalar>, outputCount: Int) throws {
        try validateShapeAndFiniteness(targets, outputCount: outputCount)
    }
}
