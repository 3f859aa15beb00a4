import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system operations with POSIX error reporting: atomic writes (a temporary file in the
/// same folder, then `rename(2)`, so a reader never sees half a file) and folder creation, each
/// failing with a ``ReportError`` that names the path and the operating system's reason.
public enum AtomicFile {
    /// Writes `data` to `path` atomically.
    /// - Throws: ``ReportError/unwritable(path:reason:)`` naming `path` (or its folder) and the reason.
    public static func write(_ data: Data, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ReportError.unwritable(path: path, reason: "is a directory")
        }
        let temporary = (folder.isEmpty ? "." : folder) + "/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ReportError.unwritable(path: path, reason: reason(errno)) }
        var failure: Int32?
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == nil && fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0 && failure == nil { failure = errno }
        if failure == nil && rename(temporary, path) != 0 { failure = errno }
        if let failure {
            unlink(temporary)
            throw ReportError.unwritable(path: path, reason: reason(failure))
        }
    }

    /// Writes `text` as UTF-8 to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Creates the folder at `path` and its parents when missing.
    /// - Throws: ``ReportError/unwritable(path:reason:)`` naming the path and the reason when a
    ///   component exists as a file (`not a directory`), permission is denied, or the folder
    ///   exists but cannot be written to.
    public static func createFolder(_ path: String) throws {
        guard !path.isEmpty else { throw ReportError.unwritable(path: path, reason: "empty path") }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            var status = stat()
            if stat(prefix, &status) == 0 {
                if status.st_mode & S_IFMT != S_IFDIR {
                    throw ReportError.unwritable(path: path, reason: "\(prefix) exists and is not a directory")
                }
                continue
            }
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw ReportError.unwritable(path: path, reason: reason(errno))
            }
        }
        if access(path, W_OK | X_OK) != 0 {
            throw ReportError.unwritable(path: path, reason: reason(errno))
        }
    }

    private static func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(descriptor, bytes, count)
        #else
        return Darwin.write(descriptor, bytes, count)
        #endif
    }

    /// The operating system's message for `code`, lower-cased ("permission denied").
    static func reason(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "error \(code)" }
        let text = String(cString: message)
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
