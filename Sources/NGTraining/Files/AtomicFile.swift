#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Whole-file writes that never leave a half-written file: the bytes go to a temporary file in
/// the destination's folder, are flushed to disk (`fsync`), and the temporary file is renamed
/// over the destination — `rename(2)` within one file system is atomic, so a reader (or a run
/// killed mid-write) sees either the old file or the new one.
public enum AtomicFile {
    /// Writes `bytes` to `url` atomically, replacing any file there.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` naming the path and the system's reason
    ///   when the folder is not writable or the disk is full.
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        let path = url.path
        let folder = url.deletingLastPathComponent().path
        let temporary = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure(path, "cannot create a file in \(folder)") }
        var written = 0
        let ok: Bool = bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let count = systemWrite(descriptor, raw.baseAddress! + written, raw.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += count
            }
            return fsync(descriptor) == 0
        }
        let reason = errno
        close(descriptor)
        guard ok else {
            unlink(temporary)
            throw failure(path, "cannot write \(bytes.count) bytes", code: reason)
        }
        guard rename(temporary, path) == 0 else {
            let renameReason = errno
            unlink(temporary)
            throw failure(path, "cannot replace the file", code: renameReason)
        }
    }

    /// Writes UTF-8 text atomically.
    public static func write(_ text: String, to url: URL) throws {
        try write(Array(text.utf8), to: url)
    }

    /// The error for `path`, with the system's explanation of `errno`.
    private static func failure(_ path: String, _ what: String, code: Int32 = errno) -> TrainingError {
        .invalidConfiguration("\(path): \(what) (\(String(cString: strerror(code))))")
    }
}

/// write(2), named apart from ``AtomicFile/write(_:to:)``.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(descriptor, buffer, count)
    #else
    return Darwin.write(descriptor, buffer, count)
    #endif
}
