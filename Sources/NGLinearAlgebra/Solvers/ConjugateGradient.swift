/// The (preconditioned) conjugate-gradient method for A·x = b with A symmetric positive
/// definite and given only as a product x ↦ A·x (Hestenes & Stiefel 1952).
///
/// The operator is a closure — in natural-gradient methods a Fisher-, Gauss–Newton- or
/// Hessian-vector product — so A is never formed. From x₀ (zero or a warm start), with
/// r₀ = b − A·x₀, z₀ = M⁻¹·r₀, p₀ = z₀, each iteration does
///
///     αᵢ = rᵢᵀzᵢ / pᵢᵀA·pᵢ,   xᵢ₊₁ = xᵢ + αᵢ·pᵢ,   rᵢ₊₁ = rᵢ − αᵢ·A·pᵢ,
///     zᵢ₊₁ = M⁻¹·rᵢ₊₁,        βᵢ = rᵢ₊₁ᵀzᵢ₊₁ / rᵢᵀzᵢ,   pᵢ₊₁ = zᵢ₊₁ + βᵢ·pᵢ,
///
/// one operator application per iteration. xᵢ minimizes the quadratic model
/// φ(x) = ½·xᵀA·x − bᵀx (equivalently the A-norm error ‖x − x*‖_A) over x₀ + the Krylov space
/// span{z₀, (M⁻¹A)z₀, …}, so in exact arithmetic CG terminates in at most n iterations, and in
/// at most k when A has k distinct eigenvalues; the error falls at least as fast as
/// 2·((√κ − 1)/(√κ + 1))ⁱ for condition number κ (Golub & Van Loan, §11.3).
///
/// The updates are in place (BLAS axpy and scal on the solver's own buffers); the only
/// allocations inside the loop are the vectors the operator and preconditioner closures
/// return, plus the iterates asked for in ``ConjugateGradientOptions/storedIterates``.
///
/// For Hessian-free optimization (Martens 2010) the result keeps the values φ(xᵢ), optional
/// iterates for backtracking, and stops on non-positive curvature pᵀA·p ≤ 0 instead of
/// dividing by it, returning the offending direction.
public enum ConjugateGradient {
    /// Solves A·x = b for the SPD operator `apply` (x ↦ A·x).
    ///
    /// - Parameters:
    ///   - b: the right-hand side, of length n.
    ///   - options: tolerances, iteration cap, preconditioner, warm start, iterates to keep.
    ///   - apply: the operator; it must return a vector of length n.
    /// - Returns: the solution with the iteration count, termination reason and histories.
    ///   Non-positive curvature is reported in the result (``ConjugateGradientTermination/nonPositiveCurvature``), not thrown.
    /// - Throws: ``LinearAlgebraError/invalidArgument(_:)`` for negative or non-finite
    ///   tolerances, a negative iteration cap, NaN or infinite values in b or coming back from
    ///   the operator, or a preconditioner that is not positive definite (rᵀM⁻¹r ≤ 0);
    ///   ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` when the initial guess or
    ///   a closure's result does not have n entries; and whatever the closures throw.
    public static func solve<Scalar: BLASScalar>(
        _ b: Vector<Scalar>,
        options: ConjugateGradientOptions<Scalar> = .init(),
        applying apply: (Vector<Scalar>) throws -> Vector<Scalar>
    ) throws -> ConjugateGradientResult<Scalar> {
        let n = b.count
        try validate(options, n: n)
        guard b.isFinite else {
            throw LinearAlgebraError.invalidArgument("ConjugateGradient: the right-hand side has NaN or infinite entries")
        }
        let maximumIterations = options.maximumIterations ?? 10 * n
        let threshold = Swift.max(options.relativeTolerance * b.norm, options.absoluteTolerance)
        let storage = options.storedIterates

        // x₀ and r₀ = b − A·x₀.
        var x: [Scalar]
        var r = b.elements
        if let guess = options.initialGuess {
            x = guess.elements
            let product = try checked(apply(guess), n, "the operator")
            arrayAxpy(-1, product.elements, &r)
        } else {
            x = [Scalar](repeating: 0, count: n)
        }
        var residualNorm = arrayNorm(r)
        guard residualNorm.isFinite else {
            throw LinearAlgebraError.invalidArgument("ConjugateGradient: the initial residual b − A·x₀ has NaN or infinite entries")
        }
        var result = ConjugateGradientResult<Scalar>(
            solution: b, iterations: 0, termination: .iterationLimit, residualNorms: [residualNorm],
            objectiveValues: [objective(x, r, b.elements)], iterates: [], nonPositiveCurvatureDirection: nil, nonPositiveCurvature: nil)
        func store(_ iteration: Int) {
            let wanted: Bool
            switch storage {
            case .none: wanted = false
            case .all: wanted = true
            case let .at(set): wanted = set.contains(iteration)
            case let .geometric(ratio): wanted = ConjugateGradientIterateStorage.isGeometric(iteration, ratio: ratio)
            }
            if wanted { result.iterates.append(.init(iteration: iteration, point: Vector(x))) }
        }
        store(0)

        if residualNorm <= threshold {
            result.termination = .converged
        } else if maximumIterations > 0 {
            // z₀ = M⁻¹·r₀ (z aliases r without a preconditioner), p₀ = z₀.
            var rz: Scalar
            var p: [Scalar]
            if let preconditioner = options.preconditioner {
                let z = try checked(preconditioner(Vector(r)), n, "the preconditioner").elements
                rz = try preconditionedProduct(r, z, iteration: 0)
                p = z
            } else {
                rz = residualNorm * residualNorm
                p = r
            }
            var iteration = 0
            while true {
                let product = try checked(apply(Vector(p)), n, "the operator").elements
                let curvature = arrayDot(p, product)
                guard curvature.isFinite else {
                    throw LinearAlgebraError.invalidArgument(
                        "ConjugateGradient: the operator returned NaN or infinite values at iteration \(iteration) (pᵀA·p = \(curvature))")
                }
                if curvature <= 0 {
                    result.termination = .nonPositiveCurvature
                    result.nonPositiveCurvatureDirection = Vector(p)
                    result.nonPositiveCurvature = curvature
                    break
                }
                let alpha = rz / curvature
                arrayAxpy(alpha, p, &x)
                arrayAxpy(-alpha, product, &r)
                iteration += 1
                residualNorm = arrayNorm(r)
                result.residualNorms.append(residualNorm)
                result.objectiveValues.append(objective(x, r, b.elements))
                store(iteration)

                if residualNorm <= threshold {
                    result.termination = .converged
                    break
                }
                if let epsilon = options.progressTolerance, insufficientProgress(result.objectiveValues, epsilon) {
                    result.termination = .insufficientProgress
                    break
                }
                if iteration >= maximumIterations { break }

                // pᵢ₊₁ = zᵢ₊₁ + βᵢ·pᵢ.
                if let preconditioner = options.preconditioner {
                    let z = try checked(preconditioner(Vector(r)), n, "the preconditioner").elements
                    let rzNext = try preconditionedProduct(r, z, iteration: iteration)
                    arrayScale(rzNext / rz, &p)
                    arrayAxpy(1, z, &p)
                    rz = rzNext
                } else {
                    let rzNext = residualNorm * residualNorm
                    arrayScale(rzNext / rz, &p)
                    arrayAxpy(1, r, &p)
                    rz = rzNext
                }
            }
            result.iterations = iteration
        }
        if case .geometric = storage, result.iterates.last?.iteration != result.iterations {
            result.iterates.append(.init(iteration: result.iterations, point: Vector(x)))
        }
        result.solution = Vector(x)
        return result
    }

    // MARK: Helpers

    static func validate<Scalar: BLASScalar>(_ options: ConjugateGradientOptions<Scalar>, n: Int) throws {
        guard options.relativeTolerance >= 0, options.relativeTolerance.isFinite,
            options.absoluteTolerance >= 0, options.absoluteTolerance.isFinite
        else {
            throw LinearAlgebraError.invalidArgument(
                "ConjugateGradient: tolerances must be finite and ≥ 0, got relative \(options.relativeTolerance), absolute \(options.absoluteTolerance)")
        }
        if let cap = options.maximumIterations, cap < 0 {
            throw LinearAlgebraError.invalidArgument("ConjugateGradient: maximumIterations must be ≥ 0, got \(cap)")
        }
        if let epsilon = options.progressTolerance, !(epsilon > 0 && epsilon.isFinite) {
            throw LinearAlgebraError.invalidArgument("ConjugateGradient: progressTolerance must be finite and > 0, got \(epsilon)")
        }
        if let guess = options.initialGuess {
            _ = try checked(guess, n, "the initial guess")
            guard guess.isFinite else {
                throw LinearAlgebraError.invalidArgument("ConjugateGradient: the initial guess has NaN or infinite entries")
            }
        }
        try options.storedIterates.validate()
    }

    /// `v`, after checking that it has n entries.
    static func checked<Scalar: BLASScalar>(_ v: Vector<Scalar>, _ n: Int, _ what: String) throws -> Vector<Scalar> {
        guard v.count == n else {
            throw LinearAlgebraError.shapeMismatch(operation: "ConjugateGradient (\(what))", expected: "length \(n)", actual: v.shapeDescription)
        }
        return v
    }

    /// rᵀz, which must be positive for an SPD preconditioner and a nonzero residual.
    static func preconditionedProduct<Scalar: BLASScalar>(_ r: [Scalar], _ z: [Scalar], iteration: Int) throws -> Scalar {
        let rz = arrayDot(r, z)
        guard rz > 0, rz.isFinite else {
            throw LinearAlgebraError.invalidArgument(
                "ConjugateGradient: the preconditioner is not positive definite (rᵀM⁻¹r = \(rz) at iteration \(iteration))")
        }
        return rz
    }

    /// φ(x) = ½·xᵀA·x − bᵀx = −½·xᵀ(r + b) with r = b − A·x, from two dot products.
    static func objective<Scalar: BLASScalar>(_ x: [Scalar], _ r: [Scalar], _ b: [Scalar]) -> Scalar {
        -(arrayDot(x, r) + arrayDot(x, b)) / 2
    }

    /// Martens' (2010) rule: i > k, φᵢ < 0 and (φᵢ − φᵢ₋ₖ)/φᵢ < k·ε with k = max(10, ⌈i/10⌉).
    static func insufficientProgress<Scalar: BLASScalar>(_ values: [Scalar], _ epsilon: Scalar) -> Bool {
        let i = values.count - 1
        let k = Swift.max(10, (i + 9) / 10)
        guard i > k else { return false }
        let current = values[i]
        guard current < 0 else { return false }
        return (current - values[i - k]) / current < Scalar(k) * epsilon
    }
}
