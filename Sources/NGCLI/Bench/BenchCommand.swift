import ArgumentParser
import Foundation
import NaturalGradient

/// `natgrad bench`: speed of the package's kernels next to the libraries they call.
///
/// With `--json` it prints one JSON object; each benchmark adds its own entry (`gemm` now; the
/// optimizer issues add theirs), together with the BLAS configuration it ran under, so figures
/// taken with and without `OPENBLAS_CORETYPE` can be told apart.
public struct BenchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark the package's dense kernels against direct OpenBLAS calls (GFLOP/s).")

    @Option(name: .long, help: "Square gemm sizes to measure, comma-separated.")
    var sizes: String = "128,256,512,1024,2048"

    @Option(name: .long, help: "Timed repetitions per size and side.")
    var repetitions: Int = 7

    @Option(name: .long, help: "Seed for the random operands.")
    var seed: UInt64 = 0

    @Flag(name: .long, help: "Print one JSON object instead of a table.")
    var json = false

    public init() {}

    public func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1, got \(repetitions)") }
        _ = try parsedSizes()
    }

    func parsedSizes() throws -> [Int] {
        let parts = sizes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.compactMap { Int($0) }
        guard !parts.isEmpty, values.count == parts.count, values.allSatisfy({ $0 >= 1 && $0 <= 8192 }) else {
            throw ValidationError("--sizes must be comma-separated integers in 1...8192, got '\(sizes)'")
        }
        return values
    }

    public func run() throws {
        let square = try parsedSizes().map { (m: $0, n: $0, k: $0) }
        // A K-FAC-shaped product: a batch of 1000 activations of a 784-wide layer times its weights.
        let shapes = square + [(m: 1000, n: 1000, k: 784)]
        let gemm = GemmBenchmark(shapes: shapes, repetitions: repetitions, seed: seed).run()
        let report = BenchReport(
            blas: .init(
                coreName: BLASRuntime.coreName, configuration: BLASRuntime.configuration,
                threads: BLASRuntime.threadCount, coreTypeEnvironment: BLASRuntime.coreTypeEnvironment),
            gemm: gemm)
        if json {
            print(try report.jsonString())
        } else {
            print(report.table())
        }
    }
}

/// The object `natgrad bench --json` prints.
struct BenchReport: Codable {
    struct BLAS: Codable {
        let coreName: String
        let configuration: String
        let threads: Int
        let coreTypeEnvironment: String?

        enum CodingKeys: String, CodingKey {
            case coreName = "core_name", configuration, threads
            case coreTypeEnvironment = "openblas_coretype"
        }

        /// Writes `openblas_coretype` as null when the variable is unset, rather than leaving the key out.
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(coreName, forKey: .coreName)
            try c.encode(configuration, forKey: .configuration)
            try c.encode(threads, forKey: .threads)
            try c.encode(coreTypeEnvironment, forKey: .coreTypeEnvironment)
        }
    }

    let blas: BLAS
    let gemm: [GemmBenchmark.Result]

    func jsonString() throws -> String {
        try JSONOutput.string(self)
    }

    func table() -> String {
        var lines = [
            "OpenBLAS core \(blas.coreName), \(blas.threads) threads, OPENBLAS_CORETYPE=\(blas.coreTypeEnvironment ?? "(unset)")",
            "precision      m      n      k   package GFLOP/s   direct GFLOP/s   ratio",
        ]
        for r in gemm {
            lines.append(
                r.precision.padding(toLength: 9, withPad: " ", startingAt: 0)
                    + [r.m, r.n, r.k].map { String($0).leftPadded(7) }.joined()
                    + String(format: "%18.1f%17.1f%8.3f", r.packageGflops, r.directGflops, r.packageGflops / r.directGflops))
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: Swift.max(0, width - count)) + self }
}
