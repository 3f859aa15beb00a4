import Foundation

/// Reads and writes NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
///
/// Layout (NumPy Enhancement Proposal 1, `numpy.lib.format`):
///
///     offset 0   "\x93NUMPY"        magic string
///     offset 6   major, minor       format version: 1.0, 2.0 or 3.0
///     offset 8   header length      UInt16 little-endian (1.0), UInt32 (2.0, 3.0)
///     then       header             Python dict literal, Latin-1 (1.0, 2.0) or UTF-8 (3.0),
///                                   padded with spaces and ending in "\n"
///     then       data               the elements, C or Fortran order
///
/// Supported types: `f4`, `f8`, `i1`, `i2`, `i4`, `i8`, `u1`, `u2`, `u4`, `u8` in either byte
/// order (big-endian data is converted), and `f2`, read into `float32`. Fortran-order data is
/// transposed to row-major on reading. The data must fill the rest of the file exactly:
/// truncated data and trailing bytes are errors.
///
/// Writing produces format 1.0 (2.0 only if the header would exceed 65535 bytes), with the
/// header padded so the data starts at a multiple of 64 bytes, as `np.save` does; a file written
/// here is byte-identical to NumPy's for the same array.
public enum NumPyFile {
    /// The longest header accepted (1 MiB); NumPy's own headers are 128 bytes for most arrays.
    public static let maximumHeaderByteCount = 1 << 20

    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    private static let alignment = 64

    /// The array in the `.npy` file at `url`.
    /// - Throws: ``DataError`` naming the file when it is unreadable or malformed.
    public static func read(_ url: URL) throws -> NumericArray {
        try decode(FileBytes.read(url), path: url.path)
    }

    /// The array in `.npy` bytes; `path` names them in errors.
    /// - Throws: ``DataError`` on a bad magic string, an unknown version, a header longer than the
    ///   file or than ``maximumHeaderByteCount``, a malformed header, an unsupported dtype, or a
    ///   data size that does not match the shape.
    public static func decode(_ bytes: [UInt8], path: String) throws -> NumericArray {
        var reader = ByteReader(bytes, path: path)
        guard bytes.count >= 8, bytes.starts(with: magic) else {
            throw DataError(path, "not a NumPy .npy file: it does not start with the magic string \\x93NUMPY")
        }
        _ = try reader.take(6, "magic string")
        let version = try reader.take(2, "format version")
        let (major, minor) = (version.first!, version.last!)
        guard (1...3).contains(major), minor == 0 else {
            throw DataError(path, "unsupported .npy format version \(major).\(minor) (supported: 1.0, 2.0, 3.0)")
        }
        let headerLength = Int(try reader.unsigned(width: major == 1 ? 2 : 4, bigEndian: false, "header length"))
        guard headerLength <= maximumHeaderByteCount else {
            throw DataError(path, "header length \(headerLength) exceeds the limit of \(maximumHeaderByteCount) bytes")
        }
        guard headerLength <= reader.remaining else {
            throw DataError(path, "header length \(headerLength) is longer than the \(reader.remaining) bytes left in the file")
        }
        let headerBytes = try reader.take(headerLength, "header")
        let headerText: String
        if major == 3 {
            guard let text = String(validating: headerBytes, as: UTF8.self) else { throw DataError(path, "header is not valid UTF-8") }
            headerText = text
        } else {
            headerText = String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))  // Latin-1
        }
        let header = try NumPyHeader(parsing: headerText, path: path)

        guard let count = elementCount(of: header.shape),
              case let (byteCount, overflow) = count.multipliedReportingOverflow(by: header.fileElementByteCount), !overflow
        else {
            throw DataError(path, "shape \(header.shape) has more elements than can be addressed")
        }
        guard byteCount == reader.remaining else {
            throw DataError(path, "shape \(header.shape) needs \(byteCount) bytes of data, the file holds \(reader.remaining)")
        }
        var storage = bytes.withUnsafeBytes { raw in
            let data = UnsafeRawBufferPointer(rebasing: raw[reader.offset...])
            switch header.fileEncoding {
            case let .native(bigEndian):
                return NumericStorage.decode(header.elementType, from: data, count: count, bigEndian: bigEndian)
            case let .half(bigEndian):
                return HalfPrecision.decode(data, count: count, bigEndian: bigEndian, HalfPrecision.float(fromHalf:))
            }
        }
        if header.fortranOrder && header.shape.count > 1 {
            storage = storage.gathering(fortranToRowMajorIndices(shape: header.shape))
        }
        return NumericArray(checkedShape: header.shape, storage: storage)
    }

    /// The `.npy` bytes of `array`: little-endian, row-major, format 1.0 (2.0 for a header over 65535 bytes).
    public static func encode(_ array: NumericArray) -> [UInt8] {
        let dictionary = Array(NumPyHeader(elementType: array.elementType, shape: array.shape).dictionaryText.utf8)
        // NumPy pads so that magic (8) + length field + header + "\n" is a multiple of 64,
        // always adding at least one space.
        var lengthFieldSize = 2
        var padding = alignment - (8 + lengthFieldSize + dictionary.count + 1) % alignment
        if dictionary.count + padding + 1 > Int(UInt16.max) {
            lengthFieldSize = 4
            padding = alignment - (8 + lengthFieldSize + dictionary.count + 1) % alignment
        }
        let headerLength = dictionary.count + padding + 1
        var bytes = magic + [lengthFieldSize == 2 ? 1 : 2, 0]
        bytes.reserveCapacity(8 + lengthFieldSize + headerLength + array.count * array.elementType.byteCount)
        for shift in stride(from: 0, to: 8 * lengthFieldSize, by: 8) { bytes.append(UInt8(truncatingIfNeeded: headerLength >> shift)) }
        bytes += dictionary
        bytes += Array(repeating: UInt8(ascii: " "), count: padding)
        bytes.append(UInt8(ascii: "\n"))
        array.storage.encode(bigEndian: false, into: &bytes)
        return bytes
    }

    /// Writes `array` as a `.npy` file.
    /// - Throws: ``DataError`` when the file cannot be written.
    public static func write(_ array: NumericArray, to url: URL) throws {
        try FileBytes.write(encode(array), to: url)
    }
}

/// For each row-major position of an array of `shape`, the position of the same element in
/// column-major (Fortran) order.
///
/// Column-major strides are s₀ = 1, sⱼ = sⱼ₋₁ · dⱼ₋₁; the row-major positions are visited in
/// order with an odometer over the multi-index (i₀, …, iₖ₋₁), last axis fastest.
func fortranToRowMajorIndices(shape: [Int]) -> [Int] {
    let count = shape.reduce(1, *)
    guard count > 0 else { return [] }
    var strides = [Int](repeating: 1, count: shape.count)
    for axis in 1..<shape.count { strides[axis] = strides[axis - 1] * shape[axis - 1] }
    var index = [Int](repeating: 0, count: shape.count)
    var offset = 0
    var result = [Int](repeating: 0, count: count)
    for position in 0..<count {
        result[position] = offset
        var axis = shape.count - 1
        while axis >= 0 {
            index[axis] += 1
            offset += strides[axis]
            if index[axis] < shape[axis] { break }
            offset -= strides[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
        }
    }
    return result
}
