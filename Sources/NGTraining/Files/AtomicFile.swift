import Foundation
import NGData

/// Run-folder writes (config, metrics, checkpoints) through NGData's ``AtomicFile``, with its
/// failures worded as ``TrainingError``s that name the path and the system's reason.
extension AtomicFile {
    /// Writes `bytes` to `url` atomically, replacing any file there.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` naming the path and the system's reason
    ///   when the folder is not writable or the disk is full.
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        let failure: Failure? = bytes.withUnsafeBytes { raw in
            do throws(Failure) { try write(raw, toPath: url.path) } catch { return error }
            return nil
        }
        if let failure {
            let what: String
            switch failure.stage {
            case .create: what = "cannot create a file in \(url.deletingLastPathComponent().path)"
            case .write: what = "cannot write \(bytes.count) bytes"
            case .replace: what = "cannot replace the file"
            }
            throw TrainingError.invalidConfiguration("\(url.path): \(what) (\(failure.systemMessage))")
        }
    }

    /// Writes UTF-8 text atomically.
    public static func write(_ text: String, to url: URL) throws {
        try write(Array(text.utf8), to: url)
    }
}
