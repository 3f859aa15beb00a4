import NGLinearAlgebra

/// Helpers for the per-element loops of layers and likelihoods: the Float fast paths.
///
/// The loops live in generic functions marked `@_specialize(where Scalar == Float)` (and
/// `Double`), so they run as specialized code even when reached from unspecialized generic
/// callers. Inside such a function, `Scalar.self == Float.self` is a constant, and the bit casts
/// here are no-ops in the Float copy, so a loop body can call ``FastMath``'s Float functions on
/// `Scalar` values and still vectorize; the Double copy keeps its libm path.
enum ElementwiseKernels {
    /// The value as a Float; only for `Scalar == Float` (checked by the caller).
    @inline(__always)
    static func asFloat<Scalar: BLASScalar>(_ x: Scalar) -> Float { unsafeBitCast(x, to: Float.self) }

    /// A Float as the value of the generic scalar type; only for `Scalar == Float`.
    @inline(__always)
    static func fromFloat<Scalar: BLASScalar>(_ x: Float) -> Scalar { unsafeBitCast(x, to: Scalar.self) }

    /// Σᵢ xᵢ over `count` entries with eight independent partial sums: strict floating-point
    /// order forbids the compiler from vectorizing a single running sum, and the partial sums
    /// both vectorize and lower the rounding error (pairwise-like growth per lane).
    @inline(__always)
    static func sum<Scalar: BLASScalar>(_ x: UnsafePointer<Scalar>, count: Int) -> Scalar {
        var s0: Scalar = 0, s1: Scalar = 0, s2: Scalar = 0, s3: Scalar = 0
        var s4: Scalar = 0, s5: Scalar = 0, s6: Scalar = 0, s7: Scalar = 0
        var i = 0
        while i + 8 <= count {
            s0 += x[i]; s1 += x[i + 1]; s2 += x[i + 2]; s3 += x[i + 3]
            s4 += x[i + 4]; s5 += x[i + 5]; s6 += x[i + 6]; s7 += x[i + 7]
            i += 8
        }
        while i < count {
            s0 += x[i]
            i += 1
        }
        return ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7))
    }
}
