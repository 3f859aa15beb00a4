/// The elements of a ``NumericArray`` in their own type, flat in row-major (C) order.
///
/// Keeping the file's type (rather than converting everything to `Double` on reading) lets a
/// file be written back unchanged and lets integer labels stay integers.
public enum NumericStorage: Equatable, Sendable {
    case float32([Float])
    case float64([Double])
    case int8([Int8])
    case int16([Int16])
    case int32([Int32])
    case int64([Int64])
    case uint8([UInt8])
    case uint16([UInt16])
    case uint32([UInt32])
    case uint64([UInt64])

    /// The type of the elements.
    public var elementType: ElementType {
        switch self {
        case .float32: return .float32
        case .float64: return .float64
        case .int8: return .int8
        case .int16: return .int16
        case .int32: return .int32
        case .int64: return .int64
        case .uint8: return .uint8
        case .uint16: return .uint16
        case .uint32: return .uint32
        case .uint64: return .uint64
        }
    }

    /// The number of elements.
    public var count: Int {
        switch self {
        case let .float32(v): return v.count
        case let .float64(v): return v.count
        case let .int8(v): return v.count
        case let .int16(v): return v.count
        case let .int32(v): return v.count
        case let .int64(v): return v.count
        case let .uint8(v): return v.count
        case let .uint16(v): return v.count
        case let .uint32(v): return v.count
        case let .uint64(v): return v.count
        }
    }

    /// The elements converted to a floating-point type `T`, rounding to nearest.
    ///
    /// Exact for `float32`, for `float64` when `T` is `Double`, and for integers of magnitude up
    /// to 2²⁴ (`Float`) or 2⁵³ (`Double`), which covers pixel intensities and class labels.
    public func converted<T: BinaryFloatingPoint>(to: T.Type = T.self) -> [T] {
        switch self {
        case let .float32(v): return T.self == Float.self ? v as! [T] : v.map { T($0) }
        case let .float64(v): return T.self == Double.self ? v as! [T] : v.map { T($0) }
        case let .int8(v): return v.map { T($0) }
        case let .int16(v): return v.map { T($0) }
        case let .int32(v): return v.map { T($0) }
        case let .int64(v): return v.map { T($0) }
        case let .uint8(v): return v.map { T($0) }
        case let .uint16(v): return v.map { T($0) }
        case let .uint32(v): return v.map { T($0) }
        case let .uint64(v): return v.map { T($0) }
        }
    }

    /// The elements as `Int`, or `nil` for floating-point storage or a `uint64` value above `Int.max`.
    public var integers: [Int]? {
        switch self {
        case .float32, .float64: return nil
        case let .int8(v): return v.map { Int($0) }
        case let .int16(v): return v.map { Int($0) }
        case let .int32(v): return v.map { Int($0) }
        case let .int64(v): return v.map { Int($0) }
        case let .uint8(v): return v.map { Int($0) }
        case let .uint16(v): return v.map { Int($0) }
        case let .uint32(v): return v.map { Int($0) }
        case let .uint64(v):
            guard v.allSatisfy({ $0 <= UInt64(Int.max) }) else { return nil }
            return v.map { Int($0) }
        }
    }

    /// The elements at `indices`, in that order (used to reorder Fortran-order data).
    func gathering(_ indices: [Int]) -> NumericStorage {
        func gather<T>(_ v: [T]) -> [T] { indices.map { v[$0] } }
        switch self {
        case let .float32(v): return .float32(gather(v))
        case let .float64(v): return .float64(gather(v))
        case let .int8(v): return .int8(gather(v))
        case let .int16(v): return .int16(gather(v))
        case let .int32(v): return .int32(gather(v))
        case let .int64(v): return .int64(gather(v))
        case let .uint8(v): return .uint8(gather(v))
        case let .uint16(v): return .uint16(gather(v))
        case let .uint32(v): return .uint32(gather(v))
        case let .uint64(v): return .uint64(gather(v))
        }
    }

    /// `count` elements of `type` decoded from the start of `bytes` (which must hold them).
    static func decode(
        _ type: ElementType, from bytes: UnsafeRawBufferPointer, count: Int, bigEndian: Bool
    ) -> NumericStorage {
        switch type {
        case .float32: return .float32(decodeElements(Float.self, from: bytes, count: count, bigEndian: bigEndian))
        case .float64: return .float64(decodeElements(Double.self, from: bytes, count: count, bigEndian: bigEndian))
        case .int8: return .int8(decodeElements(Int8.self, from: bytes, count: count, bigEndian: bigEndian))
        case .int16: return .int16(decodeElements(Int16.self, from: bytes, count: count, bigEndian: bigEndian))
        case .int32: return .int32(decodeElements(Int32.self, from: bytes, count: count, bigEndian: bigEndian))
        case .int64: return .int64(decodeElements(Int64.self, from: bytes, count: count, bigEndian: bigEndian))
        case .uint8: return .uint8(decodeElements(UInt8.self, from: bytes, count: count, bigEndian: bigEndian))
        case .uint16: return .uint16(decodeElements(UInt16.self, from: bytes, count: count, bigEndian: bigEndian))
        case .uint32: return .uint32(decodeElements(UInt32.self, from: bytes, count: count, bigEndian: bigEndian))
        case .uint64: return .uint64(decodeElements(UInt64.self, from: bytes, count: count, bigEndian: bigEndian))
        }
    }

    /// Appends the elements' bytes, big- or little-endian, to `bytes`.
    func encode(bigEndian: Bool, into bytes: inout [UInt8]) {
        switch self {
        case let .float32(v): encodeElements(v, bigEndian: bigEndian, into: &bytes)
        case let .float64(v): encodeElements(v, bigEndian: bigEndian, into: &bytes)
        case let .int8(v): encodeElements(v, bigEndian: bigEndian, into: &bytes)
        case let .int16(v): encodeElements(v, bigEndian: bigEndian, into: &bytes)
        case let .int32(v): encodeElements(v, bigEndian: bigEndian, into: &bytes)
        case let .int64(v): encodeElements(v, bigEndian: bigEndian, into: &bytes)
        case let .uint8(v): encodeElements(v, bigEndian: bigEndian, into: &bytes)
        case let .uint16(v): encodeElements(v, bigEndian: bigEndian, into: &bytes)
        case let .uint32(v): encodeElements(v, bigEndian: bigEndian, into: &bytes)
        case let .uint64(v): encodeElements(v, bigEndian: bigEndian, into: &bytes)
        }
    }
}
