/// The inverse of a low-rank-plus-diagonal matrix D + U·Uᵀ (U n×k, k ≪ n, D positive diagonal),
/// applied through the Sherman–Morrison–Woodbury identity with a k×k factorization done once.
///
/// Curvature estimated from k gradients — an empirical Fisher (1/k)·Σ gᵢgᵢᵀ, TONGA's low-rank
/// covariance (Le Roux, Manzagol & Bengio 2008), a low-rank sketch — is U·Uᵀ of rank ≤ k; with
/// Tikhonov damping λI or a diagonal D it becomes invertible, and
///
///     (D + U·Uᵀ)⁻¹ = D⁻¹ − D⁻¹·U·(I_k + Uᵀ·D⁻¹·U)⁻¹·Uᵀ·D⁻¹,
///     (λI + U·Uᵀ)⁻¹ = (1/λ)·[I − U·(λI_k + Uᵀ·U)⁻¹·Uᵀ]              (D = λI).
///
/// Internally W = D^(−1/2)·U is stored and the "capacitance" C = I_k + WᵀW (SPD, eigenvalues ≥ 1,
/// so well conditioned) is Cholesky-factored once, O(nk² + k³); each solve is then
/// D^(−1/2)·[y − W·C⁻¹·Wᵀy] with y = D^(−1/2)·v, O(nk) per right-hand side instead of the O(n³)
/// factorization and O(n²) memory of the dense n×n matrix.
public struct WoodburyInverse<Scalar: BLASScalar>: Sendable {
    /// The low-rank factor U (n×k).
    public let lowRankFactor: Matrix<Scalar>
    /// The diagonal D (n entries, all positive).
    public let diagonal: Vector<Scalar>
    /// W = D^(−1/2)·U.
    let scaledFactor: Matrix<Scalar>
    /// D^(−1/2), entry by entry.
    let inverseSquareRootDiagonal: [Scalar]
    /// The factorization of C = I_k + WᵀW = I_k + Uᵀ·D⁻¹·U.
    let capacitance: Cholesky<Scalar>

    /// Prepares (λI + U·Uᵀ)⁻¹.
    /// - Parameters:
    ///   - lowRankFactor: U, n×k (its columns are e.g. scaled per-example gradients).
    ///   - damping: λ > 0.
    /// - Throws: ``LinearAlgebraError/invalidArgument(_:)`` unless λ is finite and positive and U is finite.
    public init(lowRankFactor: Matrix<Scalar>, damping: Scalar) throws {
        guard damping > 0, damping.isFinite else {
            throw LinearAlgebraError.invalidArgument("WoodburyInverse: damping must be finite and > 0, got \(damping)")
        }
        try self.init(lowRankFactor: lowRankFactor, diagonal: Vector(count: lowRankFactor.rows, repeating: damping))
    }

    /// Prepares (D + U·Uᵀ)⁻¹ for a positive diagonal D.
    /// - Parameters:
    ///   - lowRankFactor: U, n×k.
    ///   - diagonal: the n diagonal entries of D, each finite and positive.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless D has n
    ///   entries, ``LinearAlgebraError/invalidArgument(_:)`` for a non-positive or non-finite
    ///   diagonal entry or non-finite entries of U.
    public init(lowRankFactor: Matrix<Scalar>, diagonal: Vector<Scalar>) throws {
        let n = lowRankFactor.rows, k = lowRankFactor.columns
        guard diagonal.count == n else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "WoodburyInverse", expected: "a diagonal of length \(n) for U \(lowRankFactor.shapeDescription)",
                actual: diagonal.shapeDescription)
        }
        if let index = diagonal.elements.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
            throw LinearAlgebraError.invalidArgument(
                "WoodburyInverse: diagonal entry \(index) is \(diagonal[index]); every entry must be finite and > 0")
        }
        guard lowRankFactor.isFinite else {
            throw LinearAlgebraError.invalidArgument("WoodburyInverse: the low-rank factor has NaN or infinite entries")
        }
        let scales = diagonal.elements.map { 1 / $0.squareRoot() }
        var w = lowRankFactor
        w.elements.withUnsafeMutableBufferPointer { p in
            for i in 0..<n { for j in 0..<k { p[i * k + j] *= scales[i] } }
        }
        self.lowRankFactor = lowRankFactor
        self.diagonal = diagonal
        self.scaledFactor = w
        self.inverseSquareRootDiagonal = scales
        // C = I + WᵀW has eigenvalues ≥ 1: the factorization cannot fail for finite input.
        self.capacitance = try Cholesky(w.gram().addingToDiagonal(1))
    }

    /// The order n.
    public var order: Int { lowRankFactor.rows }
    /// The rank k of the low-rank term (the number of columns of U).
    public var rank: Int { lowRankFactor.columns }

    /// (D + U·Uᵀ)⁻¹·V for an n×r matrix of right-hand sides (one per column).
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless V has n rows.
    public func solve(_ v: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard v.rows == order else {
            throw LinearAlgebraError.shapeMismatch(operation: "WoodburyInverse.solve", expected: "\(order) rows", actual: v.shapeDescription)
        }
        // Y = D^(−1/2)·V;  Y ← Y − W·C⁻¹·(WᵀY);  X = D^(−1/2)·Y.
        var y = v
        scaleRows(&y)
        let coefficients = try capacitance.solve(scaledFactor.multiplied(by: y, transposingSelf: true))
        try y.gemm(scaledFactor, .none, coefficients, .none, alpha: -1, beta: 1)
        scaleRows(&y)
        return y
    }

    /// (D + U·Uᵀ)⁻¹·v.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless v has n entries.
    public func solve(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard v.count == order else {
            throw LinearAlgebraError.shapeMismatch(operation: "WoodburyInverse.solve", expected: "length \(order)", actual: v.shapeDescription)
        }
        return Vector(try solve(v.asColumn).elements)
    }

    /// (D + U·Uᵀ)·v, for checks and for CG on the same operator.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` unless v has n entries.
    public func multiply(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard v.count == order else {
            throw LinearAlgebraError.shapeMismatch(operation: "WoodburyInverse.multiply", expected: "length \(order)", actual: v.shapeDescription)
        }
        var out = try lowRankFactor.multiplied(by: try lowRankFactor.multiplied(by: v, transposingSelf: true))
        for i in 0..<order { out[i] += diagonal[i] * v[i] }
        return out
    }

    /// The explicit n×n matrix D + U·Uᵀ (a test oracle; O(n²) memory).
    public var dense: Matrix<Scalar> {
        var out = lowRankFactor.gram(transposing: false)
        for i in 0..<order { out[i, i] += diagonal[i] }
        return out
    }

    /// log det(D + U·Uᵀ) = Σ log Dᵢᵢ + log det(I_k + Uᵀ·D⁻¹·U), by the matrix determinant lemma.
    public var logDeterminant: Scalar {
        diagonal.elements.reduce(0) { $0 + Scalar.log($1) } + capacitance.logDeterminant
    }

    /// Multiplies row i of `m` by D_ii^(−1/2).
    func scaleRows(_ m: inout Matrix<Scalar>) {
        let columns = m.columns
        inverseSquareRootDiagonal.withUnsafeBufferPointer { s in
            m.elements.withUnsafeMutableBufferPointer { p in
                for i in 0..<s.count { for j in 0..<columns { p[i * columns + j] *= s[i] } }
            }
        }
    }
}
