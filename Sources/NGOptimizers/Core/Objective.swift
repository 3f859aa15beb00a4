import NGCurvature
import NGLinearAlgebra
import NGModels

/// Which examples an evaluation uses.
public enum Batch: Sendable, Equatable {
    /// Every training example.
    case all
    /// The examples at these indices (a minibatch).
    case examples([Int])
}

/// A training objective that optimizers minimize:
///
///     J(θ) = (1/|B|)·Σ_{i∈B} ℓᵢ(θ) + (λ₂/2)·‖M⊙θ‖²
///
/// over minibatches B, with ℓᵢ the negative log-likelihood of example i and M masking the
/// penalized parameters (weights, not biases). Optimizers see only this protocol and the
/// ``EvaluatedObjective`` it returns, never a layer type (kfac-jax's separation of estimation
/// and update rule): the same optimizer runs on networks, on the GLMs (one-layer networks) and on
/// the test functions of the optimizer table.
public protocol Objective<Scalar>: Sendable {
    associatedtype Scalar: BLASScalar
    associatedtype Point: EvaluatedObjective where Point.Scalar == Scalar

    /// P, the number of parameters.
    var parameterCount: Int { get }
    /// N, the number of training examples (1 for a deterministic test function).
    var exampleCount: Int { get }
    /// The parameterized layers and where their weights and biases lie in θ, in order; empty
    /// for an objective without layer structure (block methods then treat θ as one block).
    var layers: [LayerParameterLayout] { get }

    /// Evaluates J at θ on a batch, keeping what derivatives and curvature products need.
    func evaluate(at parameters: Vector<Scalar>, batch: Batch) throws -> Point
    /// J at θ on a batch, without derivatives (line searches, reduction ratios).
    func loss(at parameters: Vector<Scalar>, batch: Batch) throws -> Scalar
}

/// An objective evaluated at one point on one batch: its value, gradient and curvature.
///
/// Curvature products include the penalty's Hessian λ₂·M; Kronecker factors do not (K-FAC folds
/// the penalty into its damping).
public protocol EvaluatedObjective<Scalar> {
    associatedtype Scalar: BLASScalar

    /// θ.
    var parameters: Vector<Scalar> { get }
    /// J(θ) on the batch.
    var loss: Scalar { get }
    /// ∇J(θ) on the batch.
    var gradient: Vector<Scalar> { get }
    /// The number of examples in the batch.
    var batchSize: Int { get }

    /// C·v for the curvature C of `kind` (plus λ₂·M), without forming C.
    func curvatureProduct(_ kind: CurvatureKind, _ v: Vector<Scalar>, samples: Int, seed: UInt64) throws -> Vector<Scalar>
    /// The P×P curvature of `kind` (plus λ₂·M), for small models.
    func denseCurvature(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> Matrix<Scalar>
    /// The per-example gradients of the loss term, one row each (|B|×P), without the penalty.
    func perExampleGradients() throws -> Matrix<Scalar>
    /// K-FAC's factors per parameterized layer (``KroneckerFactors``), G from the Fisher of `kind`.
    /// - Throws: ``OptimizerError/unsupported(_:)`` for objectives without layer structure.
    func kroneckerFactors(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> [KroneckerFactors<Scalar>]
}

/// Why an optimizer could not proceed.
public enum OptimizerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The optimizer needs something this objective does not provide.
    case unsupported(String)
    /// An invalid hyperparameter or argument.
    case invalidArgument(String)
    /// The loss or the parameters became NaN or infinite.
    case nonFinite(String)

    public var description: String {
        switch self {
        case let .unsupported(message), let .invalidArgument(message), let .nonFinite(message): return message
        }
    }
}
