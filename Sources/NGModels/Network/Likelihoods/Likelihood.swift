import NGLinearAlgebra
import NGRandom

/// An output distribution p(y | z) turning network outputs z into a negative log-likelihood,
/// with everything curvature needs in output space.
///
/// Batches: outputs Z and targets Y are both N×out matrices (row i is example i; categorical
/// labels are one-hot rows, see ``CategoricalLikelihood/oneHot(labels:classCount:)``). The loss of
/// example i is ℓᵢ = −log p(yᵢ | zᵢ), its gradient ∇_z ℓᵢ, and its **output-space Fisher**
///
///     F_z(zᵢ) = E_{y ~ p(·|zᵢ)}[∇_z ℓ(zᵢ, y) · ∇_z ℓ(zᵢ, y)ᵀ],
///
/// which the parameter-space Fisher pulls back through the Jacobian: F = (1/N)·Σᵢ Jᵢᵀ·F_z(zᵢ)·Jᵢ.
/// The three likelihoods here use canonical links, for which F_z(z) also equals the Hessian
/// ∇²_z ℓ(z, y), whatever y — so the exact Fisher equals the generalized Gauss-Newton matrix.
///
/// ## Square-root factors
/// ``fisherSquareRootFactors(outputs:)`` returns K matrices B₁ … B_K, each N×out, with
///
///     F_z(zᵢ) = Σ_r b_{r,i} · b_{r,i}ᵀ         (b_{r,i} = row i of B_r),
///
/// i.e. F_z(zᵢ) = Bᵢᵀ·Bᵢ for the K×out matrix Bᵢ stacking the b_{r,i}. Back-propagating each B_r
/// as output gradients gives the exact Fisher without sampling, F = (1/N)·Σ_r Σᵢ (Jᵢᵀ b_{r,i})(Jᵢᵀ b_{r,i})ᵀ
/// (per-example gradients of B_r), and K-FAC's exact G factor (1/N)·Σ_r g_rᵀ g_r from the records.
public protocol Likelihood<Scalar>: Sendable, CustomStringConvertible {
    associatedtype Scalar: BLASScalar

    /// Which likelihood this is (and its CLI names).
    var kind: LikelihoodKind { get }

    /// ℓᵢ = −log p(yᵢ | zᵢ) for each example (N entries).
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` unless Z and Y have the same shape.
    func negativeLogLikelihoods(outputs: Matrix<Scalar>, targets: Matrix<Scalar>) throws -> Vector<Scalar>

    /// ∇_z ℓ(zᵢ, yᵢ) in row i, N×out (per example, not divided by N).
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` unless Z and Y have the same shape.
    func outputGradients(outputs: Matrix<Scalar>, targets: Matrix<Scalar>) throws -> Matrix<Scalar>

    /// The mean loss L = (1/N)·Σᵢ ℓᵢ and the scaled output gradients α·∇_z ℓ(zᵢ, yᵢ) (row i) in
    /// one pass over the outputs: a training step's loss and the start of its backward pass
    /// (α = 1/N gives the gradient of L). A default implementation combines
    /// ``negativeLogLikelihoods(outputs:targets:)`` and ``outputGradients(outputs:targets:)``;
    /// likelihoods override it with one fused loop.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` unless Z and Y have the same shape.
    func lossAndOutputGradients(outputs: Matrix<Scalar>, targets: Matrix<Scalar>, gradientScale: Scalar) throws
        -> (meanLoss: Scalar, outputGradients: Matrix<Scalar>)

    /// One draw yᵢ ~ p(· | zᵢ) per example, N×out (for the Monte-Carlo Fisher).
    func sampleTargets(outputs: Matrix<Scalar>, generator: inout SeededGenerator) -> Matrix<Scalar>

    /// F_z(z) for one example's output z (out×out), in closed form.
    func fisherMatrix(output: Vector<Scalar>) -> Matrix<Scalar>

    /// F_z(zᵢ)·uᵢ in row i, for a batch of output-space vectors U (N×out).
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` unless U has Z's shape.
    func fisherProducts(outputs: Matrix<Scalar>, _ directions: Matrix<Scalar>) throws -> Matrix<Scalar>

    /// Square-root factors B₁ … B_K (each N×out) with F_z(zᵢ) = Σ_r b_{r,i}·b_{r,i}ᵀ (see the type's documentation).
    func fisherSquareRootFactors(outputs: Matrix<Scalar>) -> [Matrix<Scalar>]

    /// ∇²_z ℓ(z, y) for one example (out×out), in closed form.
    func hessianMatrix(output: Vector<Scalar>, target: Vector<Scalar>) -> Matrix<Scalar>

    /// ∇²_z ℓ(zᵢ, yᵢ)·uᵢ in row i (N×out): the loss's part of an exact Hessian-vector product.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` unless the shapes agree.
    func hessianProducts(outputs: Matrix<Scalar>, targets: Matrix<Scalar>, _ directions: Matrix<Scalar>) throws -> Matrix<Scalar>

    /// Checks target values (finite; in [0, 1] for Bernoulli; non-negative rows summing to 1 for
    /// categorical) and that they have `outputCount` columns — for targets read from files.
    /// - Throws: ``NetworkError/invalidConfiguration(_:)`` naming the first bad example.
    func validate(targets: Matrix<Scalar>, outputCount: Int) throws
}

extension Likelihood {
    public var description: String { kind.rawValue }

    /// L = (1/N)·Σᵢ ℓᵢ, the mean negative log-likelihood.
    /// - Throws: ``NetworkError/shapeMismatch(operation:expected:actual:)`` unless Z and Y have the same shape.
    public func meanNegativeLogLikelihood(outputs: Matrix<Scalar>, targets: Matrix<Scalar>) throws -> Scalar {
        let losses = try negativeLogLikelihoods(outputs: outputs, targets: targets)
        return losses.elements.reduce(0, +) / Scalar(Swift.max(losses.count, 1))
    }

    public func lossAndOutputGradients(outputs: Matrix<Scalar>, targets: Matrix<Scalar>, gradientScale: Scalar) throws
        -> (meanLoss: Scalar, outputGradients: Matrix<Scalar>) {
        let loss = try meanNegativeLogLikelihood(outputs: outputs, targets: targets)
        var gradients = try outputGradients(outputs: outputs, targets: targets)
        if gradientScale != 1 { gradients.scale(by: gradientScale) }
        return (loss, gradients)
    }

    /// F_z(zᵢ) for every example of a batch.
    public func fisherMatrices(outputs: Matrix<Scalar>) -> [Matrix<Scalar>] {
        (0..<outputs.rows).map { fisherMatrix(output: outputs.row($0)) }
    }

    /// Throws unless `other` has the shape of `outputs`.
    func checkSameShape(_ outputs: Matrix<Scalar>, _ other: Matrix<Scalar>, _ operation: String) throws {
        guard outputs.rows == other.rows, outputs.columns == other.columns else {
            throw NetworkError.shapeMismatch(
                operation: "\(kind.rawValue) likelihood: \(operation)", expected: "\(outputs.shapeDescription) like the outputs",
                actual: other.shapeDescription)
        }
    }

    /// Throws unless the targets have `outputCount` columns and finite entries.
    func validateShapeAndFiniteness(_ targets: Matrix<Scalar>, outputCount: Int) throws {
        guard targets.columns == outputCount else {
            throw NetworkError.shapeMismatch(
                operation: "\(kind.rawValue) targets", expected: "\(outputCount) columns (one per network output)", actual: targets.shapeDescription)
        }
        if let bad = targets.elements.firstIndex(where: { !$0.isFinite }) {
            throw NetworkError.invalidConfiguration("\(kind.rawValue) targets: example \(bad / Swift.max(outputCount, 1)) has a non-finite value")
        }
    }
}
