import NGLinearAlgebra
import NGModels

/// An approximation F̃ of a curvature matrix (Fisher, GGN, Hessian) that answers damped solves
/// (F̃ + λI)⁻¹·v — the preconditioner of natural-gradient descent.
///
/// The life cycle separates the costs that optimizers schedule independently (Martens & Grosse
/// 2015, §8): ``updateStatistics(at:layers:decay:)`` folds the curvature seen at the current
/// point into running averages (every T₁ steps); ``updateInverse(damping:)`` refactors for a
/// damping λ (every T₂ steps, or when λ changes); ``solve(_:)`` and ``multiply(_:)`` are then
/// cheap and called every step. ``denseMatrix()`` is the test oracle on small models, and
/// ``memoryBytes`` what the approximation holds.
public protocol CurvatureApproximation<Scalar> {
    associatedtype Scalar: BLASScalar

    /// A short name for reports ("kfac", "diagonal", "low-rank:20").
    var name: String { get }

    /// Folds the curvature at `point` into the statistics: S ← decay·S + (1 − decay)·S(point),
    /// or S ← S(point) when there are no statistics yet (or decay = 0).
    mutating func updateStatistics<P: EvaluatedObjective>(at point: P, layers: [LayerParameterLayout], decay: Scalar) throws
    where P.Scalar == Scalar

    /// Prepares solves with (F̃ + λI) for this damping λ ≥ 0 (factorizations, eigenbases, inverses).
    mutating func updateInverse(damping: Scalar) throws

    /// (F̃ + λI)⁻¹·v with the λ of the last ``updateInverse(damping:)``.
    func solve(_ v: Vector<Scalar>) throws -> Vector<Scalar>

    /// F̃·v (undamped), for quadratic models and reduction ratios.
    func multiply(_ v: Vector<Scalar>) throws -> Vector<Scalar>

    /// The P×P matrix F̃ (undamped), for tests on small models.
    func denseMatrix() throws -> Matrix<Scalar>

    /// Bytes held by statistics and inverses.
    var memoryBytes: Int { get }
}
