import NGLinearAlgebra
import NGOptimizers

/// Any ``Optimizer`` of a given precision, chosen at run time (by `natgrad train --optimizer`).
///
/// The one place where optimizers are type-erased: the registry returns this box so that the
/// command line can pick an optimizer by name; the box forwards each step to the concrete
/// optimizer through one dynamic call per step (none per element), so the optimizer's own code
/// stays specialized. Value semantics are kept: copying the box copies the optimizer's state.
public struct AnyOptimizer<Scalar: BLASScalar>: Optimizer {
    /// The concrete optimizer.
    public private(set) var base: any Optimizer<Scalar>

    /// Wraps `optimizer`.
    public init(_ optimizer: some Optimizer<Scalar>) {
        base = optimizer
    }

    public var name: String { base.name }

    public mutating func step<O: Objective>(_ parameters: inout Vector<Scalar>, objective: O, batch: Batch) throws -> StepReport
    where O.Scalar == Scalar {
        try base.step(&parameters, objective: objective, batch: batch)
    }
}
