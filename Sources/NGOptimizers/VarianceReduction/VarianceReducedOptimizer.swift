import NGLinearAlgebra

/// SVRG around any optimizer (Johnson & Zhang 2013): every `snapshotInterval` steps it takes a
/// snapshot θ̃ ← θ with the full-data gradient ∇J(θ̃), and in between it lets the wrapped
/// optimizer step on a ``VarianceReducedObjective``, whose minibatch gradients are
/// ∇J_B(θ) − ∇J_B(θ̃) + ∇J(θ̃) (and whose minibatch losses are corrected to match, so the
/// reported loss is that unbiased estimate of J(θ)).
///
/// The wrapped optimizer is unchanged — SGD gives SVRG proper; Adam, NGD, K-FAC or Hessian-free
/// get a variance-reduced gradient with their own preconditioner. The snapshot is the current
/// iterate (Johnson & Zhang's option I, the one used in practice), and the first step after a
/// refresh uses the full gradient. The default interval is two passes over the data,
/// m = ⌈2N/|B|⌉ steps, Johnson & Zhang's m = 2n for convex problems.
///
/// With a damped second-order optimizer on small minibatches, prefer a fixed damping or a
/// floor (``LevenbergMarquardtRule/minimumDamping``): the corrected minibatch loss is so well
/// modelled that Levenberg–Marquardt adaptation drives λ towards 0, and undamped steps that
/// fully minimize one minibatch's objective do not converge.
///
/// Diagnostics: the wrapped optimizer's, plus `snapshot_refreshed` (1 on a refresh step).
public struct VarianceReducedOptimizer<Base: Optimizer>: Optimizer {
    public typealias Scalar = Base.Scalar
    /// The optimizer that takes the steps.
    public private(set) var base: Base
    /// Steps between snapshots; `nil` for ⌈2N/|B|⌉ at the step's batch size.
    public let snapshotInterval: Int?
    /// The current snapshot, once the first step has taken it.
    public private(set) var snapshot: VarianceReductionSnapshot<Scalar>?
    /// Steps taken since the snapshot.
    public private(set) var stepsSinceSnapshot = 0

    public var name: String { "svrg-\(base.name)" }

    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for an interval below 1.
    public init(_ base: Base, snapshotInterval: Int? = nil) throws {
        if let snapshotInterval, snapshotInterval < 1 {
            throw OptimizerError.invalidArgument("VarianceReducedOptimizer: snapshotInterval must be ≥ 1, got \(snapshotInterval)")
        }
        self.base = base
        self.snapshotInterval = snapshotInterval
    }

    public mutating func step<O: Objective>(_ parameters: inout Vector<Scalar>, objective: O, batch: Batch) throws -> StepReport
    where O.Scalar == Scalar {
        let interval = snapshotInterval ?? Self.defaultInterval(batch: batch, exampleCount: objective.exampleCount)
        var refreshed = false
        if snapshot == nil || stepsSinceSnapshot >= interval || snapshot?.parameters.count != parameters.count {
            snapshot = try VarianceReductionSnapshot(objective: objective, at: parameters)
            stepsSinceSnapshot = 0
            refreshed = true
        }
        let reduced = try VarianceReducedObjective(base: objective, snapshot: snapshot!)
        var report = try base.step(&parameters, objective: reduced, batch: batch)
        stepsSinceSnapshot += 1
        report.diagnostics["snapshot_refreshed"] = refreshed ? 1 : 0
        return report
    }

    /// ⌈2N/|B|⌉, at least 1.
    static func defaultInterval(batch: Batch, exampleCount: Int) -> Int {
        let batchSize: Int
        switch batch {
        case .all: batchSize = Swift.max(exampleCount, 1)
        case let .examples(indices): batchSize = Swift.max(indices.count, 1)
        }
        return Swift.max(1, (2 * exampleCount + batchSize - 1) / batchSize)
    }
}
