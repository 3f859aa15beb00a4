import NGCurvature
import NGLinearAlgebra
import NGOptimizers

/// One curvature approximation compared in `approximation`, with how to build it fresh.
///
/// Every candidate approximates the **exact Fisher** F of the mean NLL (the Monte-Carlo and
/// empirical candidates by construction estimate it from labels), is fed the statistics of one
/// point with no running average (decay 0), and is inverted with the same damping λ as the
/// reference, so that the error and the direction measure the approximation alone.
public enum ApproximationCandidate: Sendable, Equatable {
    /// diag(F) (Amari, Park & Fukumizu 2000's diagonal metric; the curvature of Adam-like methods).
    case diagonal
    /// The exact per-layer diagonal blocks of F (Kurita 1994; Martens & Grosse 2015, §4.3).
    case blockDiagonal
    /// K-FAC, G ⊗ A per layer with the exact expectation in G, damped exactly (Martens & Grosse 2015).
    case kfac
    /// EKFAC: K-FAC's eigenbasis with re-fitted eigenvalues (George et al. 2018).
    case ekfac
    /// The best rank-r approximation of F by randomized subspace iteration (Halko et al. 2011).
    case lowRank(Int)
    /// The Neumann series of order K for (F + λI)⁻¹ on products with the exact Fisher (LiSSA-style).
    case neumann(Int)
    /// The empirical Fisher at the true labels (Kunstner, Balles & Hennig 2019).
    case empirical
    /// The Monte-Carlo Fisher with k sampled labels per example.
    case monteCarlo(Int)

    /// The report name.
    public var name: String {
        switch self {
        case .diagonal: return "diagonal"
        case .blockDiagonal: return "block-diagonal"
        case .kfac: return "K-FAC"
        case .ekfac: return "EKFAC"
        case let .lowRank(rank): return "low-rank r=\(rank)"
        case let .neumann(order): return "Neumann K=\(order)"
        case .empirical: return "empirical Fisher"
        case let .monteCarlo(samples): return "MC Fisher k=\(samples)"
        }
    }

    /// The family, for the table.
    public var family: String {
        switch self {
        case .diagonal, .blockDiagonal, .kfac, .ekfac: return "structured"
        case .lowRank: return "low rank"
        case .neumann: return "series inverse"
        case .empirical, .monteCarlo: return "sampled labels"
        }
    }

    /// The candidates of a run: the structured ones, low rank of `ranks`, Neumann of `orders`,
    /// the empirical Fisher and the Monte-Carlo Fisher with `samples` labels.
    public static func all(ranks: [Int], orders: [Int], samples: [Int]) -> [ApproximationCandidate] {
        [.diagonal, .blockDiagonal, .kfac, .ekfac] + ranks.map { .lowRank($0) } + orders.map { .neumann($0) } + [.empirical]
            + samples.map { .monteCarlo($0) }
    }

    /// A fresh approximation; `seed` seeds the sampled labels and the randomized sketch.
    /// - Throws: ``OptimizerError`` for invalid settings.
    public func make(seed: UInt64) throws -> any CurvatureApproximation<Double> {
        switch self {
        case .diagonal: return try DiagonalApproximation<Double>(source: .exact)
        case .blockDiagonal: return try BlockDiagonalApproximation<Double>(source: .exact)
        case .kfac: return try KFACApproximation<Double>(source: .exact, inverseMethod: .exactDamping)
        case .ekfac: return try EKFACApproximation<Double>(source: .exact)
        case let .lowRank(rank):
            return try LowRankApproximation<Double>(
                rank: rank, source: CurvatureSource(kind: .exact, seed: seed), sketch: .randomized(oversampling: 10, subspaceIterations: 4))
        case let .neumann(order):
            // The dense exact Fisher as the base: the series multiplies by F (P² per product).
            return try NeumannSeriesApproximation(order: order, base: try ExactCurvatureApproximation<Double>(source: .exact))
        case .empirical: return try ExactCurvatureApproximation<Double>(source: .empirical)
        case let .monteCarlo(samples): return try ExactCurvatureApproximation<Double>(source: .monteCarlo(samples: samples, seed: seed))
        }
    }
}
