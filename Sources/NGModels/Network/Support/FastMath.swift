/// Single-precision exp, tanh, logistic sigmoid and log1p written in plain arithmetic, so that
/// loops over whole batches vectorize (libm's `expf`/`tanhf`/`log1pf` are opaque calls, one
/// element at a time: they were most of a training step's non-gemm time).
///
/// Every function is branch-free (both sides of a range split are computed and one is selected),
/// propagates NaN, and is accurate to a couple of units in the last place (ulp) of Float — errors
/// measured against the Double functions on every 17th Float bit pattern of the ranges below, and
/// checked by `FastMathTests`:
///
/// | function                   | method                                                            | max error     |
/// |----------------------------|-------------------------------------------------------------------|---------------|
/// | ``exp(_:)``                | x = n·ln 2 + r (Cody–Waite), eʳ by a degree-6 polynomial, 2ⁿ by exponent bits | ≤ 1.5 ulp     |
/// | ``tanh(_:)``               | \|x\| < 0.625: x + x³·P(x²) (degree 4); else 1 − 2/(e²ˣ + 1)        | ≤ 1.5 ulp     |
/// | ``logistic(_:)``           | 1/(1 + e⁻ˣ), or e/(1 + e) with e = eˣ for x < 0 (no overflow)      | ≤ 3 ulp       |
/// | ``log1p(unitInterval:)``   | 2·atanh(s), s = e/(2 + e) ≤ 1/3, odd polynomial in s (degree 9)    | ≤ 2 ulp       |
///
/// The polynomials are weighted least-squares fits iterated to near-minimax (Lawson) of the
/// remainders (eʳ − 1 − r)/r², (tanh(a)/a − 1)/a² and (atanh(s)/s − 1)/s², each with a
/// truncation error below 5·10⁻⁹ relative — well under Float's 6·10⁻⁸ — so the errors above are
/// those of the Float arithmetic. Limits: exp underflows gradually to 0 and overflows to ∞ where
/// eˣ does, tanh is ±1 beyond |x| = 10, and ±0, ±∞ and NaN map as the libm functions map them
/// (NaN to NaN).
///
/// Double keeps the libm functions: its training runs are the reference, not the fast path.
public enum FastMath {
    /// eˣ for Float, ≤ 1.5 ulp wherever the result is a normal number, gradual underflow below
    /// (0 beneath x ≈ −103.9), ∞ above x ≈ 88.72, NaN → NaN.
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float {
        // Comparisons are false for NaN, so NaN passes both clamps and the arithmetic below.
        var x = x < -104.5 ? -104.5 : x
        x = x > 88.8 ? 88.8 : x
        // n = round(x/ln 2) by the 1.5·2²³ shifter: t's low mantissa bits hold n.
        let shifter: Float = 12_582_912
        let t = x * 1.442_695_04 + shifter
        let n = t - shifter
        // r = x − n·ln 2 in two steps (ln 2 = 0.693359375 − 2.12194440e-4 + …; the first product is exact).
        let r = (x - n * 0.693_359_375) - n * -2.121_944_4e-4
        var q: Float = 1.381_461_3e-3
        q = q * r + 8.368_709_8e-3
        q = q * r + 4.166_838_7e-2
        q = q * r + 0.166_665_21
        q = q * r + 0.499_999_93
        let expR = 1 + r + (r * r) * q
        // 2ⁿ (−151 ≤ n ≤ 128) as 2^⌊n/2⌋·2^(n − ⌊n/2⌋), both factors normal numbers, so that the
        // last product rounds once into the subnormal range or overflows to ∞ as eˣ does.
        let k = Int32(bitPattern: t.bitPattern &- 0x4B40_0000)
        let half = k &>> 1
        let first = Float(bitPattern: UInt32(bitPattern: half &+ 127) &<< 23)
        let second = Float(bitPattern: UInt32(bitPattern: k &- half &+ 127) &<< 23)
        return expR * first * second
    }

    /// tanh x for Float, ≤ 1.5 ulp everywhere; tanh(±0) = ±0, tanh(±∞) = ±1, NaN → NaN.
    @inlinable @inline(__always)
    public static func tanh(_ x: Float) -> Float {
        let a = Float(bitPattern: x.bitPattern & 0x7FFF_FFFF)
        // Near 0: tanh a = a + a³·P(a²), no cancellation.
        let u = a * a
        var p: Float = -5.717_044_5e-3
        p = p * u + 2.065_058_7e-2
        p = p * u - 5.374_349_8e-2
        p = p * u + 0.133_314_91
        p = p * u - 0.333_332_84
        let small = a + a * u * p
        // Elsewhere: tanh a = 1 − 2/(e^{2a} + 1); at a ≥ 10 this rounds to 1.
        let clamped = a > 10 ? 10 : a
        let large = 1 - 2 / (exp(2 * clamped) + 1)
        let magnitude = a < 0.625 ? small : large
        return Float(bitPattern: magnitude.bitPattern | (x.bitPattern & 0x8000_0000))
    }

    /// σ(x) = 1/(1 + e⁻ˣ) for Float, ≤ 3 ulp (normal results), computed from e = e^{−|x|} ∈ (0, 1] so that it never
    /// overflows; σ(NaN) = NaN.
    @inlinable @inline(__always)
    public static func logistic(_ x: Float) -> Float {
        let e = exp(-Float(bitPattern: x.bitPattern & 0x7FFF_FFFF))
        let numerator: Float = x < 0 ? e : 1
        return numerator / (1 + e)
    }

    /// log(1 + e) for e ∈ [0, 1] (Float), ≤ 2 ulp, by log(1 + e) = 2·atanh(e/(2 + e)): the
    /// softplus term of the Bernoulli loss, softplus(z) = max(z, 0) + log1p(e^{−|z|}).
    @inlinable @inline(__always)
    public static func log1p(unitInterval e: Float) -> Float {
        let s = e / (2 + e)
        let w = s * s
        var r: Float = 0.140_122_3
        r = r * w + 0.139_995_7
        r = r * w + 0.200_108_5
        r = r * w + 0.333_332_07
        let twoS = 2 * s
        return twoS + twoS * w * r
    }
}
