import NGLinearAlgebra

/// The snapshot of SVRG: parameters θ̃ with the full-data objective J(θ̃) and gradient ∇J(θ̃).
public struct VarianceReductionSnapshot<Scalar: BLASScalar>: Sendable, Equatable {
    /// θ̃.
    public let parameters: Vector<Scalar>
    /// J(θ̃) over every training example (penalty included).
    public let fullLoss: Scalar
    /// ∇J(θ̃) over every training example (penalty included).
    public let fullGradient: Vector<Scalar>

    /// A snapshot from given values.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` when the lengths differ,
    ///   ``OptimizerError/nonFinite(_:)`` for NaN or infinite values.
    public init(parameters: Vector<Scalar>, fullLoss: Scalar, fullGradient: Vector<Scalar>) throws {
        guard parameters.count == fullGradient.count else {
            throw OptimizerError.invalidArgument(
                "VarianceReductionSnapshot: \(parameters.count) parameters but a gradient of length \(fullGradient.count)")
        }
        guard parameters.isFinite, fullGradient.isFinite, fullLoss.isFinite else {
            throw OptimizerError.nonFinite("VarianceReductionSnapshot: the snapshot parameters, full loss or full gradient are not finite")
        }
        self.parameters = parameters
        self.fullLoss = fullLoss
        self.fullGradient = fullGradient
    }

    /// The snapshot at θ̃, evaluating `objective` on all its examples there.
    /// - Throws: as ``init(parameters:fullLoss:fullGradient:)``, and whatever the objective throws.
    public init<O: Objective>(objective: O, at parameters: Vector<Scalar>) throws where O.Scalar == Scalar {
        let point = try objective.evaluate(at: parameters, batch: .all)
        try self.init(parameters: parameters, fullLoss: point.loss, fullGradient: point.gradient)
    }
}
