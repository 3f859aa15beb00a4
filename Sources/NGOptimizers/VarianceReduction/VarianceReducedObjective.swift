import NGLinearAlgebra
import NGModels

/// An objective whose minibatch gradients are SVRG's variance-reduced estimates (Johnson & Zhang
/// 2013, "Accelerating stochastic gradient descent using predictive variance reduction"):
///
///     ĝ_B(θ) = ∇J_B(θ) − ∇J_B(θ̃) + ∇J(θ̃),
///
/// with θ̃ a snapshot and ∇J(θ̃) the full-data gradient there. ĝ_B is unbiased — its mean over
/// minibatches drawn uniformly (or over the batches of any equal-size partition) is ∇J(θ) —
/// and its variance vanishes as θ and θ̃ approach the optimum, so a constant step size converges
/// linearly on strongly convex problems instead of stalling at a noise floor.
///
/// The minibatch **loss** is corrected to match, so that line searches and reduction ratios
/// (Hessian-free, KSD, L-BFGS, NGD's Levenberg–Marquardt rule) see a function whose gradient is
/// ĝ_B: the minibatch's first-order Taylor part around θ̃ is replaced by the full data's,
///
///     Ĵ_B(θ) = J_B(θ) − [J_B(θ̃) + ∇J_B(θ̃)ᵀ(θ − θ̃)] + [J(θ̃) + ∇J(θ̃)ᵀ(θ − θ̃)],
///
/// also an unbiased estimate of J(θ), with ∇Ĵ_B = ĝ_B and the curvature of J_B (the correction
/// is affine in θ). Without it a line search would compare minibatch losses along a direction
/// that is not the minibatch's own descent direction and reject good steps near the optimum.
///
/// Wrapping the objective rather than the gradient lets every optimizer use the estimate
/// unchanged: SGD and Adam, and the preconditioned methods (NGD, K-FAC, Hessian-free), whose
/// curvature is still that of the minibatch at θ. Curvature products, dense curvature,
/// Kronecker factors and per-example gradients are the wrapped objective's at θ (per-example
/// gradients feed curvature estimates such as the empirical Fisher, which must see the actual
/// gradients). On ``Batch/all`` the wrapped objective is returned unchanged (the correction is
/// zero there). Each minibatch costs one extra gradient evaluation at θ̃, cached for the last
/// few batches so that line searches on the same batch do not repeat it.
/// ``VarianceReducedOptimizer`` refreshes the snapshot on a schedule.
public struct VarianceReducedObjective<Base: Objective>: Objective {
    public typealias Scalar = Base.Scalar
    /// The wrapped objective.
    public let base: Base
    /// θ̃, J(θ̃) and ∇J(θ̃).
    public let snapshot: VarianceReductionSnapshot<Scalar>
    private let cache = SnapshotBatchCache<Scalar>()

    /// - Throws: ``OptimizerError/invalidArgument(_:)`` when the snapshot's length is not the
    ///   objective's parameter count.
    public init(base: Base, snapshot: VarianceReductionSnapshot<Scalar>) throws {
        guard snapshot.parameters.count == base.parameterCount else {
            throw OptimizerError.invalidArgument(
                "VarianceReducedObjective: a snapshot of \(snapshot.parameters.count) parameters for an objective with \(base.parameterCount)")
        }
        self.base = base
        self.snapshot = snapshot
    }

    public var parameterCount: Int { base.parameterCount }
    public var exampleCount: Int { base.exampleCount }
    public var layers: [LayerParameterLayout] { base.layers }

    public func evaluate(at parameters: Vector<Scalar>, batch: Batch) throws -> VarianceReducedPoint<Base.Point> {
        let point = try base.evaluate(at: parameters, batch: batch)
        if case .all = batch { return VarianceReducedPoint(base: point, loss: point.loss, gradient: point.gradient) }
        let anchor = try snapshotTerms(batch)
        var gradient = point.gradient
        try gradient.add(anchor.gradient, scaledBy: -1)
        try gradient.add(snapshot.fullGradient)
        return VarianceReducedPoint(base: point, loss: point.loss + (try correction(at: parameters, anchor)), gradient: gradient)
    }

    public func loss(at parameters: Vector<Scalar>, batch: Batch) throws -> Scalar {
        let value = try base.loss(at: parameters, batch: batch)
        if case .all = batch { return value }
        return value + (try correction(at: parameters, try snapshotTerms(batch)))
    }

    /// J(θ̃) − J_B(θ̃) + (∇J(θ̃) − ∇J_B(θ̃))ᵀ(θ − θ̃).
    func correction(at parameters: Vector<Scalar>, _ anchor: SnapshotBatchCache<Scalar>.Entry) throws -> Scalar {
        let difference = snapshot.fullGradient - anchor.gradient
        return snapshot.fullLoss - anchor.loss + (try difference.dot(parameters - snapshot.parameters))
    }

    /// J_B(θ̃) and ∇J_B(θ̃), from the cache or evaluated.
    func snapshotTerms(_ batch: Batch) throws -> SnapshotBatchCache<Scalar>.Entry {
        if let cached = cache.entry(for: batch) { return cached }
        let point = try base.evaluate(at: snapshot.parameters, batch: batch)
        let entry = SnapshotBatchCache<Scalar>.Entry(batch: batch, loss: point.loss, gradient: point.gradient)
        cache.insert(entry)
        return entry
    }
}
