import Foundation
import NGLinearAlgebra

/// The package's version, recorded in every result.
public enum PackageVersion {
    public static let string = "0.5.0"
}

/// How a result was produced — enough to reproduce it and to know whether two results can be
/// compared: the seed, the configuration, the machine and the package version.
public struct RunRecord: Sendable, Equatable, Codable {
    /// The command line or API call that produced the result (`natgrad experiment kfac --seed 0`).
    public var command: String
    /// The root seed of every random draw in the run.
    public var seed: UInt64
    /// The run's settings as name → value (optimizers, steps, batch sizes, model widths…).
    public var configuration: [String: String]
    public var machine: MachineRecord
    public var version: String
    /// When the run started (ISO 8601, UTC).
    public var started: String
    /// Wall time of the whole run, seconds.
    public var seconds: Double

    public init(command: String, seed: UInt64, configuration: [String: String], machine: MachineRecord = .current(), version: String = PackageVersion.string, started: Date = Date(), seconds: Double = 0) {
        self.command = command
        self.seed = seed
        self.configuration = configuration
        self.machine = machine
        self.version = version
        self.started = ISO8601DateFormatter().string(from: started)
        self.seconds = seconds
    }
}

/// The machine a result was measured on.
public struct MachineRecord: Sendable, Equatable, Codable {
    /// The CPU model from /proc/cpuinfo ("unknown" elsewhere).
    public var cpu: String
    /// Logical cores available to the process.
    public var cores: Int
    /// Physical memory in bytes.
    public var memoryBytes: UInt64
    /// The operating system's version string.
    public var operatingSystem: String
    /// The OpenBLAS kernel set in use (`Haswell`, `Cooperlake`…), its build configuration and
    /// thread count, and `OPENBLAS_CORETYPE` as set in the environment (nil when unset).
    public var blasCore: String
    public var blasConfiguration: String
    public var blasThreads: Int
    public var openblasCoretype: String?

    public init(
        cpu: String, cores: Int, memoryBytes: UInt64, operatingSystem: String, blasCore: String, blasConfiguration: String,
        blasThreads: Int, openblasCoretype: String?
    ) {
        self.cpu = cpu
        self.cores = cores
        self.memoryBytes = memoryBytes
        self.operatingSystem = operatingSystem
        self.blasCore = blasCore
        self.blasConfiguration = blasConfiguration
        self.blasThreads = blasThreads
        self.openblasCoretype = openblasCoretype
    }

    /// This machine, read now.
    public static func current() -> MachineRecord {
        let info = ProcessInfo.processInfo
        return MachineRecord(
            cpu: cpuModel() ?? "unknown", cores: info.activeProcessorCount, memoryBytes: info.physicalMemory,
            operatingSystem: info.operatingSystemVersionString, blasCore: BLASRuntime.coreName, blasConfiguration: BLASRuntime.configuration,
            blasThreads: BLASRuntime.threadCount, openblasCoretype: BLASRuntime.coreTypeEnvironment)
    }

    /// The first "model name" line of /proc/cpuinfo.
    static func cpuModel() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") { return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case cpu, cores, memoryBytes = "memory_bytes", operatingSystem = "operating_system", blasCore = "blas_core"
        case blasConfiguration = "blas_configuration", blasThreads = "blas_threads", openblasCoretype = "openblas_coretype"
    }

    /// Writes `openblas_coretype` as null when unset rather than leaving the key out.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(cpu, forKey: .cpu)
        try c.encode(cores, forKey: .cores)
        try c.encode(memoryBytes, forKey: .memoryBytes)
        try c.encode(operatingSystem, forKey: .operatingSystem)
        try c.encode(blasCore, forKey: .blasCore)
        try c.encode(blasConfiguration, forKey: .blasConfiguration)
        try c.encode(blasThreads, forKey: .blasThreads)
        try c.encode(openblasCoretype, forKey: .openblasCoretype)
    }
}
