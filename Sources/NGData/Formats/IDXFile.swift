import Foundation

/// Reads and writes the IDX format of the MNIST files (LeCun et al.), raw or gzip-compressed.
///
/// Layout, all integers big-endian:
///
///     offset 0   0x00 0x00        two zero bytes
///     offset 2   type code        0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
///     offset 3   n                the number of dimensions
///     offset 4   n × UInt32       the dimensions, outermost first
///     then       the elements, row-major, big-endian
///
/// A gzip-compressed file is recognized by its first two bytes (1f 8b), not by its name.
/// Reading checks the declared dimensions against the bytes actually present before
/// allocating anything for the elements.
public enum IDXFile {
    /// The largest decompressed size accepted from a `.gz` file (4 GiB; MNIST's training
    /// images take 47 MB).
    public static let maximumDecompressedByteCount = 1 << 32

    /// The array stored in the IDX file at `url` (raw or gzip-compressed).
    /// - Throws: ``DataError`` naming the file when it is unreadable or malformed.
    public static func read(_ url: URL) throws -> NumericArray {
        try decode(FileBytes.read(url), path: url.path)
    }

    /// The array stored in IDX bytes (raw or gzip-compressed); `path` names them in errors.
    /// - Throws: ``DataError`` on a bad magic number, an unknown type code, no dimensions, a zero
    ///   dimension, or a data size that does not match the dimensions (truncated or trailing data).
    public static func decode(_ fileBytes: [UInt8], path: String) throws -> NumericArray {
        let bytes = Gzip.isCompressed(fileBytes)
            ? try Gzip.decompress(fileBytes, path: path, maximumByteCount: maximumDecompressedByteCount)
            : fileBytes
        guard bytes.count >= 4 else {
            throw DataError(path, "file of \(bytes.count) bytes is too short for an IDX header (4 bytes)")
        }
        var reader = ByteReader(bytes, path: path)
        let magic = UInt32(try reader.unsigned(width: 4, bigEndian: true, "magic number"))
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw DataError(path, "bad magic number \(hex(magic)): an IDX file starts with two zero bytes, a type code and the number of dimensions")
        }
        guard let type = elementType(code: bytes[2]) else {
            throw DataError(path, "bad magic number \(hex(magic)): unknown IDX type code \(hex(bytes[2])), expected 0x08 (uint8), 0x09 (int8), 0x0b (int16), 0x0c (int32), 0x0d (float32) or 0x0e (float64)")
        }
        let dimensionCount = Int(bytes[3])
        guard dimensionCount > 0 else { throw DataError(path, "IDX header declares zero dimensions") }
        var shape: [Int] = []
        for axis in 0..<dimensionCount {
            let size = Int(try reader.unsigned(width: 4, bigEndian: true, "dimensions of the IDX header"))
            guard size > 0 else { throw DataError(path, "dimension \(axis) has size 0") }
            shape.append(size)
        }
        let shapeText = shape.map(String.init).joined(separator: "×")
        let count = elementCount(of: shape)
        let byteCount = count.flatMap { dataByteCount(count: $0, type: type) }
        guard let count, let byteCount, byteCount == reader.remaining else {
            let declared = byteCount.map { "\($0) bytes" } ?? "more bytes than can be addressed"
            throw DataError(path, "header declares \(shapeText) \(type.rawValue) elements (\(declared)) but the file holds \(reader.remaining) bytes of data")
        }
        let storage = bytes.withUnsafeBytes { raw in
            NumericStorage.decode(type, from: UnsafeRawBufferPointer(rebasing: raw[reader.offset...]), count: count, bigEndian: true)
        }
        return NumericArray(checkedShape: shape, storage: storage)
    }

    /// The IDX bytes of `array` (uncompressed).
    /// - Throws: ``DataError`` when the element type has no IDX code (int64 and the unsigned
    ///   types wider than a byte), the array is 0-dimensional or has more than 255 dimensions,
    ///   or a dimension is 0 or does not fit in 32 bits.
    public static func encode(_ array: NumericArray) throws -> [UInt8] {
        guard let code = typeCode(array.elementType) else {
            throw DataError("IDXFile.encode", "IDX has no \(array.elementType.rawValue) type (only uint8, int8, int16, int32, float32 and float64)")
        }
        guard (1...255).contains(array.rank) else {
            throw DataError("IDXFile.encode", "IDX holds 1 to 255 dimensions, the array has \(array.rank)")
        }
        guard array.shape.allSatisfy({ $0 > 0 && $0 <= Int(UInt32.max) }) else {
            throw DataError("IDXFile.encode", "IDX dimensions must be between 1 and 2³²−1, the shape is \(array.shape)")
        }
        var bytes: [UInt8] = [0, 0, code, UInt8(array.rank)]
        bytes.reserveCapacity(4 + 4 * array.rank + array.count * array.elementType.byteCount)
        for size in array.shape {
            bytes += withUnsafeBytes(of: UInt32(size).bigEndian, Array.init)
        }
        array.storage.encode(bigEndian: true, into: &bytes)
        return bytes
    }

    /// Writes `array` as an IDX file, gzip-compressed when `compressed` is true.
    /// - Throws: ``DataError`` as ``encode(_:)`` does, or when the file cannot be written.
    public static func write(_ array: NumericArray, to url: URL, compressed: Bool = false) throws {
        let bytes = try encode(array)
        try FileBytes.write(compressed ? Gzip.compress(bytes) : bytes, to: url)
    }

    /// An image file and its label file, as MNIST distributes them.
    /// - Returns: the images (first axis: one per example) and the labels as integers.
    /// - Throws: ``DataError`` when either file is malformed, the labels are not a 1-dimensional
    ///   integer array, or the two files hold different numbers of examples.
    public static func readImagesAndLabels(images imagesURL: URL, labels labelsURL: URL) throws -> (images: NumericArray, labels: [Int]) {
        let images = try read(imagesURL)
        let labelArray = try read(labelsURL)
        guard labelArray.rank == 1, let labels = labelArray.storage.integers else {
            throw DataError(labelsURL.path, "expected a 1-dimensional integer label array, found \(labelArray.elementType.rawValue) of shape \(labelArray.shape)")
        }
        guard images.shape[0] == labels.count else {
            throw DataError(labelsURL.path, "holds \(labels.count) labels but \(imagesURL.path) holds \(images.shape[0]) images")
        }
        return (images, labels)
    }

    private static func elementType(code: UInt8) -> ElementType? {
        switch code {
        case 0x08: return .uint8
        case 0x09: return .int8
        case 0x0B: return .int16
        case 0x0C: return .int32
        case 0x0D: return .float32
        case 0x0E: return .float64
        default: return nil
        }
    }

    private static func typeCode(_ type: ElementType) -> UInt8? {
        switch type {
        case .uint8: return 0x08
        case .int8: return 0x09
        case .int16: return 0x0B
        case .int32: return 0x0C
        case .float32: return 0x0D
        case .float64: return 0x0E
        case .int64, .uint16, .uint32, .uint64: return nil
        }
    }
}

/// `value` in hexadecimal with a 0x prefix, zero-padded to its full width ("0x00000803").
func hex<T: FixedWidthInteger & UnsignedInteger>(_ value: T) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, T.bitWidth / 4 - digits.count)) + digits
}

/// `count` elements of `type` in bytes, or nil when that overflows `Int`.
func dataByteCount(count: Int, type: ElementType) -> Int? {
    let (bytes, overflow) = count.multipliedReportingOverflow(by: type.byteCount)
    return overflow ? nil : bytes
}
