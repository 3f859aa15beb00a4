#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NGData
import NGLinearAlgebra
import NGModels

/// The folder of a training run (`natgrad train --out RUN_DIR`):
///
/// | file                      | content                                                                  |
/// |---------------------------|--------------------------------------------------------------------------|
/// | `config.json`             | the resolved ``TrainingConfiguration`` (what `--resume` reruns)          |
/// | `metrics.csv`             | the history: `step,seconds,loss,test_loss,test_accuracy`                 |
/// | `checkpoint.safetensors`  | the parameters (``Checkpoint`` naming) and, in `__metadata__`, `step`, `seed`, `model`, `optimizer`, `version`, `data`, `precision` and `state` — the resumable ``TrainingState`` as JSON |
///
/// Every file is written atomically (``AtomicFile``), so the folder always holds a complete
/// checkpoint — the last one written — even if the run is killed while saving. The resumable
/// state lives in the checkpoint's own metadata, so parameters and step count can never disagree.
public struct RunDirectory: Sendable {
    /// The folder.
    public let url: URL

    public var configurationURL: URL { url.appendingPathComponent("config.json") }
    public var metricsURL: URL { url.appendingPathComponent("metrics.csv") }
    public var checkpointURL: URL { url.appendingPathComponent("checkpoint.safetensors") }

    /// The metadata key of the resumable state in the checkpoint.
    public static let stateKey = "state"

    /// A run folder at `path`, created (with its parents) when missing.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` naming the path and the reason when it
    ///   is a file, cannot be created, or is not writable.
    public init(creatingAt path: String) throws {
        let url = URL(fileURLWithPath: path, isDirectory: true)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw TrainingError.invalidConfiguration("--out \(path): is a file, not a folder") }
        } else {
            do {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            } catch {
                throw TrainingError.invalidConfiguration("--out \(path): cannot create the folder (\(Self.reason(error)))")
            }
        }
        guard access(url.path, W_OK | X_OK) == 0 else {
            throw TrainingError.invalidConfiguration("--out \(path): the folder is not writable (\(String(cString: strerror(errno))))")
        }
        self.url = url
    }

    /// An existing run folder to resume.
    /// - Throws: ``TrainingError/unreadableRun(_:)`` when it has no `config.json` or checkpoint.
    public init(existingAt path: String) throws {
        let url = URL(fileURLWithPath: path, isDirectory: true)
        self.url = url
        for file in [configurationURL, checkpointURL] where !FileManager.default.fileExists(atPath: file.path) {
            throw TrainingError.unreadableRun("--resume \(path): \(file.lastPathComponent) is missing; is this the --out folder of a natgrad train run?")
        }
    }

    /// Writes `config.json`.
    public func writeConfiguration(_ configuration: TrainingConfiguration) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try AtomicFile.write(Array(try encoder.encode(configuration)) + [UInt8(ascii: "\n")], to: configurationURL)
    }

    /// Reads `config.json`.
    /// - Throws: ``TrainingError/unreadableRun(_:)`` when it is missing or malformed.
    public func readConfiguration() throws -> TrainingConfiguration {
        do {
            return try JSONDecoder().decode(TrainingConfiguration.self, from: Data(contentsOf: configurationURL))
        } catch {
            throw TrainingError.unreadableRun("\(configurationURL.path): cannot read the run configuration (\(Self.reason(error)))")
        }
    }

    /// Writes `metrics.csv` from a history.
    public func writeMetrics(_ history: [HistoryEntry]) throws {
        try AtomicFile.write(Self.csv(history), to: metricsURL)
    }

    /// The history as CSV, one row per entry; empty fields where there is no test split.
    public static func csv(_ history: [HistoryEntry]) -> String {
        func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        var lines = ["step,seconds,loss,test_loss,test_accuracy"]
        for entry in history {
            lines.append("\(entry.step),\(entry.seconds),\(entry.loss),\(number(entry.testLoss)),\(number(entry.testAccuracy))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the checkpoint with the state in its metadata, then `metrics.csv`.
    public func writeCheckpoint<Scalar: BLASScalar>(
        network: Network<Scalar>, parameters: Vector<Scalar>, state: TrainingState, metadata: [String: String]
    ) throws {
        var metadata = metadata
        metadata["step"] = "\(state.step)"
        metadata["version"] = Checkpoint.version
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        metadata[Self.stateKey] = String(decoding: try encoder.encode(state), as: UTF8.self)
        try Checkpoint.write(network: network, parameters: parameters, metadata: metadata, to: checkpointURL)
        try writeMetrics(state.history)
    }

    /// Reads the checkpoint's parameters for `network` and the state in its metadata.
    /// - Throws: ``TrainingError/unreadableRun(_:)`` for a missing, malformed or mismatched checkpoint.
    public func readCheckpoint<Scalar: BLASScalar>(network: Network<Scalar>) throws -> (parameters: Vector<Scalar>, state: TrainingState) {
        let (parameters, metadata) = try Checkpoint.read(from: checkpointURL, network: network)
        guard let text = metadata[Self.stateKey] else {
            throw TrainingError.unreadableRun("\(checkpointURL.path): the metadata has no '\(Self.stateKey)' entry to resume from")
        }
        do {
            return (parameters, try JSONDecoder().decode(TrainingState.self, from: Data(text.utf8)))
        } catch {
            throw TrainingError.unreadableRun("\(checkpointURL.path): the saved state is malformed (\(Self.reason(error)))")
        }
    }

    /// A short reason from a Foundation error.
    static func reason(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError, let underlying = cocoa.underlying { return "\(underlying.localizedDescription)" }
        return error.localizedDescription
    }
}
