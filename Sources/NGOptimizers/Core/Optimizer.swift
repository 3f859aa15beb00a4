import NGLinearAlgebra

/// An update rule: from parameters θ and an objective, one step θ ← θ + Δ.
///
/// Every optimizer of the package conforms — the first-order baselines through
/// ``TransformOptimizer`` (a chain of ``GradientTransformation``s), and the second-order ones
/// (NGD, K-FAC, Hessian-free, L-BFGS, Newton) directly, since they evaluate the objective more
/// than once per step. Optimizers are value types: their state (moments, curvature averages,
/// damping, a seeded generator for sampled labels) lives in the value, so copying one forks
/// the run reproducibly.
public protocol Optimizer<Scalar> {
    associatedtype Scalar: BLASScalar

    /// A short name for reports ("adam", "kfac").
    var name: String { get }

    /// Takes one step from `parameters` on `batch`.
    /// - Returns: the objective before the step and any diagnostics (damping, ρ, step size, …).
    /// - Throws: ``OptimizerError`` or an error of the objective.
    mutating func step<O: Objective>(_ parameters: inout Vector<Scalar>, objective: O, batch: Batch) throws -> StepReport
    where O.Scalar == Scalar
}

/// What one optimizer step reports.
public struct StepReport: Sendable, Equatable {
    /// J(θ) on the step's batch, before the step.
    public var loss: Double
    /// Named figures, e.g. `damping`, `rho`, `learning_rate`, `cg_iterations`.
    public var diagnostics: [String: Double]

    public init(loss: Double, diagnostics: [String: Double] = [:]) {
        self.loss = loss
        self.diagnostics = diagnostics
    }
}

/// An optimizer made of a gradient transformation: Δ = T(∇J), θ ← θ + Δ.
///
/// The transformation chain ends in ``ScaleByLearningRate``, the one place where the sign flips
/// (Δ = −α·u), so that every transform before it works with ascent-direction quantities.
public struct TransformOptimizer<Transform: GradientTransformation>: Optimizer {
    public typealias Scalar = Transform.Scalar
    public let name: String
    public let transform: Transform
    /// The transformation's state, created from the first parameters seen.
    public private(set) var state: Transform.State?

    public init(name: String, _ transform: Transform) {
        self.name = name
        self.transform = transform
    }

    public mutating func step<O: Objective>(_ parameters: inout Vector<Scalar>, objective: O, batch: Batch) throws -> StepReport
    where O.Scalar == Scalar {
        let point = try objective.evaluate(at: parameters, batch: batch)
        var update = point.gradient
        var current = state ?? transform.initialState(parameters: parameters)
        try transform.update(&update, state: &current, point: point, layers: objective.layers)
        state = current
        try parameters.add(update)
        return StepReport(loss: Double(point.loss))
    }
}
