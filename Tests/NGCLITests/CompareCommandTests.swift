import ArgumentParser
import Foundation
import Testing

@testable import NGCLI
import NaturalGradient

/// `natgrad compare`: usage errors (exit code 64, naming the choices), the default main job,
/// and a tiny run that writes the sections and the report.
@Suite struct CompareCommandTests {
    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("natgrad-compare-\(UUID().uuidString)")
    }

    @Test func parseErrorsExitWith64AndListTheChoices() {
        let cases: [([String], String)] = [
            (["--data", "iris", "--optimizers", "sgd,adamax"], "hessian-free"),
            (["--data", "iris", "--optimizers", "adam@zero"], "positive number"),
            (["--data", "iris", "--model", "resnet"], "autoencoder"),
            (["--data", "iris", "--steps", "0"], "--steps"),
            (["--data", "iris", "--batch", "0"], "--batch"),
            (["--data", "iris", "--test-fraction", "1"], "--test-fraction"),
            (["--optimizers", "sgd,sgd"], "twice"),
        ]
        for (arguments, fragment) in cases {
            do {
                _ = try CompareCommand.parse(arguments)
                Issue.record("parsed \(arguments)")
            } catch {
                #expect(CompareCommand.exitCode(for: error) == .validationFailure, "\(arguments)")
                #expect(CompareCommand.message(for: error).contains(fragment), "\(CompareCommand.message(for: error))")
            }
        }
    }

    /// An unknown data set, data that do not fit the model, and an unwritable --out are found
    /// when the command runs; each is a usage error naming the problem.
    @Test func runtimeUsageErrorsExitWith64() throws {
        let blocker = Self.temporaryFolder()
        try Data("x".utf8).write(to: blocker)
        defer { try? FileManager.default.removeItem(at: blocker) }
        let output = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        let cases: [([String], String)] = [
            (["--data", "imagenet", "--optimizers", "sgd", "--steps", "1", "--out", output.path], "mnist5k"),
            (["--data", "iris", "--model", "autoencoder", "--optimizers", "sgd", "--steps", "1", "--out", output.path], "784"),
            (["--data", "iris", "--optimizers", "sgd", "--steps", "1", "--out", blocker.path + "/report"], blocker.path),
        ]
        for (arguments, fragment) in cases {
            let command = try CompareCommand.parse(arguments)
            do {
                _ = try command.execute()
                Issue.record("ran \(arguments)")
            } catch {
                #expect(CompareCommand.exitCode(for: error) == .validationFailure, "\(arguments)")
                #expect(CompareCommand.message(for: error).contains(fragment), "\(CompareCommand.message(for: error))")
            }
        }
    }

    /// No arguments: the main job on MNIST-5k, autoencoder and MLP classifier, first-order
    /// baselines against natural-gradient methods; overrides apply to both.
    @Test func noArgumentsMeansTheMainJob() throws {
        let tasks = try CompareCommand.parse([]).tasks()
        #expect(tasks.map(\.model) == ["autoencoder", "mlp:784-256-10"] && tasks.allSatisfy { $0.data == "mnist5k" })
        #expect(tasks.allSatisfy { task in task.optimizers.contains { $0.isFirstOrder } && task.optimizers.contains { $0.name == "kfac" } })
        #expect(tasks[1].testFraction > 0 && tasks[0].testFraction == 0)
        let overridden = try CompareCommand.parse(["--steps", "7", "--optimizers", "adam,kfac@0.01", "--seed", "9"]).tasks()
        #expect(overridden.allSatisfy { $0.steps == 7 && $0.seed == 9 && $0.optimizers.map(\.description) == ["adam", "kfac@0.01"] })
    }

    /// A tiny comparison writes its section (JSON, CSV, SVG) and report.html, and --json prints
    /// the numbers.
    @Test func tinyRunWritesTheReport() throws {
        let output = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        let command = try CompareCommand.parse([
            "--data", "iris", "--model", "mlp:4-6-3", "--optimizers", "sgd,adam,kfac", "--steps", "6", "--batch", "30", "--seed", "2",
            "--out", output.path, "--json",
        ])
        let (results, report) = try command.execute()
        #expect(report == output.appendingPathComponent("report.html").path)
        #expect(FileManager.default.fileExists(atPath: report))
        for name in ["compare-mlp.json", "compare-mlp-summary.csv", "compare-mlp-loss-vs-steps.svg", "compare-mlp-test-accuracy.svg"] {
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(name).path), "\(name)")
        }
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("kfac"))
        let json = try JSONOutput.string(CompareOutput(comparisons: results.map(\.summary), report: report))
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let comparisons = try #require(object["comparisons"] as? [[String: Any]])
        let rows = try #require(comparisons.first?["rows"] as? [[String: Any]])
        #expect(rows.map { $0["optimizer"] as? String } == ["sgd", "adam", "kfac"])
        #expect(rows.allSatisfy { $0["final_loss"] is Double && $0["median_step_seconds"] is Double })
        // (Foundation's JSON round trip may move the last bit.)
        let target = try #require(comparisons.first?["target_loss"] as? Double)
        #expect(abs(target - results[0].target.value!) <= 1e-12 * abs(target))
        #expect(CompareCommand.commandLine(results[0].task).contains("--optimizers sgd,adam,kfac --steps 6 --batch 30"))
    }
}
