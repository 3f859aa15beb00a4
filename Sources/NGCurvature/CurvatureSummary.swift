import NGLinearAlgebra
import NGRandom

/// Summary statistics of a symmetric curvature matrix: trace, extreme eigenvalues, condition
/// number — from a dense matrix (all eigenvalues, LAPACK syevd) or matrix-free from an operator
/// (trace exactly from P products or by Hutchinson's estimator; extreme eigenvalues by Lanczos).
///
/// Values are stored as `Double` whatever the computation's precision, and the type is
/// `Codable` for `natgrad fisher --json`.
///
/// ## Condition number and rank
/// Eigenvalues below τ = n·ε·max|λ| in magnitude (ε of the computation's precision, the rule of
/// NumPy's `matrix_rank`) count as zero. Then
/// - ``conditionNumber`` = λ_max / λ_min when λ_min > τ (the matrix is numerically positive
///   definite), and `nil` when it is singular or indefinite — rather than ∞, which JSON cannot
///   hold;
/// - ``rangeConditionNumber`` = λ_max / (the smallest eigenvalue > τ): the condition number on
///   the range of the matrix, finite for the singular Fishers of over-parameterized models (a
///   batch of N examples with `out` outputs gives a Fisher of rank at most N·out), `nil` when
///   no eigenvalue exceeds τ.
/// Matrix-free, only the extreme eigenvalues are known: `rangeConditionNumber` and
/// ``numericalRank`` are `nil`, and the threshold is widened by the Lanczos residual of λ_min.
public struct CurvatureSummary: Codable, Sendable, Equatable {
    /// n, the order of the matrix (P for a parameter-space curvature).
    public var dimension: Int
    /// tr(A) = Σ λᵢ (exact, or Hutchinson's estimate; see ``traceMethod``).
    public var trace: Double
    /// "exact" (the diagonal, or n products with the unit vectors) or "hutchinson".
    public var traceMethod: String
    /// The standard error of Hutchinson's estimate (nil when exact).
    public var traceStandardError: Double?
    /// The largest eigenvalues, in descending order.
    public var topEigenvalues: [Double]
    /// The smallest (most negative) eigenvalue, nil when not computed.
    public var smallestEigenvalue: Double?
    /// λ_max / λ_min for a numerically positive definite matrix, else nil (see the type's documentation).
    public var conditionNumber: Double?
    /// λ_max over the smallest eigenvalue above the rank threshold (dense only).
    public var rangeConditionNumber: Double?
    /// The number of eigenvalues with |λ| > τ (dense only).
    public var numericalRank: Int?
    /// ‖A‖_F = √(Σ λᵢ²) (dense only).
    public var frobeniusNorm: Double?
    /// "dense" (syevd) or "lanczos".
    public var eigenvalueMethod: String
    /// Lanczos only: whether every reported eigenvalue met the solver's residual tolerance
    /// (nil for dense summaries, whose eigenvalues are exact up to rounding).
    public var eigenvaluesConverged: Bool?

    /// The summary of a dense symmetric matrix, from its full spectrum.
    /// - Parameters:
    ///   - matrix: a symmetric n×n matrix (its lower triangle is read by the eigensolver; the
    ///     trace is the diagonal sum).
    ///   - topCount: how many of the largest eigenvalues to keep (at most n).
    /// - Throws: `LinearAlgebraError` for a non-square matrix, non-finite entries or an eigensolver failure.
    public init<Scalar: BLASScalar>(matrix: Matrix<Scalar>, topCount: Int = 10) throws {
        let decomposition = try SymmetricEigendecomposition(matrix)
        let values = decomposition.eigenvalues.elements.map(Double.init)  // ascending
        let n = values.count
        dimension = n
        trace = matrix.diagonal.elements.reduce(0.0) { $0 + Double($1) }
        traceMethod = "exact"
        traceStandardError = nil
        topEigenvalues = Array(values.reversed().prefix(Swift.max(0, topCount)))
        smallestEigenvalue = values.first
        eigenvalueMethod = "dense"
        eigenvaluesConverged = nil
        let largestMagnitude = values.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
        let threshold = Double(Swift.max(n, 1)) * Double(Scalar.ulpOfOne) * largestMagnitude
        numericalRank = values.filter { Swift.abs($0) > threshold }.count
        frobeniusNorm = values.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        if let smallest = values.first, let largest = values.last, largest > threshold {
            conditionNumber = smallest > threshold ? largest / smallest : nil
            rangeConditionNumber = values.first(where: { $0 > threshold }).map { largest / $0 }
        } else {
            conditionNumber = nil
            rangeConditionNumber = nil
        }
    }

    /// The summary of a symmetric operator x ↦ A·x, matrix-free.
    ///
    /// The trace is exact from n products with the unit vectors when `traceProbes` is nil,
    /// otherwise Hutchinson's estimate (1/m)·Σⱼ zⱼᵀ·A·zⱼ over m Rademacher vectors (entries ±1,
    /// drawn from `SeededGenerator(seed:)`), unbiased with variance 2·(‖A‖_F² − Σ Aᵢᵢ²)/m
    /// (Hutchinson 1989); the reported standard error is the sample standard deviation / √m.
    /// The top eigenvalues come from ``Lanczos`` (largest), the smallest eigenvalue from a
    /// second Lanczos run (smallest) when `smallest` is true. A single-vector Krylov method may
    /// list a repeated eigenvalue fewer times than its multiplicity (see ``Lanczos``), and
    /// ``eigenvaluesConverged`` says whether the Krylov dimension cap was reached first.
    /// - Parameters:
    ///   - dimension: n.
    ///   - topCount: k, the largest eigenvalues wanted (clamped to n).
    ///   - traceProbes: m for Hutchinson's estimator, nil for the exact trace.
    ///   - smallest: whether to compute λ_min (and hence the condition number).
    ///   - seed: the seed of the probes and of the Lanczos start vectors.
    ///   - apply: x ↦ A·x.
    /// - Throws: ``CurvatureError/invalidArgument(_:)`` for n < 1, k < 1 or m < 1; whatever
    ///   Lanczos or `apply` throws.
    public init<Scalar: BLASScalar>(
        dimension: Int, topCount: Int = 10, traceProbes: Int? = nil, smallest: Bool = true, seed: UInt64 = 0,
        applying apply: (Vector<Scalar>) throws -> Vector<Scalar>
    ) throws {
        guard dimension >= 1, topCount >= 1 else {
            throw CurvatureError.invalidArgument("curvature summary: need dimension ≥ 1 and topCount ≥ 1, got \(dimension) and \(topCount)")
        }
        self.dimension = dimension
        var generator = SeededGenerator(seed: seed)
        if let probes = traceProbes {
            guard probes >= 1 else { throw CurvatureError.invalidArgument("curvature summary: traceProbes must be at least 1, got \(probes)") }
            var sum = 0.0, sumOfSquares = 0.0
            for _ in 0..<probes {
                let z = Vector<Scalar>((0..<dimension).map { _ in generator.next() & 1 == 0 ? 1 : -1 })
                let value = Double(try z.dot(apply(z)))
                sum += value
                sumOfSquares += value * value
            }
            let mean = sum / Double(probes)
            trace = mean
            traceMethod = "hutchinson"
            traceStandardError = probes > 1
                ? (Swift.max(0, sumOfSquares - Double(probes) * mean * mean) / Double(probes - 1) / Double(probes)).squareRoot() : nil
        } else {
            var basis = Vector<Scalar>(count: dimension), sum = 0.0
            for j in 0..<dimension {
                basis[j] = 1
                sum += Double(try apply(basis)[j])
                basis[j] = 0
            }
            trace = sum
            traceMethod = "exact"
            traceStandardError = nil
        }
        let count = Swift.min(topCount, dimension)
        let options = LanczosOptions<Scalar>(seed: generator.next())
        let top = try Lanczos.eigenpairs(count: count, dimension: dimension, which: .largest, options: options, applying: apply)
        topEigenvalues = top.eigenvalues.elements.map(Double.init)
        eigenvalueMethod = "lanczos"
        eigenvaluesConverged = top.converged
        numericalRank = nil
        frobeniusNorm = nil
        rangeConditionNumber = nil
        conditionNumber = nil
        smallestEigenvalue = nil
        if smallest {
            let bottom = try Lanczos.eigenpairs(count: 1, dimension: dimension, which: .smallest, options: options, applying: apply)
            let lowest = Double(bottom.eigenvalues[0])
            smallestEigenvalue = lowest
            eigenvaluesConverged = top.converged && bottom.converged
            if let largest = topEigenvalues.first {
                let threshold = Double(dimension) * Double(Scalar.ulpOfOne) * Swift.max(Swift.abs(largest), Swift.abs(lowest))
                    + Double(bottom.residualNorms[0])
                if largest > threshold, lowest > threshold { conditionNumber = largest / lowest }
            }
        }
    }
}
