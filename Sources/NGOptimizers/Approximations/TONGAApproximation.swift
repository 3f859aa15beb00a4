import NGLinearAlgebra
import NGModels

/// TONGA's model of the gradient covariance (Le Roux, Manzagol & Bengio 2008, "Topmoumoute
/// online natural gradient algorithm"): a low-rank factor plus a diagonal,
///
///     F̃ = U·Uᵀ + D (+ λ₂·M),    (F̃ + λI)⁻¹ by Woodbury (``WoodburyInverse``),
///
/// of the centered covariance of the per-example gradients gᵢ (at the true labels) of each batch,
///
///     C = (1/N)·Σᵢ (gᵢ − ḡ)(gᵢ − ḡ)ᵀ,    ḡ = (1/N)·Σᵢ gᵢ,
///
/// averaged over updates with a decay γ, C̄ ← γ·C̄ + (1 − γ)·C. TONGA argues that the natural
/// gradient's purpose is to account for the gradient's uncertainty, measured by this covariance
/// (with `centered: false` it is the uncentered second moment, the empirical Fisher).
///
/// The running average is kept, as in the paper (§3, the "Gram-matrix trick"), as a factor:
/// Z = [√γ·U, √(1 − γ)·Gᶜᵀ/√N] with Gᶜ the centered per-example gradients is truncated to the
/// best rank r by an eigendecomposition of the small Gram matrix ZᵀZ, never forming a P×P
/// matrix. The diagonal D restores what the truncation drops on the diagonal:
/// D = max(diag(C̄) − diag(U·Uᵀ), 0) with diag(C̄) averaged exactly, so the model's diagonal is
/// the covariance's (the low-rank-plus-diagonal form of the paper's §3.3). With r at least the
/// number of gradients seen, U·Uᵀ = C̄ and D = 0 up to rounding: F̃ is the covariance itself.
/// Memory O(Pr); an update O(P(r + N)²); a solve O(Pr).
public struct TONGAApproximation<Scalar: BLASScalar>: CurvatureApproximation {
    /// r, the largest rank of the factor.
    public let rank: Int
    /// Whether each batch's gradients are centered at their mean (TONGA) or not (empirical Fisher).
    public let centered: Bool
    /// U (P×r′, r′ ≤ r).
    public private(set) var factor: Matrix<Scalar>?
    /// diag(C̄), the averaged covariance's exact diagonal.
    public private(set) var covarianceDiagonal: Vector<Scalar>?
    /// λ₂·M of a penalized objective (``CurvatureSquareRootProviding/penaltyDiagonal``).
    public private(set) var penalty: Vector<Scalar>?
    /// The Woodbury inverse from the last inverse update.
    public private(set) var inverse: WoodburyInverse<Scalar>?

    /// - Parameters:
    ///   - rank: r ≥ 1 (the paper uses a few tens).
    ///   - centered: center each batch's gradients (default true).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for r < 1.
    public init(rank: Int, centered: Bool = true) throws {
        guard rank >= 1 else { throw OptimizerError.invalidArgument("TONGA: the rank must be at least 1, got \(rank)") }
        self.rank = rank
        self.centered = centered
    }

    public var name: String { "tonga:\(rank)" }

    /// D = max(diag(C̄) − diag(U·Uᵀ), 0), with differences at the rounding level
    /// (≤ 100·ε·max diag(C̄)) set to 0, so that a complete factor leaves D = 0 exactly.
    public private(set) var residualDiagonal: Vector<Scalar>?

    /// D for a factor and the averaged diagonal.
    static func residual(_ factor: Matrix<Scalar>, _ covarianceDiagonal: Vector<Scalar>) -> Vector<Scalar> {
        let lowRank = CurvatureStatistics.columnSquareSums(factor.transposed)
        let threshold = 100 * Scalar.ulpOfOne * covarianceDiagonal.maxMagnitude
        return Vector(zip(covarianceDiagonal.elements, lowRank.elements).map { $0 - $1 > threshold ? $0 - $1 : 0 })
    }

    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for a decay outside [0, 1) or a parameter
    ///   count that changed; errors of the per-example gradients.
    public mutating func updateStatistics<P: EvaluatedObjective>(at point: P, layers: [LayerParameterLayout], decay: Scalar) throws
    where P.Scalar == Scalar {
        try CurvatureStatistics.validate(decay: decay, name)
        var gradients = try point.perExampleGradients()
        let (n, p) = (gradients.rows, gradients.columns)
        if let factor, factor.rows != p {
            throw OptimizerError.invalidArgument("\(name): the parameter count changed from \(factor.rows) to \(p)")
        }
        if centered, n > 0 {
            var mean = [Scalar](repeating: 0, count: p)
            gradients.elements.withUnsafeMutableBufferPointer { g in
                mean.withUnsafeMutableBufferPointer { m in
                    for i in 0..<n { for j in 0..<p { m[j] += g[i * p + j] } }
                    for j in 0..<p { m[j] /= Scalar(n) }
                    for i in 0..<n { for j in 0..<p { g[i * p + j] -= m[j] } }
                }
            }
        }
        gradients.scale(by: 1 / Scalar(Swift.max(n, 1)).squareRoot())
        try CurvatureStatistics.average(&covarianceDiagonal, CurvatureStatistics.columnSquareSums(gradients), decay: decay)
        let current = gradients.transposed
        if let old = factor, decay > 0 {
            let stacked = CurvatureStatistics.concatenated(old, scaledBy: decay.squareRoot(), current, scaledBy: (1 - decay).squareRoot())
            factor = try CurvatureStatistics.truncatedFactor(stacked, rank: rank)
        } else {
            factor = try CurvatureStatistics.truncatedFactor(current, rank: rank)
        }
        residualDiagonal = Self.residual(factor!, covarianceDiagonal!)
        penalty = (point as? any CurvatureSquareRootProviding<Scalar>)?.penaltyDiagonal
    }

    /// The diagonal of the Woodbury inverse: D + λ₂·M + λ.
    func fullDiagonal(damping: Scalar) throws -> Vector<Scalar> {
        guard var diagonal = residualDiagonal else { throw CurvatureStatistics.noStatistics(name) }
        if let penalty { try diagonal.add(penalty) }
        return diagonal.map { $0 + damping }
    }

    /// Prepares the Woodbury inverse of U·Uᵀ + D + λ₂·M + λI.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` before any statistics, for a negative
    ///   damping, or when the diagonal has a zero entry (λ = 0 where D and the penalty vanish).
    public mutating func updateInverse(damping: Scalar) throws {
        try CurvatureStatistics.validate(damping: damping, name)
        guard let factor else { throw CurvatureStatistics.noStatistics(name) }
        let diagonal = try fullDiagonal(damping: damping)
        if let index = diagonal.elements.firstIndex(where: { !($0 > 0) }) {
            throw OptimizerError.invalidArgument("\(name): diagonal entry \(index) of D + λ₂·M + λI is \(diagonal[index]); use a positive damping")
        }
        inverse = try WoodburyInverse(lowRankFactor: factor, diagonal: diagonal)
    }

    public func solve(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard let inverse else { throw CurvatureStatistics.noInverse(name) }
        try CurvatureStatistics.validate(v, count: inverse.order, name)
        return try inverse.solve(v)
    }

    public func multiply(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard let factor else { throw CurvatureStatistics.noStatistics(name) }
        try CurvatureStatistics.validate(v, count: factor.rows, name)
        var out = try CurvatureStatistics.lowRankProduct(factor, v)
        try out.add(try fullDiagonal(damping: 0).zipMap(v, *))
        return out
    }

    public func denseMatrix() throws -> Matrix<Scalar> {
        guard let factor else { throw CurvatureStatistics.noStatistics(name) }
        var matrix = factor.gram(transposing: false)
        let diagonal = try fullDiagonal(damping: 0)
        for i in 0..<diagonal.count { matrix[i, i] += diagonal[i] }
        return matrix
    }

    /// U (P·r′), diag(C̄), D and the penalty (3P), plus the inverse's scaled factor (P·r′),
    /// capacitance (r′²) and diagonals (2P).
    public var memoryBytes: Int {
        let p = factor?.rows ?? 0, r = factor?.columns ?? 0
        var count = p * r + (covarianceDiagonal?.count ?? 0) + (residualDiagonal?.count ?? 0) + (penalty?.count ?? 0)
        if inverse != nil { count += p * r + r * r + 2 * p }
        return count * MemoryLayout<Scalar>.size
    }
}
