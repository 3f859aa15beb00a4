import ArgumentParser
import Foundation
import NaturalGradient

/// `natgrad bench`: speed of the package's kernels next to the libraries they call.
///
/// With `--json` it prints one JSON object; each benchmark adds its own entry — `gemm` (the
/// package's gemm against direct OpenBLAS calls) and `autoencoder` (a training step of the deep
/// autoencoder against the best sgemm rate of the same run, see ``AutoencoderBenchmark``;
/// `--skip-autoencoder` leaves it out) and `kfac` (a K-FAC step against an SGD step and the race
/// of K-FAC against Adam, see ``KFACBenchmark``; `--skip-kfac`, `--skip-kfac-race`) — together with the BLAS configuration it ran under, so
/// figures taken with and without `OPENBLAS_CORETYPE` can be told apart.
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

    @Flag(name: .long, help: "Leave out the autoencoder training-step benchmark (MNIST-5k, batch 1000, Float32).")
    var skipAutoencoder = false

    @Flag(name: .long, help: "Leave out the K-FAC benchmarks (step cost against SGD, and the race against Adam: about two minutes).")
    var skipKfac = false

    @Flag(name: .long, help: "Measure K-FAC's step cost but leave out its race against Adam.")
    var skipKfacRace = false

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
        let best = gemm.filter { $0.precision == Float.precisionName }.max { $0.packageGflops < $1.packageGflops }
        let autoencoder = try skipAutoencoder || best == nil ? nil : AutoencoderBenchmark(repetitions: repetitions, seed: seed)
            .run(bestSgemmGflops: best!.packageGflops, bestShape: (best!.m, best!.n, best!.k))
        let kfac = try skipKfac ? nil : KFACBenchmark(seed: seed, race: !skipKfacRace).run()
        let report = BenchReport(
            blas: .init(
                coreName: BLASRuntime.coreName, configuration: BLASRuntime.configuration,
                threads: BLASRuntime.threadCount, coreTypeEnvironment: BLASRuntime.coreTypeEnvironment),
            gemm: gemm, autoencoder: autoencoder, kfac: kfac)
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
    /// The autoencoder step (absent with `--skip-autoencoder`).
    var autoencoder: AutoencoderBenchmark.Result? = nil
    /// The K-FAC step cost and race (absent with `--skip-kfac`).
    var kfac: KFACBenchmark.Result? = nil

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
        if let a = autoencoder {
            lines.append(String(
                format: "autoencoder (batch %d, %d parameters, %.2f GFLOP per forward+backward)", a.batch, a.parameters, a.flopsPerStep / 1e9))
            lines.append(String(
                format: "  forward+backward %.1f ms = %.1f GFLOP/s = %.3f of the best sgemm (%.1f GFLOP/s), %.3f of it timed alongside (%.1f GFLOP/s)",
                a.forwardBackwardSecondsMedian * 1e3, a.forwardBackwardGflops, a.fractionOfBestSgemm, a.bestSgemmGflops,
                a.fractionOfInterleavedSgemm, a.interleavedSgemmGflops))
            lines.append(String(format: "  its gemms alone %.1f ms = %.1f GFLOP/s", a.gemmOnlySecondsMedian * 1e3, a.gemmOnlyGflops))
            lines.append(String(
                format: "  parts: forward %.1f ms, loss %.1f ms, backward %.1f ms; SGD step %.1f ms",
                a.forwardSecondsMedian * 1e3, a.lossSecondsMedian * 1e3, a.backwardSecondsMedian * 1e3, a.sgdStepSecondsMedian * 1e3))
        }
        if let kfac { lines += KFACBenchmark().tableLines(kfac) }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: Swift.max(0, width - count)) + self }
}
