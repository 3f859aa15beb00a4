import NGLinearAlgebra

/// Which curvature the quadratic model of the reduction ratio uses.
public enum QuadraticModelCurvature: String, Sendable, Equatable, Hashable, CaseIterable {
    /// q(Δ) = ∇Jᵀ·Δ + ½·Δᵀ·F̃·Δ: the model of the objective itself (Martens & Grosse 2015, §6.5,
    /// with the Fisher; Martens & Sutskever 2012, §8.5): ρ measures how well F̃ predicts J,
    /// independently of the damping being tuned. The default.
    case undamped
    /// q(Δ) = ∇Jᵀ·Δ + ½·Δᵀ·(F̃ + λI)·Δ: the model the damped step minimizes (Martens 2010, §4.1,
    /// reads ρ against the model CG minimized). Its predicted reduction is smaller, so ρ is larger.
    case damped
}

/// Levenberg–Marquardt adaptation of the Tikhonov damping λ from the reduction ratio
///
///     ρ = (J(θ + Δ) − J(θ)) / (q(Δ) − q(0)),
///
/// the actual change of the objective over the change its quadratic model q predicted (Moré
/// 1978; Martens 2010, §4.1; Martens & Grosse 2015, §6.5). Every `interval` steps (T₃):
///
///     ρ < 1/4  ⇒  λ ← λ/ω,     ρ > 3/4  ⇒  λ ← ω·λ,     ω = decayBase^interval,
///
/// with decayBase = 19/20 (Martens & Grosse's ω₁ = (19/20)^{T₃}), so the rate of change per step
/// does not depend on how often λ is adapted. A small ρ means the model over-promised — trust
/// it less, damp more; a large ρ means it is accurate — damp less. λ stays in
/// [minimumDamping, maximumDamping]. A non-finite J(θ + Δ) counts as ρ = −∞ (raise λ); when the
/// model predicts no decrease (q(Δ) − q(0) ≥ 0, e.g. Δ = 0) ρ is undefined and λ is kept.
public struct LevenbergMarquardtDamping<Scalar: BLASScalar>: Sendable, Equatable, Hashable {
    /// T₃ ≥ 1: adapt every this many steps (each adaptation costs one extra loss evaluation).
    public var interval: Int
    /// The per-step factor, in (0, 1); ω = decayBase^interval.
    public var decayBase: Scalar
    /// Below this ρ, raise λ.
    public var lowerThreshold: Scalar
    /// Above this ρ, lower λ.
    public var upperThreshold: Scalar
    /// The least λ.
    public var minimumDamping: Scalar
    /// The largest λ.
    public var maximumDamping: Scalar
    /// Which quadratic model ρ is measured against.
    public var quadraticModel: QuadraticModelCurvature

    /// - Parameters: see the properties; the defaults are Martens & Grosse's: every 5 steps,
    ///   ω = (19/20)⁵, thresholds 1/4 and 3/4, λ in [10⁻⁸, 10⁸], the undamped model.
    public init(
        interval: Int = 5, decayBase: Scalar = 0.95, lowerThreshold: Scalar = 0.25, upperThreshold: Scalar = 0.75,
        minimumDamping: Scalar = 1e-8, maximumDamping: Scalar = 1e8, quadraticModel: QuadraticModelCurvature = .undamped
    ) {
        self.interval = interval
        self.decayBase = decayBase
        self.lowerThreshold = lowerThreshold
        self.upperThreshold = upperThreshold
        self.minimumDamping = minimumDamping
        self.maximumDamping = maximumDamping
        self.quadraticModel = quadraticModel
    }

    /// ω = decayBase^interval.
    public var multiplier: Scalar { Scalar.pow(decayBase, Scalar(interval)) }

    /// Whether λ is adapted after step t (counted from 0): every `interval` steps.
    public func adapts(afterStep step: Int) -> Bool { (step + 1) % interval == 0 }

    /// The rule this schedule applies: λ ← λ/ω when ρ is small, λ ← ω·λ when ρ is large.
    public var rule: LevenbergMarquardtRule<Scalar> {
        LevenbergMarquardtRule(
            lowerThreshold: lowerThreshold, upperThreshold: upperThreshold, increaseFactor: 1 / multiplier,
            decreaseFactor: multiplier, minimumDamping: minimumDamping, maximumDamping: maximumDamping)
    }

    /// The damping after a step with reduction ratio ρ (see the type's documentation).
    public func adapted(_ damping: Scalar, rho: Scalar) -> Scalar { rule.adapted(damping, rho: rho) }

    /// Throws unless the settings are usable.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` naming the bad setting.
    public func validate() throws {
        guard interval >= 1 else { throw OptimizerError.invalidArgument("damping adaptation: the interval must be at least 1, got \(interval)") }
        guard decayBase > 0, decayBase < 1 else {
            throw OptimizerError.invalidArgument("damping adaptation: the decay base must be in (0, 1), got \(decayBase)")
        }
        guard lowerThreshold < upperThreshold, lowerThreshold.isFinite, upperThreshold.isFinite else {
            throw OptimizerError.invalidArgument(
                "damping adaptation: need finite thresholds lower < upper, got \(lowerThreshold) and \(upperThreshold)")
        }
        guard minimumDamping >= 0, minimumDamping <= maximumDamping, maximumDamping.isFinite else {
            throw OptimizerError.invalidArgument(
                "damping adaptation: need 0 ≤ minimum ≤ maximum < ∞ damping, got \(minimumDamping) and \(maximumDamping)")
        }
    }
}
