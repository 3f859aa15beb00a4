import Foundation

/// A set of named tensors with string metadata, read from or written to the safetensors format
/// (Hugging Face, https://github.com/huggingface/safetensors).
///
/// Layout:
///
///     offset 0       N              UInt64 little-endian: the header length
///     offset 8       header         N bytes of UTF-8 JSON (see ``SafeTensorsHeader``),
///                                   padded with spaces to a multiple of 8 bytes
///     offset 8 + N   data buffer    the tensors' bytes, little-endian, row-major
///
/// Supported dtypes: `F64`, `F32`, `I64`, `I32`, `I16`, `I8`, `U64`, `U32`, `U16`, `U8`;
/// `F16` and `BF16` are read (only) into `float32`. Reading validates what the reference
/// implementation validates: the header length against the file size and a 100 MB cap, the
/// JSON, each tensor's byte count (product of the shape times the dtype size) against its
/// `data_offsets`, the offsets against the buffer, no overlaps — and, as the format requires,
/// that the tensors cover the data buffer contiguously, with no gap and no trailing bytes
/// (both are errors, as in the reference reader).
///
/// Writing follows the reference writer (safetensors 0.8), so the bytes are the same as its
/// for the same tensors: compact JSON with `__metadata__` first (its keys sorted here), the
/// tensors ordered by the reference's dtype order, descending (U64, I64, F64, F32, U32, I32,
/// U16, I16, I8, U8: wider elements first, so every tensor starts aligned to its element
/// size), then by name, and the header padded with spaces to a multiple of 8 bytes.
public struct SafeTensorsFile: Equatable, Sendable {
    /// The tensors by name.
    public var tensors: [String: NumericArray]
    /// The free-form `__metadata__` string map.
    public var metadata: [String: String]

    /// The largest header accepted: 100 MB, the reference implementation's limit.
    public static let maximumHeaderByteCount = 100_000_000

    /// A file with the given tensors and metadata.
    public init(tensors: [String: NumericArray] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensors and metadata in the safetensors file at `url`.
    /// - Throws: ``DataError`` naming the file when it is unreadable or malformed.
    public static func read(_ url: URL) throws -> SafeTensorsFile {
        try decode(FileBytes.read(url), path: url.path)
    }

    /// The tensors and metadata in safetensors bytes; `path` names them in errors.
    /// - Throws: ``DataError`` on a header length beyond the file or the cap, invalid JSON, an
    ///   unsupported dtype, a byte count that does not match the shape, offsets outside the
    ///   buffer, overlapping tensors, or bytes of the buffer that belong to no tensor.
    public static func decode(_ bytes: [UInt8], path: String) throws -> SafeTensorsFile {
        guard bytes.count >= 8 else {
            throw DataError(path, "file of \(bytes.count) bytes is too short for the 8-byte header length")
        }
        var reader = ByteReader(bytes, path: path)
        let declaredLength = try reader.unsigned(width: 8, bigEndian: false, "header length")
        guard declaredLength <= UInt64(maximumHeaderByteCount) else {
            throw DataError(path, "header length \(declaredLength) exceeds the limit of \(maximumHeaderByteCount) bytes")
        }
        let headerLength = Int(declaredLength)
        guard headerLength <= reader.remaining else {
            throw DataError(path, "header length \(headerLength) is longer than the \(reader.remaining) bytes left in the file")
        }
        let header = try SafeTensorsHeader(parsing: try reader.take(headerLength, "header"), path: path)
        let bufferStart = reader.offset
        let bufferSize = reader.remaining

        var spans: [(name: String, begin: Int, end: Int)] = []
        for (name, entry) in header.entries {
            guard let (type, half) = SafeTensorsHeader.elementType(dtype: entry.dtype) else {
                throw DataError(path, "tensor '\(name)' has unsupported dtype '\(entry.dtype)' (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8)")
            }
            guard entry.dataOffsets.count == 2 else {
                throw DataError(path, "tensor '\(name)' has \(entry.dataOffsets.count) data_offsets, expected [begin, end]")
            }
            let (begin, end) = (entry.dataOffsets[0], entry.dataOffsets[1])
            guard begin >= 0, begin <= end, end <= bufferSize else {
                throw DataError(path, "tensor '\(name)' data [\(begin), \(end)) lies outside the \(bufferSize)-byte data buffer")
            }
            let elementSize = half == nil ? type.byteCount : 2
            guard let count = elementCount(of: entry.shape),
                  case let (byteCount, overflow) = count.multipliedReportingOverflow(by: elementSize), !overflow,
                  byteCount == end - begin
            else {
                throw DataError(path, "tensor '\(name)' of shape \(entry.shape) and dtype \(entry.dtype) does not fill its data [\(begin), \(end)) of \(end - begin) bytes")
            }
            spans.append((name, begin, end))
        }
        try checkCoverage(spans, bufferSize: bufferSize, path: path)

        var tensors: [String: NumericArray] = [:]
        bytes.withUnsafeBytes { raw in
            for (name, entry) in header.entries {
                let (type, half) = SafeTensorsHeader.elementType(dtype: entry.dtype)!
                let count = elementCount(of: entry.shape)!
                let data = UnsafeRawBufferPointer(rebasing: raw[(bufferStart + entry.dataOffsets[0])..<(bufferStart + entry.dataOffsets[1])])
                let storage: NumericStorage
                switch half {
                case nil: storage = NumericStorage.decode(type, from: data, count: count, bigEndian: false)
                case .ieee: storage = HalfPrecision.decode(data, count: count, bigEndian: false, HalfPrecision.float(fromHalf:))
                case .bfloat16: storage = HalfPrecision.decode(data, count: count, bigEndian: false, HalfPrecision.float(fromBFloat16:))
                }
                tensors[name] = NumericArray(checkedShape: entry.shape, storage: storage)
            }
        }
        return SafeTensorsFile(tensors: tensors, metadata: header.metadata)
    }

    /// Checks that the tensors' byte ranges tile `[0, bufferSize)` with no overlap, gap or tail.
    private static func checkCoverage(_ spans: [(name: String, begin: Int, end: Int)], bufferSize: Int, path: String) throws {
        let sorted = spans.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var covered = 0  // end of the bytes accounted for so far
        var previous: String?
        for span in sorted {
            if span.begin < covered, let previous {
                throw DataError(path, "tensor '\(span.name)' data [\(span.begin), \(span.end)) overlaps tensor '\(previous)'")
            }
            if span.begin > covered {
                throw DataError(path, "bytes [\(covered), \(span.begin)) of the data buffer belong to no tensor (tensors must cover the buffer contiguously)")
            }
            if span.end > covered || previous == nil { previous = span.name }
            covered = max(covered, span.end)
        }
        if covered < bufferSize {
            throw DataError(path, "bytes [\(covered), \(bufferSize)) at the end of the data buffer belong to no tensor")
        }
    }

    /// The file's bytes.
    /// - Throws: ``DataError`` when a tensor is named `__metadata__`, which the format reserves.
    public func encoded() throws -> [UInt8] {
        if tensors[SafeTensorsHeader.metadataKey] != nil {
            throw DataError("SafeTensorsFile.encoded", "a tensor cannot be named '\(SafeTensorsHeader.metadataKey)'")
        }
        let order = tensors.sorted {
            (Self.writeRank($1.value.elementType), $0.key) < (Self.writeRank($0.value.elementType), $1.key)
        }
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { jsonString($0.key) + ":" + jsonString($0.value) }
            entries.append(jsonString(SafeTensorsHeader.metadataKey) + ":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for (name, tensor) in order {
            let byteCount = tensor.count * tensor.elementType.byteCount
            entries.append(jsonString(name) + ":{\"dtype\":\"\(SafeTensorsHeader.dtype(of: tensor.elementType))\","
                + "\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],"
                + "\"data_offsets\":[\(offset),\(offset + byteCount)]}")
            offset += byteCount
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        header += Array(repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        var bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init)
        bytes.reserveCapacity(8 + header.count + offset)
        bytes += header
        for (_, tensor) in order { tensor.storage.encode(bigEndian: false, into: &bytes) }
        return bytes
    }

    /// The reference writer's dtype order (its `Dtype` enum: U8 < I8 < I16 < U16 < I32 < U32 <
    /// F32 < F64 < I64 < U64), whose descending order puts wider elements first.
    private static func writeRank(_ type: ElementType) -> Int {
        switch type {
        case .uint8: return 0
        case .int8: return 1
        case .int16: return 2
        case .uint16: return 3
        case .int32: return 4
        case .uint32: return 5
        case .float32: return 6
        case .float64: return 7
        case .int64: return 8
        case .uint64: return 9
        }
    }

    /// Writes the file.
    /// - Throws: ``DataError`` as ``encoded()`` does, or when the file cannot be written.
    public func write(to url: URL) throws {
        try FileBytes.write(encoded(), to: url)
    }
}
