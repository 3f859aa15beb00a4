import NGLinearAlgebra
import NGModels

/// F̃ = diag(C): the diagonal of the curvature, inverted entry by entry,
/// (F̃ + λI)⁻¹·v = v ⊘ (d + λ).
///
/// The cheapest preconditioner (O(P) memory and solves) and the one behind the diagonal
/// natural-gradient and "Fisher-scaled" first-order methods (Amari, Park & Fukumizu 2000;
/// Kingma & Ba 2015 relate Adam's second moment to it). How d is estimated depends on the kind
/// and on what the evaluated objective offers:
/// - **Fisher kinds on networks and least squares** (points that are
///   ``CurvatureSquareRootProviding``): d = diag(SᵀS) + λ₂·M from the square root S, whose rows
///   are per-example gradients — at labels **sampled from the model** (Monte-Carlo, the default:
///   one backward pass per draw, O(kNP)), at the **true** labels (empirical), or of the
///   output-space Fisher's square-root factors (exact: one backward pass per factor, i.e. per
///   output, which grows with the output width; the Monte-Carlo kind is the scalable default and
///   an unbiased estimate of the same diagonal). The dense P×P curvature is never formed.
/// - **GGN, Hessian, and points without a square root**: Hutchinson's estimator
///   d ≈ (1/s)·Σ zₛ⊙(C·zₛ) with s Rademacher probes (``probes``; Bekas, Kokiopoulou & Saad 2007,
///   as AdaHessian uses it), one curvature-vector product each; with s ≥ P the unit vectors are
///   used and the diagonal is exact.
///
/// The statistics are the running average d ← decay·d + (1 − decay)·d(θₜ); Monte-Carlo labels
/// and Hutchinson probes are redrawn at each update (seed + n). A Hessian diagonal can be
/// negative: ``updateInverse(damping:)`` then throws unless λ makes every d + λ positive.
public struct DiagonalApproximation<Scalar: BLASScalar>: CurvatureApproximation {
    /// Which matrix's diagonal is estimated.
    public let source: CurvatureSource
    /// Rademacher probes per update for the Hutchinson path.
    public let probes: Int
    /// The averaged diagonal d.
    public private(set) var statistics: Vector<Scalar>?
    /// 1/(d + λ) from the last inverse update.
    public private(set) var inverseDiagonal: Vector<Scalar>?
    /// The number of statistics updates so far (the seed offset).
    public private(set) var updateCount = 0

    /// - Parameters:
    ///   - source: the curvature kind (default the Monte-Carlo Fisher with one sample, seed 0).
    ///   - probes: Hutchinson probes per update for the GGN and the Hessian (default 10).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for a sample or probe count below 1.
    public init(source: CurvatureSource = .monteCarlo(), probes: Int = 10) throws {
        try source.validate("diagonal approximation")
        guard probes >= 1 else { throw OptimizerError.invalidArgument("diagonal approximation: probes must be at least 1, got \(probes)") }
        self.source = source
        self.probes = probes
    }

    public var name: String { "diagonal:\(source.kind.rawValue)" }

    public mutating func updateStatistics<P: EvaluatedObjective>(at point: P, layers: [LayerParameterLayout], decay: Scalar) throws
    where P.Scalar == Scalar {
        try CurvatureStatistics.validate(decay: decay, name)
        let current = try CurvatureStatistics.diagonal(
            point, source.kind, samples: source.samples, seed: source.seed(forUpdate: updateCount), probes: probes)
        try CurvatureStatistics.average(&statistics, current, decay: decay)
        updateCount += 1
    }

    /// Computes 1/(d + λ).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` before any statistics, for a negative
    ///   damping, or when some d + λ ≤ 0 (a zero Fisher entry with λ = 0, a negative Hessian entry).
    public mutating func updateInverse(damping: Scalar) throws {
        try CurvatureStatistics.validate(damping: damping, name)
        guard let statistics else { throw CurvatureStatistics.noStatistics(name) }
        if let index = statistics.elements.firstIndex(where: { !($0 + damping > 0) }) {
            throw OptimizerError.invalidArgument(
                "\(name): diagonal entry \(index) plus the damping is \(statistics[index] + damping), not positive; raise the damping")
        }
        inverseDiagonal = statistics.map { 1 / ($0 + damping) }
    }

    public func solve(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard let inverseDiagonal else { throw CurvatureStatistics.noInverse(name) }
        try CurvatureStatistics.validate(v, count: inverseDiagonal.count, name)
        return try v.zipMap(inverseDiagonal, *)
    }

    public func multiply(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard let statistics else { throw CurvatureStatistics.noStatistics(name) }
        try CurvatureStatistics.validate(v, count: statistics.count, name)
        return try v.zipMap(statistics, *)
    }

    public func denseMatrix() throws -> Matrix<Scalar> {
        guard let statistics else { throw CurvatureStatistics.noStatistics(name) }
        return Matrix(diagonal: statistics)
    }

    /// d and 1/(d + λ): 2·P scalars once both exist.
    public var memoryBytes: Int {
        ((statistics?.count ?? 0) + (inverseDiagonal?.count ?? 0)) * MemoryLayout<Scalar>.size
    }
}
