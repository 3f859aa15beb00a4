import NGLinearAlgebra

/// One evaluated trial step of a line search: φ(α) = J(θ + α·d), φ'(α) = ∇J(θ + α·d)ᵀd, and
/// what the caller computed there (the new parameters and gradient, to reuse after acceptance).
public struct LineSearchTrial<Scalar: BLASScalar, Payload> {
    /// α.
    public let step: Scalar
    /// φ(α).
    public let value: Scalar
    /// φ'(α).
    public let slope: Scalar
    /// The caller's data at α.
    public let payload: Payload
}

/// What a line search found.
public struct LineSearchResult<Scalar: BLASScalar, Payload> {
    /// The accepted trial: one satisfying the strong Wolfe conditions, or — when the evaluation
    /// budget ran out or the bracket collapsed first — the trial with the lowest φ among those
    /// satisfying sufficient decrease. `nil` when no trial decreased φ sufficiently.
    public let accepted: LineSearchTrial<Scalar, Payload>?
    /// Whether `accepted` satisfies both strong Wolfe conditions.
    public let satisfiesStrongWolfe: Bool
    /// The number of evaluations of φ (each also gives φ').
    public let evaluations: Int
}

/// A line search for a step length α satisfying the strong Wolfe conditions
///
///     φ(α) ≤ φ(0) + c₁·α·φ'(0)         (sufficient decrease, Armijo)
///     |φ'(α)| ≤ c₂·|φ'(0)|             (curvature)
///
/// with 0 < c₁ < c₂ < 1 (Nocedal & Wright 2006, "Numerical optimization", 2nd ed., Alg. 3.5 for
/// the bracketing phase and Alg. 3.6 "zoom" for the sectioning phase). The bracketing phase tries
/// α₁, 2α₁, 4α₁, … up to α_max until an interval is known to contain acceptable steps; zoom then
/// shrinks that interval with the minimizer of the cubic interpolating φ and φ' at its ends
/// (``cubicMinimizer(_:value:slope:_:value:slope:)``), kept at least a tenth of the interval's
/// width from either end (bisection when the cubic has no minimizer), so the interval shrinks
/// geometrically. Non-finite φ or φ' at a trial counts as a failed sufficient-decrease test, so an
/// overflowing step is shortened rather than accepted. Where Alg. 3.5/3.6 compare φ at two trials
/// (φ(αⱼ) ≥ φ(α_lo)), values within the rounding of φ (4 ulps of max |φ|) count as equal and the
/// slope φ' decides, which lets the search meet a tight curvature condition near a minimizer whose
/// neighbourhood φ's values cannot resolve (Moré & Thuente 1994, §6, function 2).
///
/// The defaults c₁ = 10⁻⁴ and c₂ = 0.9 are those Nocedal & Wright recommend for quasi-Newton
/// methods (§3.1), where α = 1 is accepted most of the time.
public struct StrongWolfeLineSearch<Scalar: BLASScalar>: Sendable, Equatable {
    /// c₁ of the sufficient-decrease condition.
    public let sufficientDecrease: Scalar
    /// c₂ of the curvature condition.
    public let curvature: Scalar
    /// The most evaluations of φ per search.
    public let maximumEvaluations: Int
    /// α_max, the largest step tried.
    public let maximumStep: Scalar
    /// The factor by which the bracketing phase grows α.
    public let expansion: Scalar

    /// - Parameters:
    ///   - sufficientDecrease: c₁ ∈ (0, c₂); 10⁻⁴ (Nocedal & Wright §3.1).
    ///   - curvature: c₂ ∈ (c₁, 1); 0.9, the usual choice for quasi-Newton and Newton directions
    ///     (0.1 would suit conjugate gradient).
    ///   - maximumEvaluations: ≥ 1; 25, enough for 2⁻²⁰ of a badly scaled initial step.
    ///   - maximumStep: α_max > 0; 10¹⁰, large enough never to bind on a scaled direction.
    ///   - expansion: > 1; 2, doubling α while bracketing.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for constants outside those ranges.
    public init(
        sufficientDecrease: Scalar = 1e-4, curvature: Scalar = 0.9, maximumEvaluations: Int = 25, maximumStep: Scalar = 1e10,
        expansion: Scalar = 2
    ) throws {
        let owner = "StrongWolfeLineSearch"
        try HyperparameterCheck.open(sufficientDecrease, "sufficientDecrease", between: 0, and: 1, in: owner)
        try HyperparameterCheck.open(curvature, "curvature", between: sufficientDecrease, and: 1, in: owner)
        try HyperparameterCheck.count(maximumEvaluations, "maximumEvaluations", atLeast: 1, in: owner)
        try HyperparameterCheck.positive(maximumStep, "maximumStep", in: owner)
        guard expansion > 1, expansion.isFinite else {
            throw OptimizerError.invalidArgument("\(owner): expansion must be greater than 1, got \(expansion)")
        }
        self.sufficientDecrease = sufficientDecrease
        self.curvature = curvature
        self.maximumEvaluations = maximumEvaluations
        self.maximumStep = maximumStep
        self.expansion = expansion
    }

    /// A trial known before the search (α = 0 has no payload).
    private struct Point<Payload> {
        var step: Scalar
        var value: Scalar
        var slope: Scalar
        var payload: Payload?

        var trial: LineSearchTrial<Scalar, Payload>? {
            payload.map { LineSearchTrial(step: step, value: value, slope: slope, payload: $0) }
        }
    }

    /// Searches along a descent direction.
    /// - Parameters:
    ///   - value: φ(0).
    ///   - slope: φ'(0) < 0.
    ///   - initialStep: α₁ > 0, the first trial (1 for Newton and quasi-Newton directions).
    ///   - evaluate: α ↦ (φ(α), φ'(α), payload).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` unless φ(0) is finite, φ'(0) < 0 and
    ///   α₁ > 0; errors of `evaluate`.
    public func search<Payload>(
        value: Scalar, slope: Scalar, initialStep: Scalar,
        evaluate: (Scalar) throws -> (value: Scalar, slope: Scalar, payload: Payload)
    ) throws -> LineSearchResult<Scalar, Payload> {
        guard value.isFinite else { throw OptimizerError.invalidArgument("StrongWolfeLineSearch: φ(0) = \(value) is not finite") }
        guard slope < 0 else {
            throw OptimizerError.invalidArgument("StrongWolfeLineSearch: φ'(0) = \(slope) ≥ 0, not a descent direction")
        }
        try HyperparameterCheck.positive(initialStep, "initialStep", in: "StrongWolfeLineSearch")
        let origin = Point<Payload>(step: 0, value: value, slope: slope, payload: nil)
        var evaluations = 0

        func trial(_ alpha: Scalar) throws -> Point<Payload> {
            evaluations += 1
            let (v, s, payload) = try evaluate(alpha)
            return Point(step: alpha, value: v, slope: s, payload: payload)
        }
        func decreasesSufficiently(_ point: Point<Payload>) -> Bool {
            point.value.isFinite && point.slope.isFinite && point.value <= value + sufficientDecrease * point.step * slope
        }
        func isFlat(_ point: Point<Payload>) -> Bool { Swift.abs(point.slope) <= -curvature * slope }
        // Whether φ at `point` is higher than at `reference` by more than the rounding of φ's
        // values: near a minimizer, values that tie within rounding cannot tell which point is
        // lower, and the slope decides instead (otherwise the bracket would shrink towards the
        // wrong end and the curvature condition could never be met).
        func isHigher(_ point: Point<Payload>, than reference: Point<Payload>) -> Bool {
            let rounding = 4 * Scalar.ulpOfOne * Swift.max(Swift.abs(value), Swift.abs(reference.value))
            return point.value > reference.value + rounding
        }
        func done(_ point: Point<Payload>, wolfe: Bool) -> LineSearchResult<Scalar, Payload> {
            let accepted = point.trial
            return LineSearchResult(accepted: accepted, satisfiesStrongWolfe: wolfe && accepted != nil, evaluations: evaluations)
        }

        // Alg. 3.6: lo satisfies sufficient decrease with the lowest φ seen so far among those
        // that do, and φ'(lo)·(hi − lo) < 0, so [lo, hi] contains acceptable steps.
        func zoom(_ lowStart: Point<Payload>, _ highStart: Point<Payload>) throws -> LineSearchResult<Scalar, Payload> {
            var low = lowStart
            var high = highStart
            while evaluations < maximumEvaluations {
                let width = Swift.abs(high.step - low.step)
                guard width > 4 * Scalar.ulpOfOne * Swift.max(low.step, high.step) else { break }
                let lower = Swift.min(low.step, high.step) + width / 10
                let upper = Swift.max(low.step, high.step) - width / 10
                var alpha = (low.step + high.step) / 2
                if let t = Self.cubicMinimizer(low.step, value: low.value, slope: low.slope, high.step, value: high.value, slope: high.slope) {
                    alpha = Swift.min(Swift.max(t, lower), upper)
                }
                let current = try trial(alpha)
                if !decreasesSufficiently(current) || isHigher(current, than: low) {
                    high = current
                } else {
                    if isFlat(current) { return done(current, wolfe: true) }
                    if current.slope * (high.step - low.step) >= 0 { high = low }
                    low = current
                }
            }
            return done(low, wolfe: false)
        }

        // Alg. 3.5: bracketing.
        var previous = origin
        var alpha = Swift.min(initialStep, maximumStep)
        while evaluations < maximumEvaluations {
            let current = try trial(alpha)
            if !decreasesSufficiently(current) || (evaluations > 1 && isHigher(current, than: previous)) {
                return try zoom(previous, current)
            }
            if isFlat(current) { return done(current, wolfe: true) }
            if current.slope >= 0 { return try zoom(current, previous) }
            previous = current
            if alpha >= maximumStep { break }
            alpha = Swift.min(expansion * alpha, maximumStep)
        }
        return done(previous, wolfe: false)
    }
}
