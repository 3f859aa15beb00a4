/// The element type of a ``NumericArray``: the fixed-width numbers the IDX, NumPy `.npy` and
/// safetensors formats have in common.
///
/// Half-precision files (NumPy `<f2`, safetensors `F16` and `BF16`) are read into `float32`,
/// which holds every half-precision value exactly; there is no half-precision element type.
public enum ElementType: String, CaseIterable, Sendable {
    case float32, float64
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .float32, .int32, .uint32: return 4
        case .float64, .int64, .uint64: return 8
        }
    }

    /// Whether the elements are floating-point numbers (as opposed to integers).
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }
}

/// A fixed-width element that can be copied to and from a byte buffer and byte-swapped.
protocol StorableElement: BitwiseCopyable {
    /// The same value with its bytes in the opposite order.
    var swappingBytes: Self { get }
}

extension Float: StorableElement {
    var swappingBytes: Float { Float(bitPattern: bitPattern.byteSwapped) }
}
extension Double: StorableElement {
    var swappingBytes: Double { Double(bitPattern: bitPattern.byteSwapped) }
}
extension Int8: StorableElement { var swappingBytes: Int8 { self } }
extension Int16: StorableElement { var swappingBytes: Int16 { byteSwapped } }
extension Int32: StorableElement { var swappingBytes: Int32 { byteSwapped } }
extension Int64: StorableElement { var swappingBytes: Int64 { byteSwapped } }
extension UInt8: StorableElement { var swappingBytes: UInt8 { self } }
extension UInt16: StorableElement { var swappingBytes: UInt16 { byteSwapped } }
extension UInt32: StorableElement { var swappingBytes: UInt32 { byteSwapped } }
extension UInt64: StorableElement { var swappingBytes: UInt64 { byteSwapped } }

/// Whether this machine stores multi-byte numbers most significant byte first.
let hostIsBigEndian: Bool = {
    #if _endian(big)
    return true
    #else
    return false
    #endif
}()

/// `count` elements read from the start of `bytes`, which are stored big- or little-endian.
///
/// The caller has checked that `bytes` holds at least `count` elements; the copy is one `memcpy`
/// followed, when the file's byte order differs from the machine's, by a swap of each element.
func decodeElements<T: StorableElement>(
    _: T.Type, from bytes: UnsafeRawBufferPointer, count: Int, bigEndian: Bool
) -> [T] {
    let byteCount = count * MemoryLayout<T>.size
    precondition(bytes.count >= byteCount, "decodeElements: \(bytes.count) bytes cannot hold \(count) elements")
    var values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        if byteCount > 0 {
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<byteCount]))
        }
        initialized = count
    }
    if bigEndian != hostIsBigEndian && MemoryLayout<T>.size > 1 {
        values.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices { buffer[i] = buffer[i].swappingBytes }
        }
    }
    return values
}

/// Appends the bytes of `values` to `bytes`, big- or little-endian.
func encodeElements<T: StorableElement>(_ values: [T], bigEndian: Bool, into bytes: inout [UInt8]) {
    if bigEndian != hostIsBigEndian && MemoryLayout<T>.size > 1 {
        values.map(\.swappingBytes).withUnsafeBytes { bytes.append(contentsOf: $0) }
    } else {
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }
}
