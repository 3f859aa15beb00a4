/// Conversions from the 16-bit floating-point formats to `Float`, for reading half-precision
/// files. Both are exact: every 16-bit value is representable in single precision.
enum HalfPrecision {
    /// The IEEE 754 binary16 value with bit pattern `bits` (1 sign, 5 exponent, 10 fraction bits).
    ///
    /// Normal numbers map to (−1)ˢ · 2^(e−15) · (1 + f/1024); subnormals (e = 0) to
    /// (−1)ˢ · 2⁻¹⁴ · f/1024; e = 31 gives infinities and NaNs (payload kept).
    static func float(fromHalf bits: UInt16) -> Float {
        let sign: UInt32 = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let fraction = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            let magnitude = Float(fraction) * 0x1p-24  // exact: f · 2⁻²⁴ = 2⁻¹⁴ · f/1024
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
        default:
            // Rebias the exponent from 15 to 127 and widen the fraction from 10 to 23 bits.
            return Float(bitPattern: sign | (exponent + 112) << 23 | fraction << 13)
        }
    }

    /// The bfloat16 value with bit pattern `bits`: the upper half of a binary32 pattern.
    static func float(fromBFloat16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// `count` 16-bit patterns from `bytes` (big- or little-endian) converted with `convert`.
    static func decode(
        _ bytes: UnsafeRawBufferPointer, count: Int, bigEndian: Bool, _ convert: (UInt16) -> Float
    ) -> NumericStorage {
        .float32(decodeElements(UInt16.self, from: bytes, count: count, bigEndian: bigEndian).map(convert))
    }
}
