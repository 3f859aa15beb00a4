import Foundation
import NGModels
import Testing

/// `FastMath`'s Float exp, tanh, logistic and log1p against the Double libm functions, in units
/// in the last place (ulp) of the correctly rounded Float result, on a dense sample of Float bit
/// patterns, plus the special values.
@Suite struct NetworkFastMathTests {
    /// |a − b| in ulps of the Float nearest b (the smaller of the two ulps around a power of two,
    /// so that results just below one are not flattered; the least subnormal for 0).
    static func ulps(_ a: Float, _ b: Double) -> Double {
        let nearest = Float(b)
        let ulp = Swift.min(nearest.ulp, nearest.magnitude.nextDown.ulp)
        return Swift.abs(Double(a) - b) / Double(ulp > 0 ? ulp : Float.leastNonzeroMagnitude)
    }

    /// The largest error of `f` against `reference` over every `step`-th bit pattern from
    /// `lower` to `upper` (non-negative patterns), with both signs when `signed`.
    static func worstError(
        from lower: UInt32, to upper: UInt32, step: UInt32, signed: Bool, where admit: (Float) -> Bool = { _ in true },
        _ f: (Float) -> Float, _ reference: (Double) -> Double
    ) -> (ulps: Double, at: Float) {
        var worst = (ulps: 0.0, at: Float(0))
        var bits = lower
        while bits <= upper {
            for sign: UInt32 in signed ? [0, 0x8000_0000] : [0] {
                let x = Float(bitPattern: bits | sign)
                guard admit(x) else { continue }
                let error = ulps(f(x), reference(Double(x)))
                if !(error <= worst.ulps) { worst = (error, x) }
            }
            let (next, overflow) = bits.addingReportingOverflow(step)
            if overflow { break }
            bits = next
        }
        return worst
    }

    @Test("exp is within 1.3 ulp wherever e^x is a normal Float, and underflows and overflows as e^x does")
    func exponential() {
        // Every 997th pattern up to |x| = 88.7 (1.1 million samples per sign).
        let worst = Self.worstError(from: 0, to: Float(88.7).bitPattern, step: 997, signed: true,
                                    where: { $0 >= -87.3 }, FastMath.exp, Foundation.exp)
        #expect(worst.ulps <= 1.3, "exp: \(worst.ulps) ulp at \(worst.at)")
        // The subnormal range keeps its absolute accuracy: within one least subnormal (plus 1.5 ulp of a normal).
        for x: Float in [-87.5, -90, -95.25, -100, -103] {
            #expect(Swift.abs(Double(FastMath.exp(x)) - Foundation.exp(Double(x))) <= 2 * Double(Float.leastNonzeroMagnitude))
        }
        #expect(FastMath.exp(-104.5) == 0 && FastMath.exp(-1000) == 0 && FastMath.exp(-.infinity) == 0)
        #expect(FastMath.exp(89) == .infinity && FastMath.exp(.infinity) == .infinity)
        #expect(FastMath.exp(0) == 1 && FastMath.exp(-0.0) == 1)
        #expect(FastMath.exp(.nan).isNaN)
    }

    @Test("tanh is within 6 ulp everywhere, odd, at most 1 in magnitude, ±1 at ±∞, NaN for NaN")
    func hyperbolicTangent() {
        let worst = Self.worstError(from: 0, to: Float.infinity.bitPattern, step: 997, signed: true, FastMath.tanh, Foundation.tanh)
        #expect(worst.ulps <= 6, "tanh: \(worst.ulps) ulp at \(worst.at)")
        // Densely where the error peaks (about x = 6.09) and around the clamp (7.93).
        for (lower, upper): (Float, Float) in [(6.0, 6.2), (7.8, 8.1)] {
            let dense = Self.worstError(from: lower.bitPattern, to: upper.bitPattern, step: 1, signed: true, FastMath.tanh, Foundation.tanh)
            #expect(dense.ulps <= 6, "tanh on [\(lower), \(upper)]: \(dense.ulps) ulp at \(dense.at)")
        }
        var bits: UInt32 = 0
        while bits < Float(9).bitPattern {
            let x = Float(bitPattern: bits)
            #expect(Swift.abs(FastMath.tanh(x)) <= 1 && FastMath.tanh(-x) == -FastMath.tanh(x))
            bits += 4099
        }
        #expect(FastMath.tanh(0) == 0 && FastMath.tanh(-0.0).sign == .minus)
        #expect(FastMath.tanh(Float.leastNonzeroMagnitude) == Float.leastNonzeroMagnitude)
        #expect(FastMath.tanh(.infinity) == 1 && FastMath.tanh(-.infinity) == -1 && FastMath.tanh(20) == 1 && FastMath.tanh(7.93) == 1)
        #expect(FastMath.tanh(.nan).isNaN)
    }

    @Test("logistic is within 2.7 ulp where σ(x) is a normal Float and stays in [0, 1] without overflow")
    func logistic() {
        let worst = Self.worstError(from: 0, to: Float(87).bitPattern, step: 997, signed: true,
                                    FastMath.logistic, { 1 / (1 + Foundation.exp(-$0)) })
        #expect(worst.ulps <= 2.7, "logistic: \(worst.ulps) ulp at \(worst.at)")
        #expect(FastMath.logistic(0) == 0.5)
        #expect(FastMath.logistic(.infinity) == 1 && FastMath.logistic(-.infinity) == 0)
        #expect(FastMath.logistic(200) == 1 && FastMath.logistic(-200) == 0)
        #expect(FastMath.logistic(.nan).isNaN)
    }

    @Test("log1p on [0, 1] is within 2 ulp, exact at 0 and tiny arguments")
    func logOnePlus() {
        let worst = Self.worstError(from: 0, to: Float(1).bitPattern, step: 499, signed: false,
                                    { FastMath.log1p(unitInterval: $0) }, Foundation.log1p)
        #expect(worst.ulps <= 2, "log1p: \(worst.ulps) ulp at \(worst.at)")
        #expect(FastMath.log1p(unitInterval: 0) == 0)
        #expect(FastMath.log1p(unitInterval: 1e-30) == 1e-30)
        #expect(FastMath.log1p(unitInterval: .nan).isNaN)
    }
}
