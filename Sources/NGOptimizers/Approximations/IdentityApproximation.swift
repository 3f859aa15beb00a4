import NGLinearAlgebra
import NGModels

/// F̃ = I: the trivial curvature, under which natural-gradient descent is gradient descent.
///
/// (F̃ + λI)⁻¹·v = v/(1 + λ), returned unchanged for λ = 0, so that
/// `NaturalGradientDescent<IdentityApproximation>` with zero damping takes exactly the steps of
/// SGD (the test that ties the second-order machinery to the first-order baseline). It holds no
/// statistics; the parameter count is learned from the first point.
public struct IdentityApproximation<Scalar: BLASScalar>: CurvatureApproximation {
    public var name: String { "identity" }
    /// P, once a point has been seen.
    public private(set) var parameterCount: Int?
    /// The λ of the last ``updateInverse(damping:)``.
    public private(set) var damping: Scalar = 0

    public init() {}

    public mutating func updateStatistics<P: EvaluatedObjective>(at point: P, layers: [LayerParameterLayout], decay: Scalar) throws
    where P.Scalar == Scalar {
        try CurvatureStatistics.validate(decay: decay, name)
        parameterCount = point.parameters.count
    }

    public mutating func updateInverse(damping: Scalar) throws {
        try CurvatureStatistics.validate(damping: damping, name)
        self.damping = damping
    }

    public func solve(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        if let parameterCount { try CurvatureStatistics.validate(v, count: parameterCount, name) }
        return damping == 0 ? v : v.map { $0 / (1 + damping) }
    }

    public func multiply(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        if let parameterCount { try CurvatureStatistics.validate(v, count: parameterCount, name) }
        return v
    }

    /// I (P×P).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` before the first statistics update (P unknown).
    public func denseMatrix() throws -> Matrix<Scalar> {
        guard let parameterCount else { throw CurvatureStatistics.noStatistics(name) }
        return .identity(parameterCount)
    }

    public var memoryBytes: Int { 0 }
}
