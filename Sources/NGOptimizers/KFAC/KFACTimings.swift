/// Where ``KFAC``'s steps spent their time: wall-clock seconds per part, summed over the steps
/// taken (``KFACState/timings``), so that a benchmark can report the cost of each part of a step
/// measured inside real steps rather than in isolation.
///
/// The parts, in the order a step runs them:
/// - ``evaluation``: J(θ) and ∇J on the batch (the forward and backward pass every optimizer pays);
/// - ``statistics``: the factor updates (A by syrk, G by the sampled-label backward pass and syrk);
/// - ``inverses``: the damped inverses (every T₂ steps);
/// - ``preconditioning``: F̃_d⁻¹∇J (two gemms per layer) and its finiteness check;
/// - ``stepRule``: the quadratic model's curvature-vector products (zero for a fixed rule);
/// - ``dampingAdaptation``: the trial loss and model change of Levenberg–Marquardt;
/// - ``total``: the whole step, so that `total − Σ parts` is the rest (building and applying δ).
///
/// Reading the clock costs well under a microsecond per part, negligible next to a step.
public struct KFACTimings: Sendable, Equatable {
    /// The steps these totals cover.
    public var steps = 0
    public var evaluation = 0.0
    public var statistics = 0.0
    public var inverses = 0.0
    public var preconditioning = 0.0
    public var stepRule = 0.0
    public var dampingAdaptation = 0.0
    public var total = 0.0

    public init() {}

    /// The time outside the named parts: total − Σ parts.
    public var rest: Double { total - (evaluation + statistics + inverses + preconditioning + stepRule + dampingAdaptation) }
}
