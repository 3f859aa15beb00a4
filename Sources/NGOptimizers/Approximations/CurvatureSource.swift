import NGCurvature

/// Which curvature matrix an approximation estimates — exact, Monte-Carlo or empirical Fisher,
/// generalized Gauss-Newton, Hessian (see `CurvatureKind`) — and how its labels are drawn.
///
/// The Monte-Carlo Fisher draws `samples` labels per example from the model. So that successive
/// statistics updates see fresh labels and a run is still reproducible, update n (counted from
/// 0 by each approximation) draws with the seed `seed &+ n` (``seed(forUpdate:)``): the first
/// update uses `seed` itself, the same labels as `point.denseCurvature(.monteCarlo, samples:
/// samples, seed: seed)`. The other kinds ignore `samples` and `seed` (except where an
/// approximation uses random probes of its own, which it documents).
public struct CurvatureSource: Sendable, Equatable, Hashable {
    /// Which matrix.
    public var kind: CurvatureKind
    /// k ≥ 1, the labels drawn per example for the Monte-Carlo Fisher.
    public var samples: Int
    /// The seed of the first update's labels.
    public var seed: UInt64

    /// - Parameters:
    ///   - kind: which matrix (default the exact Fisher).
    ///   - samples: labels per example for ``CurvatureKind/monteCarlo`` (default 1).
    ///   - seed: the first update's seed (default 0).
    public init(kind: CurvatureKind = .exact, samples: Int = 1, seed: UInt64 = 0) {
        self.kind = kind
        self.samples = samples
        self.seed = seed
    }

    /// The exact (true) Fisher, computed through the output-space Fisher without sampling.
    public static var exact: CurvatureSource { CurvatureSource(kind: .exact) }
    /// The empirical Fisher at the true labels.
    public static var empirical: CurvatureSource { CurvatureSource(kind: .empirical) }
    /// The generalized Gauss-Newton matrix.
    public static var ggn: CurvatureSource { CurvatureSource(kind: .ggn) }
    /// The Hessian.
    public static var hessian: CurvatureSource { CurvatureSource(kind: .hessian) }
    /// The Monte-Carlo Fisher with `samples` labels per example, the first update seeded with `seed`.
    public static func monteCarlo(samples: Int = 1, seed: UInt64 = 0) -> CurvatureSource {
        CurvatureSource(kind: .monteCarlo, samples: samples, seed: seed)
    }

    /// The seed of statistics update n (0, 1, 2, …): `seed &+ n`.
    @inlinable
    public func seed(forUpdate update: Int) -> UInt64 { seed &+ UInt64(truncatingIfNeeded: update) }

    /// Throws unless the settings are usable.
    /// - Parameter owner: the approximation's name, for the message.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for samples < 1.
    func validate(_ owner: String) throws {
        guard samples >= 1 else {
            throw OptimizerError.invalidArgument("\(owner): the Monte-Carlo sample count must be at least 1, got \(samples)")
        }
    }
}
