/// Why a ``ConjugateGradient`` solve stopped.
public enum ConjugateGradientTermination: Sendable, Equatable {
    /// The residual reached the tolerance.
    case converged
    /// The iteration cap was reached first.
    case iterationLimit
    /// A search direction p with pᵀA·p ≤ 0 was met: the operator is not positive definite along
    /// p (an indefinite Hessian, or rounding on a singular Gauss–Newton matrix). The solution is
    /// the last iterate before it; the direction is in
    /// ``ConjugateGradientResult/nonPositiveCurvatureDirection``.
    case nonPositiveCurvature
    /// Martens' relative-progress rule on the quadratic model stopped the solve
    /// (``ConjugateGradientOptions/progressTolerance``).
    case insufficientProgress
}

/// The outcome of a ``ConjugateGradient`` solve of A·x = b.
public struct ConjugateGradientResult<Scalar: BLASScalar>: Sendable {
    /// One stored iterate xᵢ (see ``ConjugateGradientOptions/storedIterates``).
    public struct Iterate: Sendable, Equatable {
        /// The iteration number i (0 is the starting point).
        public var iteration: Int
        /// xᵢ.
        public var point: Vector<Scalar>
    }

    /// The final iterate.
    public var solution: Vector<Scalar>
    /// The number of iterations taken (operator applications after the initial residual).
    public var iterations: Int
    /// Why the solve stopped.
    public var termination: ConjugateGradientTermination
    /// ‖rᵢ‖ = ‖b − A·xᵢ‖ for i = 0…``iterations`` (by the recurrence rᵢ₊₁ = rᵢ − αᵢ·A·pᵢ, which
    /// rounding can make drift from the true residual over many iterations).
    public var residualNorms: [Scalar]
    /// The quadratic model φ(xᵢ) = ½·xᵢᵀA·xᵢ − bᵀxᵢ = −½·xᵢᵀ(rᵢ + b) for i = 0…``iterations``.
    /// CG minimizes φ over growing Krylov spaces, so it is non-increasing (up to rounding).
    public var objectiveValues: [Scalar]
    /// The requested iterates, by increasing iteration.
    public var iterates: [Iterate]
    /// When the solve met non-positive curvature: the direction p with pᵀA·p ≤ 0
    /// (a descent direction of the quadratic model that Steihaug-type methods follow).
    public var nonPositiveCurvatureDirection: Vector<Scalar>?
    /// When the solve met non-positive curvature: the value pᵀA·p along that direction.
    public var nonPositiveCurvature: Scalar?

    /// Whether the residual tolerance was reached.
    public var converged: Bool { termination == .converged }
    /// The last residual norm ‖b − A·x‖ (recurrence value).
    public var residualNorm: Scalar { residualNorms.last ?? 0 }
}
