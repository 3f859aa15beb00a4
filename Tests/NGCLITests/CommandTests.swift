import ArgumentParser
import Foundation
import Testing

@testable import NGCLI
import NaturalGradient

@Suite("natgrad commands")
struct CommandTests {
    @Test("bench measures positive rates for both precisions and reports them as JSON with the documented keys")
    func benchJSON() throws {
        let results = GemmBenchmark(shapes: [(m: 8, n: 5, k: 3)], repetitions: 1, seed: 1).run()
        #expect(results.map(\.precision) == ["float32", "float64"])
        #expect(results.allSatisfy { $0.packageGflops > 0 && $0.directGflops > 0 })
        let report = BenchReport(blas: .init(coreName: "X", configuration: "Y", threads: 1, coreTypeEnvironment: nil), gemm: results)
        let object = try #require(JSONSerialization.jsonObject(with: Data(try report.jsonString().utf8)) as? [String: Any])
        let gemm = try #require(object["gemm"] as? [[String: Any]])
        #expect(Set(gemm[0].keys) == ["precision", "m", "n", "k", "package_gflops", "direct_gflops"])
        let blas = try #require(object["blas"] as? [String: Any])
        #expect(blas["openblas_coretype"] is NSNull)
    }

    @Test("bench rejects malformed --sizes")
    func benchValidation() {
        #expect(throws: (any Error).self) { try BenchCommand.parse(["--sizes", "12,abc"]) }
        #expect(throws: (any Error).self) { try BenchCommand.parse(["--sizes", "0"]) }
        #expect(throws: (any Error).self) { try BenchCommand.parse(["--repetitions", "0"]) }
    }

    @Test("fit rejects a test fraction outside [0, 1) and a negative penalty")
    func fitValidation() {
        #expect(throws: (any Error).self) { try FitCommand.parse(["--test-fraction", "1"]) }
        #expect(throws: (any Error).self) { try FitCommand.parse(["--l2", "-1"]) }
    }

    @Test("fit on an unknown data set names the valid choices")
    func unknownDataSet() throws {
        let command = try FitCommand.parse(["--data", "no-such-data"])
        let error = try #require(throws: (any Error).self) { try command.run() }
        let message = "\(error)"
        #expect(message.contains("breast-cancer") && message.contains("mnist5k"))
    }

    @Test("fit reaches a stationary point on breast-cancer and a sensible accuracy")
    func fitBreastCancer() throws {
        let command = try FitCommand.parse(["--data", "breast-cancer", "--seed", "3"])
        let report = try command.fit(try Dataset.load("breast-cancer"))
        #expect(report.gradientNorm < 1e-9)
        #expect(report.trainAccuracy! > 0.97)
        #expect(report.testAccuracy! > 0.9)
        #expect(report.trainExamples + report.testExamples == 569)
    }

    @Test("fit on iris: softmax regression by Newton reaches a stationary point")
    func fitIris() throws {
        let command = try FitCommand.parse(["--data", "iris"])
        let report = try command.fit(try Dataset.load("iris"))
        #expect(report.model.hasPrefix("softmax"))
        #expect(report.gradientNorm < 1e-9)
        #expect(report.testAccuracy! > 0.85)
    }

    @Test("fit on diabetes: least squares reaches a zero gradient and explains part of the variance")
    func fitDiabetes() throws {
        let command = try FitCommand.parse(["--data", "diabetes"])
        let report = try command.fit(try Dataset.load("diabetes"))
        #expect(report.gradientNorm < 1e-9)
        #expect(report.trainR2! > 0.4 && report.trainR2! < 0.7)
    }
}
