import NGLinearAlgebra

/// The backtracking Armijo line search that Hessian-free optimization applies to its chosen
/// step (Martens & Sutskever 2012, "Training deep and recurrent networks with Hessian-free
/// optimization", §8.8), shared by ``HessianFree`` and ``KrylovSubspaceDescent``.
///
/// From α = 1 it shrinks α ← `shrinkFactor`·α until the sufficient-decrease condition
///
///     J(θ + α·Δ) ≤ J(θ) + c·α·min(∇J(θ)ᵀΔ, 0)
///
/// holds (c = `sufficientDecrease`), at most `maximumSteps` times; if it never holds the step is
/// rejected (α = 0). Taking the minimum with 0 makes a direction that is not a descent direction
/// acceptable only when it actually lowers J.
public struct HessianFreeLineSearch<Scalar: BLASScalar>: Sendable, Equatable {
    /// c in the Armijo condition, in (0, 1) (Martens & Sutskever: 10⁻²).
    public var sufficientDecrease: Scalar
    /// The factor α shrinks by, in (0, 1) (Martens & Sutskever: 0.8).
    public var shrinkFactor: Scalar
    /// The most shrinkings before the step is rejected (0.8²⁰ ≈ 0.012).
    public var maximumSteps: Int

    public init(sufficientDecrease: Scalar = 0.01, shrinkFactor: Scalar = 0.8, maximumSteps: Int = 20) {
        self.sufficientDecrease = sufficientDecrease
        self.shrinkFactor = shrinkFactor
        self.maximumSteps = maximumSteps
    }

    /// Throws unless the constants are usable.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` naming the offending constant.
    public func validate() throws {
        guard sufficientDecrease > 0, sufficientDecrease < 1 else {
            throw OptimizerError.invalidArgument("HessianFreeLineSearch: sufficientDecrease must lie in (0, 1), got \(sufficientDecrease)")
        }
        guard shrinkFactor > 0, shrinkFactor < 1 else {
            throw OptimizerError.invalidArgument("HessianFreeLineSearch: shrinkFactor must lie in (0, 1), got \(shrinkFactor)")
        }
        guard maximumSteps >= 0, maximumSteps <= 1000 else {
            throw OptimizerError.invalidArgument("HessianFreeLineSearch: maximumSteps must lie in 0…1000, got \(maximumSteps)")
        }
    }

    /// The accepted step length α (0 when none is) and J(θ + α·Δ).
    ///
    /// - Parameters:
    ///   - currentLoss: J(θ).
    ///   - slope: ∇J(θ)ᵀΔ.
    ///   - fullStepLoss: J(θ + Δ), already known to the caller.
    ///   - loss: α ↦ J(θ + α·Δ), evaluated only for α < 1.
    func search(currentLoss: Scalar, slope: Scalar, fullStepLoss: Scalar, loss: (Scalar) throws -> Scalar) rethrows -> (
        stepSize: Scalar, loss: Scalar
    ) {
        let descent = Swift.min(slope, 0)
        var alpha: Scalar = 1
        var value = fullStepLoss
        var shrinkings = 0
        while true {
            if value.isFinite, value <= currentLoss + sufficientDecrease * alpha * descent { return (alpha, value) }
            if shrinkings >= maximumSteps { return (0, currentLoss) }
            shrinkings += 1
            alpha *= shrinkFactor
            value = try loss(alpha)
        }
    }
}
