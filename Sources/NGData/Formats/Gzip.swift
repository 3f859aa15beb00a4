import CZlib

/// gzip compression through zlib (RFC 1952), for MNIST-style `.gz` files.
///
/// Files are recognized by their content (the magic bytes 1f 8b), never by their name.
/// Decompression grows its output as zlib produces it, so memory follows the data actually in
/// the stream, up to a caller-given limit that stops a "zip bomb".
enum Gzip {
    /// Whether `bytes` start with the gzip magic number 1f 8b.
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The decompressed contents of a gzip file (concatenated members are joined, as `gzip -d` does).
    /// - Throws: ``DataError`` naming `path` when the stream is corrupt or truncated, when bytes
    ///   other than another gzip member follow it, or when the output would exceed `maximumByteCount`.
    static func decompress(_ bytes: [UInt8], path: String, maximumByteCount: Int = 1 << 32) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError(path, "cannot start zlib decompression")
        }
        defer { inflateEnd(&stream) }
        let chunkSize = 1 << 18
        let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer { chunk.deallocate() }
        var output: [UInt8] = []
        // A first guess only (the array grows as needed): the declared size in the trailer could
        // be forged, so nothing is reserved beyond 4× the input and 64 MiB.
        output.reserveCapacity(min(maximumByteCount, 4 * bytes.count, 1 << 26))

        try bytes.withUnsafeBufferPointer { input in
            guard let base = input.baseAddress else { throw DataError(path, "empty file") }
            var consumed = 0  // input bytes handed to zlib so far
            while true {
                if stream.avail_in == 0 && consumed < input.count {
                    let piece = min(input.count - consumed, Int(UInt32.max))
                    stream.next_in = UnsafeMutablePointer(mutating: base + consumed)
                    stream.avail_in = UInt32(piece)
                    consumed += piece
                }
                stream.next_out = chunk
                stream.avail_out = UInt32(chunkSize)
                let status = inflate(&stream, Z_NO_FLUSH)
                let produced = chunkSize - Int(stream.avail_out)
                guard output.count + produced <= maximumByteCount else {
                    throw DataError(path, "decompressed data exceeds the limit of \(maximumByteCount) bytes")
                }
                output.append(contentsOf: UnsafeBufferPointer(start: chunk, count: produced))
                let left = Int(stream.avail_in) + (input.count - consumed)
                switch status {
                case Z_STREAM_END:
                    guard left > 0 else { return }
                    let next = input.count - left
                    guard left >= 2, input[next] == 0x1F, input[next + 1] == 0x8B else {
                        throw DataError(path, "\(left) bytes of trailing data after the gzip stream")
                    }
                    inflateReset(&stream)
                case Z_OK, Z_BUF_ERROR:
                    if left == 0 && stream.avail_out > 0 || status == Z_BUF_ERROR {
                        throw DataError(path, "gzip stream is truncated (\(output.count) bytes decompressed before the end of the file)")
                    }
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw DataError(path, "corrupt gzip data (\(reason))")
                }
            }
        }
        return output
    }

    /// `bytes` compressed as one gzip member (zlib level 6, the `gzip` default).
    static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        let status = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "Gzip.compress: deflateInit2 failed with \(status)")
        defer { deflateEnd(&stream) }
        let chunkSize = 1 << 18
        let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer { chunk.deallocate() }
        var output: [UInt8] = []
        bytes.withUnsafeBufferPointer { input in
            var consumed = 0
            while true {
                if stream.avail_in == 0 && consumed < input.count, let base = input.baseAddress {
                    let piece = min(input.count - consumed, Int(UInt32.max))
                    stream.next_in = UnsafeMutablePointer(mutating: base + consumed)
                    stream.avail_in = UInt32(piece)
                    consumed += piece
                }
                let finishing = consumed == input.count
                stream.next_out = chunk
                stream.avail_out = UInt32(chunkSize)
                let result = deflate(&stream, finishing ? Z_FINISH : Z_NO_FLUSH)
                precondition(result == Z_OK || result == Z_STREAM_END || result == Z_BUF_ERROR,
                             "Gzip.compress: deflate failed with \(result)")
                output.append(contentsOf: UnsafeBufferPointer(start: chunk, count: chunkSize - Int(stream.avail_out)))
                if result == Z_STREAM_END { return }
            }
        }
        return output
    }
}
