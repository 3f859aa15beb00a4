import NGLinearAlgebra

extension StrongWolfeLineSearch {
    /// The minimizer of the cubic that interpolates a function's values and slopes at two points
    /// (Nocedal & Wright 2006, "Numerical optimization", 2nd ed., eq. 3.59):
    ///
    ///     d₁ = φ'(a) + φ'(b) − 3·(φ(a) − φ(b)) / (a − b)
    ///     d₂ = sign(b − a)·√(d₁² − φ'(a)·φ'(b))
    ///     t  = b − (b − a)·(φ'(b) + d₂ − d₁) / (φ'(b) − φ'(a) + 2·d₂)
    ///
    /// - Returns: t, or `nil` when the cubic has no local minimizer (negative discriminant), the
    ///   points coincide, or the arithmetic is not finite. The caller safeguards t (it may lie
    ///   outside [a, b]).
    public static func cubicMinimizer(
        _ a: Scalar, value valueA: Scalar, slope slopeA: Scalar, _ b: Scalar, value valueB: Scalar, slope slopeB: Scalar
    ) -> Scalar? {
        guard a != b, valueA.isFinite, valueB.isFinite, slopeA.isFinite, slopeB.isFinite else { return nil }
        let d1 = slopeA + slopeB - 3 * (valueA - valueB) / (a - b)
        let discriminant = d1 * d1 - slopeA * slopeB
        guard discriminant >= 0 else { return nil }
        let d2 = (b > a ? 1 : -1) * discriminant.squareRoot()
        let denominator = slopeB - slopeA + 2 * d2
        guard denominator != 0 else { return nil }
        let t = b - (b - a) * (slopeB + d2 - d1) / denominator
        return t.isFinite ? t : nil
    }
}
