import ArgumentParser
import Foundation
import Testing

@testable import NGCLI
import NaturalGradient

/// The autoencoder entry of `natgrad bench`: its FLOP count against the architecture's closed
/// form, the gemm-only closure's call sequence on a small network, the JSON keys, and the flag.
@Suite("bench autoencoder entry")
struct BenchAutoencoderTests {
    @Test("the FLOP count is 6·B·Σ in·out − 2·B·784·1000 for the zoo's autoencoder (15.43 GFLOP at B = 1000)")
    func flops() throws {
        let network: Network<Float> = try ModelZoo.network(.autoencoder, inputCount: 784, outputCount: 784)
        let sizes = ModelSpecification.autoencoderSizes
        let products = zip(sizes, sizes.dropFirst()).map { Double($0 * $1) }
        #expect(products.reduce(0, +) == 2_833_000)
        #expect(AutoencoderBenchmark.flops(network: network, batch: 1000) == 6.0 * 1000 * 2_833_000 - 2.0 * 1000 * 784 * 1000)
        #expect(AutoencoderBenchmark.flops(network: network, batch: 1000) == 15.43e9)
    }

    @Test("the gemm-only closure runs on a small network, and the medians of alternating bodies are positive")
    func gemmOnlyClosure() throws {
        let network = try Network<Float>.multilayerPerceptron(sizes: [5, 4, 3], activation: .tanh)
        let gemms = AutoencoderBenchmark.layerGemms(network: network, batch: 6)
        let reference = AutoencoderBenchmark.sgemm((m: 4, n: 3, k: 2))
        var calls = 0
        let times = try medians(alternating: 3, [{ calls += 1 }, gemms, reference])
        #expect(calls == 2 + 3 && times.count == 3 && times.allSatisfy { $0 >= 0 })
    }

    @Test("the report's JSON carries the autoencoder entry with its documented keys, and leaves it out when skipped")
    func json() throws {
        let result = AutoencoderBenchmark.Result(
            batch: 1000, parameters: 2_837_314, flopsPerStep: 15.43e9, forwardBackwardSecondsMedian: 0.05, forwardBackwardGflops: 308.6,
            gemmOnlySecondsMedian: 0.04, gemmOnlyGflops: 385.75, bestSgemmGflops: 400, fractionOfBestSgemm: 0.7715,
            interleavedSgemmGflops: 410, fractionOfInterleavedSgemm: 0.7527, sgdStepSecondsMedian: 0.052,
            forwardSecondsMedian: 0.018, lossSecondsMedian: 0.001, backwardSecondsMedian: 0.028)
        let blas = BenchReport.BLAS(coreName: "X", configuration: "Y", threads: 2, coreTypeEnvironment: nil)
        let report = BenchReport(blas: blas, gemm: [], autoencoder: result)
        let object = try #require(JSONSerialization.jsonObject(with: Data(try report.jsonString().utf8)) as? [String: Any])
        let entry = try #require(object["autoencoder"] as? [String: Any])
        #expect(Set(entry.keys) == [
            "batch", "parameters", "flops_per_step", "forward_backward_seconds_median", "forward_backward_gflops",
            "gemm_only_seconds_median", "gemm_only_gflops", "best_sgemm_gflops", "fraction_of_best_sgemm",
            "interleaved_sgemm_gflops", "fraction_of_interleaved_sgemm", "sgd_step_seconds_median",
            "forward_seconds_median", "loss_seconds_median", "backward_seconds_median",
        ])
        #expect(entry["fraction_of_best_sgemm"] as? Double == 0.7715)
        #expect(report.table().contains("forward+backward 50.0 ms"))
        let skipped = try #require(JSONSerialization.jsonObject(with: Data(try BenchReport(blas: blas, gemm: []).jsonString().utf8)) as? [String: Any])
        #expect(skipped["autoencoder"] == nil)
        #expect(try BenchCommand.parse(["--skip-autoencoder"]).skipAutoencoder)
        #expect(try !BenchCommand.parse([]).skipAutoencoder)
    }
}
