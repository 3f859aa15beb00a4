import NGLinearAlgebra

/// Why a statistical model (a generalized linear model or a Gaussian parameterization) could not
/// evaluate its likelihood, derivatives or curvature.
///
/// Every case names the model and the offending argument, so that a caller feeding user data
/// (a CLI reading `.npy` files, an optimizer loop) can report the problem as it stands.
public enum StatisticalModelError: Error, Equatable, CustomStringConvertible, Sendable {
    /// An argument has the wrong shape: `what` names it ("inputs", "parameters", …).
    case shapeMismatch(model: String, what: String, expected: String, actual: String)
    /// A target (label, count, response) outside the model's support, at batch index `index`.
    case invalidTarget(model: String, index: Int, value: String, expected: String)
    /// A NaN or infinite entry in an argument, at the given flat index (row-major for matrices).
    case nonFinite(model: String, what: String, index: Int)
    /// Parameters that do not describe a distribution (a covariance that is not positive
    /// definite, a Cholesky factor with a zero on its diagonal, …).
    case invalidParameters(model: String, reason: String)
    /// The damped curvature F + λI is not positive definite, so the natural-gradient step is undefined.
    case singularCurvature(model: String, damping: Double)
    /// Any other invalid argument (a negative damping, an empty batch, a non-positive variance).
    case invalidArgument(model: String, reason: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(model, what, expected, actual):
            return "\(model): \(what) has the wrong shape: expected \(expected), got \(actual)"
        case let .invalidTarget(model, index, value, expected):
            return "\(model): target \(index) is \(value), expected \(expected)"
        case let .nonFinite(model, what, index):
            return "\(model): \(what) has a NaN or infinite entry at index \(index)"
        case let .invalidParameters(model, reason):
            return "\(model): invalid parameters: \(reason)"
        case let .singularCurvature(model, damping):
            return "\(model): the Fisher information plus \(damping)·I is not positive definite; "
                + "pass a positive damping (or, for softmax regression, the pinned parameterization)"
        case let .invalidArgument(model, reason):
            return "\(model): \(reason)"
        }
    }
}

/// Checks shared by the statistical models, each throwing a ``StatisticalModelError`` that names the model.
enum StatisticalChecks {
    /// Throws unless every entry is finite.
    static func requireFinite<S: DenseStorage>(_ value: S, _ what: String, model: String) throws {
        if let index = value.elements.firstIndex(where: { !$0.isFinite }) {
            throw StatisticalModelError.nonFinite(model: model, what: what, index: index)
        }
    }

    /// Throws unless `damping` is finite and ≥ 0.
    static func requireDamping<Scalar: BLASScalar>(_ damping: Scalar, model: String) throws {
        guard damping.isFinite, damping >= 0 else {
            throw StatisticalModelError.invalidArgument(model: model, reason: "the damping must be finite and ≥ 0, got \(damping)")
        }
    }

    /// (F + λI)⁻¹·g by a Cholesky factorization of F + λI.
    ///
    /// The natural-gradient step of Amari (1998) with Tikhonov damping λ. A matrix that is not
    /// positive definite after damping (a singular Fisher with λ = 0) is reported as
    /// ``StatisticalModelError/singularCurvature(model:damping:)``.
    static func dampedSolve<Scalar: BLASScalar>(
        _ matrix: Matrix<Scalar>, _ vector: Vector<Scalar>, damping: Scalar, model: String
    ) throws -> Vector<Scalar> {
        try requireDamping(damping, model: model)
        do {
            let cholesky = try Cholesky(damping > 0 ? matrix.addingToDiagonal(damping) : matrix)
            return try cholesky.solve(vector)
        } catch LinearAlgebraError.notPositiveDefinite {
            throw StatisticalModelError.singularCurvature(model: model, damping: Double(damping))
        } catch LinearAlgebraError.invalidArgument {
            // NaN or infinite curvature entries (an overflowing Poisson rate, say).
            throw StatisticalModelError.invalidArgument(
                model: model, reason: "the Fisher information has NaN or infinite entries (overflow at these parameters?)")
        }
    }
}
