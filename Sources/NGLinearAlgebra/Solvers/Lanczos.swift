import NGRandom

/// Settings of a ``Lanczos`` eigensolve.
public struct LanczosOptions<Scalar: BLASScalar>: Sendable {
    /// The largest Krylov dimension m (the number of operator applications); `nil` means
    /// min(n, max(2k + 32, 64)). The m Lanczos vectors are kept (m·n scalars of memory), since
    /// they are reorthogonalized against and combined into the eigenvectors.
    public var maximumDimension: Int?
    /// A pair has converged when its residual estimate is ≤ `tolerance`·max|θ| (max|θ| ≈ ‖A‖);
    /// `nil` means ε^(2/3) of the precision (about 4·10⁻¹¹ in Double, 2·10⁻⁵ in Float).
    public var tolerance: Scalar?
    /// The seed of the Gaussian start vector (and of restarts after an invariant subspace).
    public var seed: UInt64
    /// A start vector to use instead of the random one (nonzero, length n).
    public var startVector: Vector<Scalar>?

    /// Options with the given settings; see the properties for their meaning.
    public init(maximumDimension: Int? = nil, tolerance: Scalar? = nil, seed: UInt64 = 0x4C41_4E43_5A4F_5331, startVector: Vector<Scalar>? = nil) {
        self.maximumDimension = maximumDimension
        self.tolerance = tolerance
        self.seed = seed
        self.startVector = startVector
    }
}

/// A few extreme eigenpairs of a symmetric operator x ↦ A·x by the Lanczos method with full
/// reorthogonalization (Lanczos 1950; Golub & Van Loan, *Matrix Computations*, §10.1–10.3).
///
/// From a unit start vector q₁ the three-term recurrence β_j·q_{j+1} = A·q_j − α_j·q_j − β_{j−1}·q_{j−1}
/// builds an orthonormal basis Q_m of the Krylov space span{q₁, A·q₁, …, A^{m−1}·q₁} in which A
/// is the tridiagonal T_m = tridiag(β, α, β) = Q_mᵀ·A·Q_m. The eigenpairs (θᵢ, sᵢ) of T_m
/// (LAPACK stev) give Ritz pairs (θᵢ, Q_m·sᵢ) whose residual is exactly
/// ‖A·Q_m·sᵢ − θᵢ·Q_m·sᵢ‖ = |β_m|·|e_mᵀsᵢ|, the convergence test. Extreme eigenvalues converge
/// first, at both ends of the spectrum, so the Hessian's most negative curvature is found as
/// readily as its largest.
///
/// In floating point the q_j lose orthogonality as Ritz pairs converge, which produces spurious
/// copies of eigenvalues; here every new vector is orthogonalized against all previous ones
/// (classical Gram–Schmidt twice, two gemv pairs), at O(m·n) per step. There is no restart:
/// memory and work grow with m (see ``LanczosOptions/maximumDimension``). An invariant subspace
/// (β_j ≈ 0) before k pairs are found restarts the recurrence from a fresh random vector
/// orthogonal to the basis.
///
/// Like every single-vector Krylov method it finds one copy of each eigenvalue its start vector
/// reaches: a repeated eigenvalue may be returned fewer times than its multiplicity when the
/// Krylov space becomes invariant first (``RandomizedEigensolver``, a block method, does not
/// have this limitation).
public enum Lanczos {
    /// The k extreme eigenpairs of the symmetric operator `apply` on vectors of length n.
    ///
    /// - Parameters:
    ///   - count: k, with 1 ≤ k ≤ n.
    ///   - dimension: n, the length of the vectors the operator acts on.
    ///   - which: which end of the spectrum; see ``EigenvalueSelection`` for the order returned.
    ///   - options: Krylov dimension cap, tolerance, seed or start vector.
    ///   - apply: x ↦ A·x for a symmetric A; it must return a vector of length n.
    /// - Returns: the pairs and their residual estimates; `converged` is false when the
    ///   dimension cap was reached first (the pairs are then the best available estimates).
    /// - Throws: ``LinearAlgebraError/invalidArgument(_:)`` unless 1 ≤ k ≤ n, k ≤ the dimension cap,
    ///   the tolerance is positive, and the start vector and the operator's values are finite and
    ///   nonzero where needed; ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` for
    ///   vectors of the wrong length; ``LinearAlgebraError/lapackFailure(routine:info:)`` if stev
    ///   fails; and whatever `apply` throws.
    public static func eigenpairs<Scalar: BLASScalar>(
        count k: Int,
        dimension n: Int,
        which: EigenvalueSelection = .largest,
        options: LanczosOptions<Scalar> = .init(),
        applying apply: (Vector<Scalar>) throws -> Vector<Scalar>
    ) throws -> SymmetricEigenpairs<Scalar> {
        guard n >= 1, k >= 1, k <= n else {
            throw LinearAlgebraError.invalidArgument("Lanczos: need 1 ≤ count ≤ dimension, got count \(k) for dimension \(n)")
        }
        let m = Swift.min(n, options.maximumDimension ?? Swift.max(2 * k + 32, 64))
        guard m >= k else {
            throw LinearAlgebraError.invalidArgument("Lanczos: maximumDimension \(m) is smaller than count \(k)")
        }
        let tolerance = options.tolerance ?? Scalar(Double.pow(Double(Scalar.ulpOfOne), 2.0 / 3.0))
        guard tolerance > 0, tolerance.isFinite else {
            throw LinearAlgebraError.invalidArgument("Lanczos: tolerance must be finite and > 0, got \(tolerance)")
        }
        var generator = SeededGenerator(seed: options.seed)
        var q: [Scalar]
        if let start = options.startVector {
            guard start.count == n else {
                throw LinearAlgebraError.shapeMismatch(operation: "Lanczos (start vector)", expected: "length \(n)", actual: start.shapeDescription)
            }
            let length = start.norm
            guard length > 0, length.isFinite else {
                throw LinearAlgebraError.invalidArgument("Lanczos: the start vector must be finite and nonzero, its norm is \(length)")
            }
            q = start.elements
            arrayScale(1 / length, &q)
        } else {
            q = generator.normals(n, as: Scalar.self)
            arrayScale(1 / arrayNorm(q), &q)
        }

        var basis: [Scalar] = []  // the Lanczos vectors, row after row
        basis.reserveCapacity(m * n)
        var alphas: [Scalar] = [], betas: [Scalar] = []  // betas[j] couples q_j and q_{j+1}
        var coefficients = [Scalar](repeating: 0, count: m)
        var normEstimate: Scalar = 0
        var nextCheck = k
        var ritz: RitzPairs<Scalar>?

        for j in 0..<m {
            basis.append(contentsOf: q)
            var w = try apply(Vector(q)).elements
            guard w.count == n else {
                throw LinearAlgebraError.shapeMismatch(operation: "Lanczos (operator)", expected: "length \(n)", actual: "length \(w.count)")
            }
            // Full reorthogonalization; the coefficient on q_j is α_j.
            orthogonalize(&w, against: basis, count: j + 1, coefficients: &coefficients)
            let alpha = coefficients[j]
            let beta = arrayNorm(w)
            guard alpha.isFinite, beta.isFinite else {
                throw LinearAlgebraError.invalidArgument("Lanczos: the operator returned NaN or infinite values at step \(j)")
            }
            alphas.append(alpha)
            normEstimate = Swift.max(normEstimate, Swift.abs(alpha) + beta + (betas.last ?? 0))
            let dimension = j + 1
            // A conservative test: a false "invariant" would drop a coupling, a missed one only
            // continues from a vector of rounding noise, which full reorthogonalization keeps valid.
            let invariant = beta <= 100 * Scalar.ulpOfOne * normEstimate
            let effectiveBeta = invariant ? 0 : beta

            if dimension >= k, invariant || dimension == m || dimension >= nextCheck {
                let pairs = try RitzPairs(alphas: alphas, betas: betas, lastBeta: effectiveBeta, count: k, which: which)
                ritz = pairs
                if pairs.converged(tolerance: tolerance) || dimension == m { break }
                nextCheck = dimension + Swift.max(1, dimension / 8)
            }
            if dimension == m { break }
            if invariant {
                // Restart from a random vector orthogonal to the invariant subspace found so far.
                w = generator.normals(n, as: Scalar.self)
                orthogonalize(&w, against: basis, count: dimension, coefficients: &coefficients)
                let length = arrayNorm(w)
                guard length > 0, length.isFinite else {
                    throw LinearAlgebraError.invalidArgument("Lanczos: could not extend the Krylov basis beyond dimension \(dimension)")
                }
                arrayScale(1 / length, &w)
                betas.append(0)
            } else {
                arrayScale(1 / beta, &w)
                betas.append(beta)
            }
            q = w
        }

        let dimension = alphas.count
        guard let pairs = ritz, pairs.dimension == dimension else {
            preconditionFailure("Lanczos: the Ritz pairs were not computed at the last step")
        }
        // Ritz vectors Y = Q_mᵀ·S (n×k), Q_m stored as m×n rows.
        let lanczosVectors = Matrix(uncheckedRows: dimension, columns: n, elements: basis)
        let vectors = try lanczosVectors.multiplied(by: pairs.selectedVectors, transposingSelf: true)
        return SymmetricEigenpairs(
            eigenvalues: Vector(pairs.selectedValues), eigenvectors: vectors, residualNorms: Vector(pairs.selectedResiduals),
            operatorApplications: dimension, converged: pairs.converged(tolerance: tolerance))
    }
}

/// The selected eigenpairs of the Lanczos tridiagonal T_m, with their residual estimates.
struct RitzPairs<Scalar: BLASScalar> {
    let dimension: Int
    let selectedValues: [Scalar]
    /// The eigenvectors sᵢ of T_m for the selected values, one per column (m×k).
    let selectedVectors: Matrix<Scalar>
    /// |β_m·e_mᵀsᵢ|.
    let selectedResiduals: [Scalar]
    /// max|θ| over all Ritz values, the scale of the convergence test.
    let scale: Scalar

    /// Diagonalizes T_m = tridiag(betas, alphas, betas) by LAPACK stev.
    init(alphas: [Scalar], betas: [Scalar], lastBeta: Scalar, count: Int, which: EigenvalueSelection) throws {
        let m = alphas.count
        precondition(betas.count == m - 1 && count <= m, "RitzPairs: inconsistent sizes")
        var d = alphas
        var e = betas + [0]  // stev wants max(1, m − 1) entries
        var z = [Scalar](repeating: 0, count: m * m)
        let info = d.withUnsafeMutableBufferPointer { pd in
            e.withUnsafeMutableBufferPointer { pe in
                z.withUnsafeMutableBufferPointer { pz in
                    Scalar.stev(.lapack("V"), Int32(m), pd.baseAddress!, pe.baseAddress!, pz.baseAddress!, Int32(m))
                }
            }
        }
        if info != 0 { throw LinearAlgebraError.lapackFailure(routine: "stev", info: Int(info)) }
        // z is column-major: component i of eigenvector c is z[c·m + i].
        let chosen = which.select(count, from: d)
        dimension = m
        selectedValues = chosen.map { d[$0] }
        selectedVectors = Matrix(rows: m, columns: count) { i, c in z[chosen[c] * m + i] }
        selectedResiduals = chosen.map { Swift.abs(lastBeta * z[$0 * m + m - 1]) }
        scale = d.reduce(0) { Swift.max($0, Swift.abs($1)) }
    }

    /// Whether every selected residual is ≤ tolerance·max|θ|.
    func converged(tolerance: Scalar) -> Bool {
        selectedResiduals.allSatisfy { $0 <= tolerance * scale }
    }
}
