import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file writes that never leave a half-written file: the bytes go to a temporary file in
/// the destination's folder, are flushed to disk (`fsync`), and the temporary file is renamed
/// over the destination — `rename(2)` within one file system is atomic, so a reader (or a run
/// killed mid-write) sees either the old file or the new one. Run folders (checkpoints, metrics)
/// and report folders both write through it and word its ``Failure`` in their own errors.
public enum AtomicFile {
    /// Why a write failed: the step and the operating system's error code.
    public struct Failure: Error, Sendable, Equatable {
        public enum Stage: Sendable, Equatable {
            /// The temporary file could not be created in the destination's folder.
            case create
            /// Writing, flushing or closing the temporary file failed.
            case write
            /// The temporary file could not be renamed over the destination.
            case replace
        }

        public let stage: Stage
        public let code: Int32

        /// The operating system's message for ``code`` ("No such file or directory").
        public var systemMessage: String { strerror(code).map { String(cString: $0) } ?? "error \(code)" }
    }

    /// Writes `bytes` to `path` atomically, replacing any file there.
    /// - Throws: ``Failure`` with the step that failed and `errno`.
    public static func write(_ bytes: UnsafeRawBufferPointer, toPath path: String) throws(Failure) {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(stage: .create, code: errno) }
        var failure: Failure?
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                failure = Failure(stage: .write, code: errno)
                break
            }
            offset += written
        }
        if failure == nil && fsync(descriptor) != 0 { failure = Failure(stage: .write, code: errno) }
        if close(descriptor) != 0 && failure == nil { failure = Failure(stage: .write, code: errno) }
        if failure == nil && rename(temporary, path) != 0 { failure = Failure(stage: .replace, code: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    /// write(2), named apart from ``write(_:toPath:)``.
    private static func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(descriptor, bytes, count)
        #else
        return Darwin.write(descriptor, bytes, count)
        #endif
    }
}
