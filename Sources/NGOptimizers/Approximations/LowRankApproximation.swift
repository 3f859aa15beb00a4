import NGLinearAlgebra
import NGModels

/// How ``LowRankApproximation`` finds its factor.
public enum LowRankSketch: Sendable, Equatable, Hashable {
    /// From the square root S of a Fisher kind (``CurvatureSquareRootProviding``): C = SᵀS
    /// exactly, with the scaled per-example gradients as columns of Sᵀ, truncated to rank r by
    /// the Gram trick. Exact when r ≥ the number of gradient rows (e.g. N for the empirical
    /// Fisher). The penalty λ₂·M is kept apart as a diagonal.
    case gradients
    /// The r dominant eigenpairs of the curvature-vector product (any kind, any objective) by
    /// randomized subspace iteration (Halko, Martinsson & Tropp 2011), with this oversampling and
    /// number of subspace iterations: U = V·diag(√max(μ, 0)). The penalty is part of the products
    /// and so of U·Uᵀ; negative eigenvalues (of a Hessian) are dropped.
    case randomized(oversampling: Int = 10, subspaceIterations: Int = 4)
}

/// F̃ = U·Uᵀ (+ λ₂·M): a rank-r approximation of the curvature, solved through the
/// Sherman–Morrison–Woodbury identity (``WoodburyInverse``):
///
///     (U·Uᵀ + D)⁻¹ = D⁻¹ − D⁻¹·U·(I + Uᵀ·D⁻¹·U)⁻¹·Uᵀ·D⁻¹,    D = λI + λ₂·M,
///
/// O(Pr) memory and solves, O(Pr² + r³) per inverse update. Natural gradient from a few
/// gradients is the oldest use (the empirical Fisher from a minibatch is low-rank: Amari 1998;
/// Le Roux, Manzagol & Bengio 2008); a randomized sketch of the exact Fisher or GGN keeps its
/// dominant directions, where the curvature spectrum of networks concentrates.
///
/// **Running average.** A running average of rank-r matrices has rank up to r per update, so it
/// is kept as a factor: Z = [√decay·U_old, √(1 − decay)·U_new] is formed and truncated back to
/// rank r by the Gram trick (the best rank-r approximation of Z·Zᵀ). It equals the explicit
/// average whenever the rank suffices (r ≥ the columns of Z), and otherwise keeps its dominant
/// part. Monte-Carlo labels and sketch seeds are redrawn at each update (seed + n).
///
/// A damping λ > 0 is needed unless the penalty covers every parameter (D must be positive).
public struct LowRankApproximation<Scalar: BLASScalar>: CurvatureApproximation {
    /// Which matrix is approximated.
    public let source: CurvatureSource
    /// r, the largest rank kept.
    public let rank: Int
    /// How the factor is found.
    public let sketch: LowRankSketch
    /// U (P×r′, r′ ≤ r), with U·Uᵀ the averaged curvature (without the penalty for `.gradients`).
    public private(set) var factor: Matrix<Scalar>?
    /// λ₂·M, added as a diagonal (`.gradients` with a penalized objective only).
    public private(set) var penalty: Vector<Scalar>?
    /// The Woodbury inverse of U·Uᵀ + λ₂·M + λI from the last inverse update.
    public private(set) var inverse: WoodburyInverse<Scalar>?
    /// The number of statistics updates so far (the seed offset).
    public private(set) var updateCount = 0

    /// - Parameters:
    ///   - rank: r ≥ 1.
    ///   - source: the curvature kind (default the empirical Fisher; `.gradients` needs exact,
    ///     Monte-Carlo or empirical).
    ///   - sketch: how the factor is found (default `.gradients`).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for r < 1, a sample count below 1, a
    ///   negative oversampling or iteration count.
    public init(rank: Int, source: CurvatureSource = .empirical, sketch: LowRankSketch = .gradients) throws {
        try source.validate("low-rank approximation")
        guard rank >= 1 else { throw OptimizerError.invalidArgument("low-rank approximation: the rank must be at least 1, got \(rank)") }
        if case let .randomized(oversampling, iterations) = sketch, oversampling < 0 || iterations < 0 {
            throw OptimizerError.invalidArgument(
                "low-rank approximation: oversampling and subspace iterations must be ≥ 0, got \(oversampling) and \(iterations)")
        }
        self.source = source
        self.rank = rank
        self.sketch = sketch
    }

    public var name: String { "low-rank:\(rank):\(source.kind.rawValue)" }

    /// - Throws: ``OptimizerError/unsupported(_:)`` for `.gradients` when the point has no square
    ///   root of the kind (use `.randomized`); ``OptimizerError/invalidArgument(_:)`` for a decay
    ///   outside [0, 1) or a parameter count that changed; errors of the curvature.
    public mutating func updateStatistics<P: EvaluatedObjective>(at point: P, layers: [LayerParameterLayout], decay: Scalar) throws
    where P.Scalar == Scalar {
        try CurvatureStatistics.validate(decay: decay, name)
        let p = point.parameters.count
        if let factor, factor.rows != p {
            throw OptimizerError.invalidArgument("\(name): the parameter count changed from \(factor.rows) to \(p)")
        }
        let seed = source.seed(forUpdate: updateCount)
        let current: Matrix<Scalar>
        switch sketch {
        case .gradients:
            guard let (root, penaltyDiagonal) = try CurvatureStatistics.squareRoot(point, source.kind, samples: source.samples, seed: seed)
            else {
                throw OptimizerError.unsupported(
                    "\(name): this objective gives no gradient square root of the \(source.kind.displayName); use the randomized sketch")
            }
            current = root.transposed
            penalty = penaltyDiagonal
        case let .randomized(oversampling, iterations):
            let (kind, samples) = (source.kind, source.samples)
            let options = RandomizedEigensolverOptions<Scalar>(oversampling: oversampling, subspaceIterations: iterations, seed: seed)
            let pairs = try RandomizedEigensolver.eigenpairs(count: Swift.min(rank, p), dimension: p, options: options) {
                (block: Matrix<Scalar>) -> Matrix<Scalar> in
                var out = Matrix<Scalar>(rows: block.rows, columns: block.columns)
                for j in 0..<block.columns {
                    let column = try point.curvatureProduct(kind, block.column(j), samples: samples, seed: seed)
                    for i in 0..<block.rows { out[i, j] = column[i] }
                }
                return out
            }
            var u = pairs.eigenvectors
            for j in 0..<u.columns {
                let scale = Swift.max(pairs.eigenvalues[j], 0).squareRoot()
                for i in 0..<u.rows { u[i, j] *= scale }
            }
            current = u
            penalty = nil
        }
        if let old = factor, decay > 0 {
            let stacked = CurvatureStatistics.concatenated(old, scaledBy: decay.squareRoot(), current, scaledBy: (1 - decay).squareRoot())
            factor = try CurvatureStatistics.truncatedFactor(stacked, rank: rank)
        } else {
            factor = try CurvatureStatistics.truncatedFactor(current, rank: rank)
        }
        updateCount += 1
    }

    /// Prepares the Woodbury inverse of U·Uᵀ + D, D = λI + λ₂·M.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` before any statistics, for a negative
    ///   damping, or when D has a zero entry (λ = 0 and an unpenalized parameter).
    public mutating func updateInverse(damping: Scalar) throws {
        try CurvatureStatistics.validate(damping: damping, name)
        guard let factor else { throw CurvatureStatistics.noStatistics(name) }
        var diagonal = Vector<Scalar>(count: factor.rows, repeating: damping)
        if let penalty { try diagonal.add(penalty) }
        if let index = diagonal.elements.firstIndex(where: { !($0 > 0) }) {
            throw OptimizerError.invalidArgument(
                "\(name): U·Uᵀ has rank \(factor.columns) < P, so it needs a positive damping (entry \(index) of λI + λ₂·M is \(diagonal[index]))")
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
        if let penalty { try out.add(try penalty.zipMap(v, *)) }
        return out
    }

    public func denseMatrix() throws -> Matrix<Scalar> {
        guard let factor else { throw CurvatureStatistics.noStatistics(name) }
        var matrix = factor.gram(transposing: false)
        if let penalty { for i in 0..<penalty.count { matrix[i, i] += penalty[i] } }
        return matrix
    }

    /// U (P·r′) and the penalty (P), plus the inverse's scaled factor (P·r′), capacitance (r′²)
    /// and diagonals (2P).
    public var memoryBytes: Int {
        let p = factor?.rows ?? 0, r = factor?.columns ?? 0
        var count = p * r + (penalty?.count ?? 0)
        if inverse != nil { count += p * r + r * r + 2 * p }
        return count * MemoryLayout<Scalar>.size
    }
}
