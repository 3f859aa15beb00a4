import NGCurvature
import NGLinearAlgebra
import NGModels

/// An evaluated objective that can give a square root of its Fisher kinds — a matrix S (m×P)
/// with SᵀS equal to the curvature — and the diagonal of its penalty's Hessian.
///
/// This is the scalable path of the diagonal, block-diagonal, low-rank and TONGA approximations:
/// the rows of S are (scaled) per-example gradients — at labels sampled from the model for the
/// Monte-Carlo Fisher, at the true labels for the empirical Fisher, of the output-space Fisher's
/// square-root factors for the exact Fisher — so that diag(SᵀS) costs O(mP), a layer's block
/// O(m·nᵢ²) and a rank-m factor is S itself, with no P×P matrix formed. Objectives whose points
/// do not conform fall back to ``EvaluatedObjective/denseCurvature(_:samples:seed:)`` or to
/// matrix-free products, as each approximation documents.
///
/// ``NetworkPoint`` and ``LeastSquaresPoint`` conform.
public protocol CurvatureSquareRootProviding<Scalar>: EvaluatedObjective {
    /// S with SᵀS the curvature of `kind` **without** the penalty term λ₂·M (see
    /// ``penaltyDiagonal``): rows are per-example gradients scaled by 1/√N (1/√(N·k) for k
    /// Monte-Carlo draws).
    /// - Throws: ``OptimizerError/unsupported(_:)`` for a kind that is not a sum of outer
    ///   products this objective can factor (the Hessian, and for networks the GGN).
    func curvatureSquareRoot(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> Matrix<Scalar>

    /// The diagonal of the penalty's Hessian, λ₂·M (`nil` when there is no penalty): the term
    /// that ``EvaluatedObjective/denseCurvature(_:samples:seed:)`` adds to SᵀS.
    var penaltyDiagonal: Vector<Scalar>? { get }
}

extension NetworkPoint: CurvatureSquareRootProviding {
    /// The stacked per-example gradients of the exact, Monte-Carlo or empirical Fisher
    /// (`CurvatureEstimator.gradientSquareRoot`): K·N rows for the exact Fisher with K
    /// square-root factors, k·N for k Monte-Carlo draws, N for the empirical Fisher.
    /// - Throws: ``OptimizerError/unsupported(_:)`` for the GGN and the Hessian (for the
    ///   canonical-link likelihoods of `NGModels` the GGN equals the exact Fisher: use `.exact`).
    public func curvatureSquareRoot(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> Matrix<Scalar> {
        switch kind {
        case .exact, .monteCarlo, .empirical:
            return try estimator.gradientSquareRoot(kind, samples: samples, seed: seed)
        case .ggn, .hessian:
            throw OptimizerError.unsupported(
                "a network's \(kind.displayName) has no gradient square root here; use the dense curvature or products "
                    + "(for Gaussian, Bernoulli and categorical likelihoods the GGN equals the exact Fisher)")
        }
    }

    public var penaltyDiagonal: Vector<Scalar>? {
        l2 > 0 ? penaltyMask.map { l2 * $0 } : nil
    }
}

extension LeastSquaresPoint: CurvatureSquareRootProviding {
    /// The residual Jacobian J (JᵀJ is every Fisher kind and the GGN of a sum of squares), or
    /// the gradient as one row for the empirical Fisher ∇J∇Jᵀ.
    /// - Throws: ``OptimizerError/unsupported(_:)`` for the Hessian.
    public func curvatureSquareRoot(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> Matrix<Scalar> {
        switch kind {
        case .exact, .monteCarlo, .ggn: return jacobian
        case .empirical: return try Matrix(rows: 1, columns: gradient.count, elements: gradient.elements)
        case .hessian: throw OptimizerError.unsupported("the Hessian of a least-squares objective has no gradient square root")
        }
    }

    public var penaltyDiagonal: Vector<Scalar>? { nil }
}
