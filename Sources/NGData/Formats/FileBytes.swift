import Foundation

/// Whole-file reads and writes with errors that name the file.
enum FileBytes {
    /// The contents of the regular file at `url`.
    /// - Throws: ``DataError`` when the file is missing, is a directory, is larger than
    ///   `maximumByteCount` (checked from its size before reading), or cannot be read.
    static func read(_ url: URL, maximumByteCount: Int = Int.max) throws -> [UInt8] {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError(path, "no such file")
        }
        guard !isDirectory.boolValue else { throw DataError(path, "is a directory, not a file") }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maximumByteCount {
            throw DataError(path, "file of \(size) bytes exceeds the limit of \(maximumByteCount) bytes")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw DataError(path, "cannot read the file (\(error.localizedDescription))")
        }
        guard data.count <= maximumByteCount else {
            throw DataError(path, "file of \(data.count) bytes exceeds the limit of \(maximumByteCount) bytes")
        }
        return [UInt8](data)
    }

    /// Writes `bytes` to `url` atomically (through a temporary file), replacing any file there.
    /// - Throws: ``DataError`` when the file cannot be written.
    static func write(_ bytes: [UInt8], to url: URL) throws {
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw DataError(url.path, "cannot write the file (\(error.localizedDescription))")
        }
    }
}

/// A cursor over a byte buffer whose reads throw, naming the file, instead of running past the end.
struct ByteReader {
    let bytes: [UInt8]
    let path: String
    private(set) var offset: Int

    init(_ bytes: [UInt8], path: String, offset: Int = 0) {
        self.bytes = bytes
        self.path = path
        self.offset = offset
    }

    /// Bytes left after the cursor.
    var remaining: Int { bytes.count - offset }

    /// The next `count` bytes; `what` names them in the error when the file ends first.
    mutating func take(_ count: Int, _ what: String) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw DataError(path, "file ends inside the \(what): needs \(count) bytes at offset \(offset), only \(remaining) left")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    /// An unsigned integer of `width` bytes, big- or little-endian.
    mutating func unsigned(width: Int, bigEndian: Bool, _ what: String) throws -> UInt64 {
        let slice = try take(width, what)
        let ordered = bigEndian ? Array(slice) : slice.reversed()
        return ordered.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
