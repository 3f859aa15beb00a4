import Foundation
import NGData
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Report-folder writes through NGData's ``AtomicFile`` and folder creation, each failing with a
/// ``ReportError`` that names the path and the operating system's reason.
extension AtomicFile {
    /// Writes `data` to `path` atomically.
    /// - Throws: ``ReportError/unwritable(path:reason:)`` naming `path` (or its folder) and the reason.
    public static func write(_ data: Data, to path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ReportError.unwritable(path: path, reason: "is a directory")
        }
        let failure: Failure? = data.withUnsafeBytes { raw in
            do throws(Failure) { try write(raw, toPath: path) } catch { return error }
            return nil
        }
        if let failure { throw ReportError.unwritable(path: path, reason: reason(failure.code)) }
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

    /// The operating system's message for `code`, lower-cased ("permission denied").
    static func reason(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "error \(code)" }
        let text = String(cString: message)
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
