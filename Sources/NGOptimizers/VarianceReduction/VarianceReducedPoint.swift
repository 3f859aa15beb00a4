import NGCurvature
import NGLinearAlgebra

/// A ``VarianceReducedObjective`` evaluated at θ on a batch: the wrapped objective's point with
/// the gradient replaced by SVRG's estimate ĝ_B = ∇J_B(θ) − ∇J_B(θ̃) + ∇J(θ̃) and the loss by
/// the matching Ĵ_B(θ) (see ``VarianceReducedObjective``).
///
/// Everything else — curvature products, dense curvature, per-example gradients and Kronecker
/// factors — is the wrapped point's, at θ on the same batch.
public struct VarianceReducedPoint<Base: EvaluatedObjective>: EvaluatedObjective {
    public typealias Scalar = Base.Scalar
    /// The wrapped objective's point at θ (whose `loss` and `gradient` are the plain minibatch ones).
    public let base: Base
    /// Ĵ_B(θ), the variance-reduced loss estimate.
    public let loss: Scalar
    /// ĝ_B(θ), the variance-reduced gradient estimate.
    public let gradient: Vector<Scalar>

    public var parameters: Vector<Scalar> { base.parameters }
    public var batchSize: Int { base.batchSize }

    public func curvatureProduct(_ kind: CurvatureKind, _ v: Vector<Scalar>, samples: Int, seed: UInt64) throws -> Vector<Scalar> {
        try base.curvatureProduct(kind, v, samples: samples, seed: seed)
    }

    public func denseCurvature(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> Matrix<Scalar> {
        try base.denseCurvature(kind, samples: samples, seed: seed)
    }

    public func perExampleGradients() throws -> Matrix<Scalar> {
        try base.perExampleGradients()
    }

    public func kroneckerFactors(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> [KroneckerFactors<Scalar>] {
        try base.kroneckerFactors(kind, samples: samples, seed: seed)
    }
}
