import NGLinearAlgebra

/// The Levenberg–Marquardt rule every damped second-order optimizer of the package adapts its
/// damping λ with (Moré 1978; Martens 2010, "Deep learning via Hessian-free optimization", §4.1):
/// ``HessianFree`` and ``KrylovSubspaceDescent`` directly, ``Newton`` through its settings, NGD
/// and K-FAC through ``LevenbergMarquardtDamping`` (which adds a schedule and Martens & Grosse's
/// ω-factors).
///
/// After a step Δ the reduction ratio compares the objective's actual change with the change
/// the undamped quadratic model predicted:
///
///     ρ = (J(θ + Δ) − J(θ)) / q(Δ),    q(Δ) = ∇J(θ)ᵀΔ + ½·ΔᵀGΔ,
///
/// and λ follows it: λ ← λ·`increaseFactor` (3/2) if ρ < `lowerThreshold` (1/4), the model was
/// too optimistic and the step must be shorter; λ ← λ·`decreaseFactor` (2/3) if
/// ρ > `upperThreshold` (3/4), the model is trustworthy and the step may grow; otherwise λ is
/// unchanged. The result is clamped to [`minimumDamping`, `maximumDamping`].
public struct LevenbergMarquardtRule<Scalar: BLASScalar>: Sendable, Equatable {
    /// Below this ρ the damping grows (Martens: 1/4).
    public var lowerThreshold: Scalar
    /// Above this ρ the damping shrinks (Martens: 3/4).
    public var upperThreshold: Scalar
    /// The factor applied when ρ is small, > 1 (Martens: 3/2).
    public var increaseFactor: Scalar
    /// The factor applied when ρ is large, in (0, 1] (Martens: 2/3).
    public var decreaseFactor: Scalar
    /// The smallest damping the rule returns, ≥ 0.
    public var minimumDamping: Scalar
    /// The largest damping the rule returns.
    public var maximumDamping: Scalar

    /// The rule with Martens' (2010) constants unless given otherwise.
    public init(
        lowerThreshold: Scalar = 0.25, upperThreshold: Scalar = 0.75, increaseFactor: Scalar = 1.5,
        decreaseFactor: Scalar = 2 / 3, minimumDamping: Scalar = 0, maximumDamping: Scalar = 1e10
    ) {
        self.lowerThreshold = lowerThreshold
        self.upperThreshold = upperThreshold
        self.increaseFactor = increaseFactor
        self.decreaseFactor = decreaseFactor
        self.minimumDamping = minimumDamping
        self.maximumDamping = maximumDamping
    }

    /// The damping after a step with reduction ratio `rho` taken with damping `damping`.
    public func adapted(_ damping: Scalar, rho: Scalar) -> Scalar {
        var next = damping
        if rho < lowerThreshold || rho.isNaN {
            next = damping * increaseFactor
        } else if rho > upperThreshold {
            next = damping * decreaseFactor
        }
        return Swift.min(Swift.max(next, minimumDamping), maximumDamping)
    }

    /// Throws unless the constants describe a usable rule.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` naming the offending constant.
    public func validate() throws {
        guard lowerThreshold.isFinite, upperThreshold.isFinite, lowerThreshold <= upperThreshold else {
            throw OptimizerError.invalidArgument(
                "LevenbergMarquardtRule: need finite thresholds with lowerThreshold ≤ upperThreshold, got \(lowerThreshold) and \(upperThreshold)")
        }
        guard increaseFactor >= 1, increaseFactor.isFinite else {
            throw OptimizerError.invalidArgument("LevenbergMarquardtRule: increaseFactor must be finite and ≥ 1, got \(increaseFactor)")
        }
        guard decreaseFactor > 0, decreaseFactor <= 1 else {
            throw OptimizerError.invalidArgument("LevenbergMarquardtRule: decreaseFactor must lie in (0, 1], got \(decreaseFactor)")
        }
        guard minimumDamping >= 0, minimumDamping <= maximumDamping, maximumDamping.isFinite else {
            throw OptimizerError.invalidArgument(
                "LevenbergMarquardtRule: need 0 ≤ minimumDamping ≤ maximumDamping < ∞, got \(minimumDamping) and \(maximumDamping)")
        }
    }
}
