import NGCurvature
import NGLinearAlgebra
import NGModels

/// A deterministic sum of squares J(θ) = ½·‖r(θ)‖², given the residuals r, their Jacobian and
/// (optionally) the exact Hessian of J.
///
/// The test functions of the optimizer table are of this form — a parabola ½·Σ aᵢ(θᵢ − cᵢ)² with
/// r = √a⊙(θ − c), and Rosenbrock ½·[(1 − x)² + 100·(y − x²)²] with r = (1 − x, 10·(y − x²)) —
/// and so is nonlinear least squares in general. The Fisher kinds and the GGN are all JᵀJ (a
/// Gaussian likelihood with unit variance); the Hessian is JᵀJ + Σₖ rₖ∇²rₖ. There is one
/// "example", so the empirical Fisher is the gradient's outer product ∇J∇Jᵀ; Kronecker factors
/// are unavailable (no layers).
public struct LeastSquaresObjective<Scalar: BLASScalar>: Objective {
    public let parameterCount: Int
    public var exampleCount: Int { 1 }
    public var layers: [LayerParameterLayout] { [] }
    let residuals: @Sendable (Vector<Scalar>) -> Vector<Scalar>
    let jacobian: @Sendable (Vector<Scalar>) -> Matrix<Scalar>
    let hessian: (@Sendable (Vector<Scalar>) -> Matrix<Scalar>)?

    /// - Parameters:
    ///   - parameterCount: P.
    ///   - residuals: θ ↦ r(θ) ∈ ℝᵐ.
    ///   - jacobian: θ ↦ ∂r/∂θ, m×P.
    ///   - hessian: θ ↦ ∇²J(θ), P×P; when nil the GGN is used for the Hessian too.
    public init(
        parameterCount: Int, residuals: @escaping @Sendable (Vector<Scalar>) -> Vector<Scalar>,
        jacobian: @escaping @Sendable (Vector<Scalar>) -> Matrix<Scalar>, hessian: (@Sendable (Vector<Scalar>) -> Matrix<Scalar>)? = nil
    ) {
        self.parameterCount = parameterCount
        self.residuals = residuals
        self.jacobian = jacobian
        self.hessian = hessian
    }

    /// The parabola ½·Σ aᵢ(θᵢ − cᵢ)², minimum 0 at c; the Hessian is diag(a).
    public static func parabola(curvatures a: [Scalar], minimum c: [Scalar]) -> LeastSquaresObjective {
        precondition(a.count == c.count && a.allSatisfy { $0 > 0 }, "parabola: need positive curvatures, one per coordinate")
        let roots = a.map { $0.squareRoot() }
        return LeastSquaresObjective(
            parameterCount: a.count,
            residuals: { theta in Vector((0..<roots.count).map { roots[$0] * (theta[$0] - c[$0]) }) },
            jacobian: { _ in Matrix(diagonal: Vector(roots)) },
            hessian: { _ in Matrix(diagonal: Vector(a)) })
    }

    /// Rosenbrock's function ½·[(1 − x)² + 100·(y − x²)²], minimum 0 at (1, 1).
    public static var rosenbrock: LeastSquaresObjective {
        LeastSquaresObjective(
            parameterCount: 2,
            residuals: { t in Vector([1 - t[0], 10 * (t[1] - t[0] * t[0])]) },
            jacobian: { t in try! Matrix([[-1, 0], [-20 * t[0], 10]]) },
            hessian: { t in
                // JᵀJ + r₂·∇²r₂ with ∇²r₂ = [[−20, 0], [0, 0]].
                let r2 = 10 * (t[1] - t[0] * t[0])
                return try! Matrix([[1 + 400 * t[0] * t[0] - 20 * r2, -200 * t[0]], [-200 * t[0], 100]])
            })
    }

    public func evaluate(at parameters: Vector<Scalar>, batch: Batch) throws -> LeastSquaresPoint<Scalar> {
        guard parameters.count == parameterCount else {
            throw OptimizerError.invalidArgument("LeastSquaresObjective: \(parameters.count) parameters given, \(parameterCount) expected")
        }
        let r = residuals(parameters)
        let j = jacobian(parameters)
        return LeastSquaresPoint(
            parameters: parameters, loss: r.norm * r.norm / 2, gradient: try j.multiplied(by: r, transposingSelf: true),
            jacobian: j, hessian: hessian?(parameters))
    }

    public func loss(at parameters: Vector<Scalar>, batch: Batch) throws -> Scalar {
        let r = residuals(parameters)
        return r.norm * r.norm / 2
    }
}

/// A least-squares objective evaluated at θ.
public struct LeastSquaresPoint<Scalar: BLASScalar>: EvaluatedObjective {
    public let parameters: Vector<Scalar>
    public let loss: Scalar
    public let gradient: Vector<Scalar>
    public var batchSize: Int { 1 }
    /// ∂r/∂θ at θ.
    public let jacobian: Matrix<Scalar>
    let hessian: Matrix<Scalar>?

    public func curvatureProduct(_ kind: CurvatureKind, _ v: Vector<Scalar>, samples: Int, seed: UInt64) throws -> Vector<Scalar> {
        try denseCurvature(kind, samples: samples, seed: seed).multiplied(by: v)
    }

    public func denseCurvature(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> Matrix<Scalar> {
        switch kind {
        case .hessian: return hessian ?? jacobian.gram()
        case .empirical:
            var outer = Matrix<Scalar>(rows: gradient.count, columns: gradient.count)
            try outer.addOuterProduct(gradient, gradient)
            return outer
        case .exact, .monteCarlo, .ggn: return jacobian.gram()
        }
    }

    public func perExampleGradients() throws -> Matrix<Scalar> {
        try Matrix(rows: 1, columns: gradient.count, elements: gradient.elements)
    }

    public func kroneckerFactors(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> [KroneckerFactors<Scalar>] {
        throw OptimizerError.unsupported("Kronecker factors need a network's layers; a least-squares objective has none")
    }
}
