/// Single-precision exp, tanh, logistic sigmoid and log1p written in plain arithmetic, so that
/// loops over whole batches vectorize (libm's `expf`/`tanhf`/`log1pf` are opaque calls, one
/// element at a time: they were most of a training step's non-gemm time).
///
/// Every function is branch-free (both sides of a range split are computed and one is selected),
/// propagates NaN, and is accurate to a few units in the last place (ulp) of Float — the largest
/// errors against the Double functions over every Float of the ranges named, found by exhaustive
/// scans, and checked on samples by `NetworkFastMathTests`:
///
/// | function                   | method                                                            | max error     |
/// |----------------------------|-------------------------------------------------------------------|---------------|
/// | ``exp(_:)``                | x = n·ln 2 + r (Cody–Waite), eʳ by a degree-6 polynomial, 2ⁿ by exponent bits | ≤ 1.3 ulp     |
/// | ``tanh(_:)``               | x·P(x²)/Q(x²), degrees 6 and 3 in x², \|x\| clamped at 7.93          | ≤ 6 ulp       |
/// | ``logistic(_:)``           | 1/(1 + e⁻ˣ), or e/(1 + e) with e = eˣ for x < 0 (no overflow)      | ≤ 2.7 ulp     |
/// | ``log1p(unitInterval:)``   | 2·atanh(s), s = e/(2 + e) ≤ 1/3, odd polynomial in s (degree 9)    | ≤ 2 ulp       |
///
/// Ranges: exp on [−87.33, 88.72] (normal results), tanh on all of Float, logistic on
/// |x| ≤ 87.3, log1p on [0, 1]. The polynomials are weighted least-squares fits iterated to
/// near-minimax (Lawson) of the remainders (eʳ − 1 − r)/r² and (atanh(s)/s − 1)/s², each with a
/// truncation error below 5·10⁻⁹ relative — well under Float's 6·10⁻⁸ — so the errors above are
/// those of the Float arithmetic; tanh's rational function is described at ``tanh(_:)``.
/// Limits: exp underflows gradually to 0 and overflows to ∞ where eˣ does, tanh is ±1 beyond
/// |x| = 7.93, and ±0, ±∞ and NaN map as the libm functions map them (NaN to NaN).
///
/// Double keeps the libm functions: its training runs are the reference, not the fast path.
///
/// The batch loops of tanh, the logistic and the Bernoulli loss run a C copy of these functions
/// (`Sources/CKernels/CKernels.c`, through ``VectorKernels``) compiled for AVX2 and AVX-512 as
/// well as the baseline; it must stay operation for operation the same — `NetworkVectorKernelTests`
/// checks that both give the same bits at every level.
public enum FastMath {
    /// eˣ for Float, ≤ 1.3 ulp wherever the result is a normal number, gradual underflow below
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

    /// tanh x for Float by one rational function, ≤ 6 ulp everywhere (mean error about 1 ulp);
    /// tanh(±0) = ±0, tanh(±∞) = ±1, |tanh x| ≤ 1, NaN → NaN.
    ///
    ///     tanh a ≈ a·P(a²)/Q(a²),   a = min(|x|, 7.9294696),   P of degree 6, Q of degree 3 in a²,
    ///
    /// with P(0) = Q(0) = 1 so that tanh x = x to within an ulp near 0, fitted on [0, 8] for
    /// relative error (1.9·10⁻⁹ in exact arithmetic; a weighted least-squares fit of the
    /// linearized error, iterated to near-minimax); the Float evaluation's rounding makes the
    /// 6 ulp (5.99 at x = 6.09, checked on every non-negative Float; tanh is odd by construction).
    /// The clamp is where the function first evaluates to exactly 1, so every |x| ≥ 7.93 gives
    /// ±1 (4.4 ulp from tanh(7.93) at worst). This is the form XLA/Eigen use on CPUs, about 3
    /// times cheaper than 1 − 2/(e²ᵃ + 1) with an accurate exponential (which is within 1.5 ulp):
    /// no range reduction, one division.
    @inlinable @inline(__always)
    public static func tanh(_ x: Float) -> Float {
        let magnitude = Float(bitPattern: x.bitPattern & 0x7FFF_FFFF)
        // The comparison is false for NaN, which passes through. The clamp is the smallest
        // argument at which the rational function evaluates to exactly 1 in Float.
        let a = magnitude > 7.929_469_6 ? 7.929_469_6 : magnitude
        let u = a * a
        var p: Float = -1.165_003_69e-13
        p = p * u + 6.396_839_31e-11
        p = p * u - 2.237_703_89e-8
        p = p * u + 1.165_751_75e-5
        p = p * u + 3.150_799_08e-3
        p = p * u + 0.131_256_342
        p = p * u + 1
        var q: Float = 2.615_065_31e-4
        q = q * u + 2.468_071_32e-2
        q = q * u + 0.464_589_655
        q = q * u + 1
        let result = a * p / q
        return Float(bitPattern: result.bitPattern | (x.bitPattern & 0x8000_0000))
    }

    /// σ(x) = 1/(1 + e⁻ˣ) for Float, ≤ 2.7 ulp (normal results), computed from e = e^{−|x|} ∈
    /// (0, 1] so that it never overflows; σ(NaN) = NaN.
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
