import NGLinearAlgebra

/// What ``NaturalGradientDescent`` carries from step to step (besides its approximation's
/// statistics and inverses).
public struct NaturalGradientDescentState<Scalar: BLASScalar>: Sendable, Equatable {
    /// Steps taken so far.
    public var step: Int = 0
    /// The current Tikhonov damping λ (adapted by Levenberg–Marquardt when enabled).
    public var damping: Scalar
    /// The λ of the approximation's last inverse update (`nil` before the first).
    public var inverseDamping: Scalar?
    /// The momentum buffer v (`nil` before the first step or without momentum).
    public var velocity: Vector<Scalar>?
    /// The last reduction ratio ρ computed (`nil` before the first adaptation).
    public var rho: Scalar?
    /// The KL scale of the last step, in (0, 1] (1 when the bound was not active).
    public var stepScale: Scalar = 1

    /// The state before the first step, with the initial damping.
    public init(damping: Scalar) {
        self.damping = damping
    }
}
