import ArgumentParser
import Foundation
import Testing

@testable import NGCLI
import NaturalGradient

/// `natgrad train`: option parsing and validation (exit code 64 for usage errors), the JSON
/// object's keys, the run folder, and the progress bar's text.
@Suite struct TrainCommandTests {
    @Test func jsonHasTheRequiredKeys() throws {
        let command = try TrainCommand.parse([
            "--data", "iris", "--model", "softmax", "--optimizer", "newton", "--steps", "12", "--standardize", "--test-fraction", "0.2",
            "--seed", "4", "--json",
        ])
        let report = try command.session().run()
        let object = try #require(JSONSerialization.jsonObject(with: Data(try JSONOutput.string(report).utf8)) as? [String: Any])
        for key in ["loss", "steps", "seconds", "step_seconds_median", "peak_memory_bytes", "history", "test_accuracy", "test_loss", "seed", "configuration"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["steps"] as? Int == 12 && object["seed"] as? Int == 4)
        let history = try #require(object["history"] as? [[String: Any]])
        #expect(history.map { $0["step"] as? Int } == [0, 10, 12])
        #expect(history.allSatisfy { $0["seconds"] is Double && $0["loss"] is Double })
        let configuration = try #require(object["configuration"] as? [String: Any])
        #expect(configuration["optimizer"] as? String == "newton" && configuration["precision"] as? String == "float64")
        #expect(configuration["test_fraction"] as? Double == 0.2 && configuration["standardize"] as? Bool == true)
        // The JSON's loss is the last history entry's.
        #expect(object["loss"] as? Double == history.last?["loss"] as? Double)
    }

    /// Usage errors are `ValidationError`s (exit code 64) that name the problem and the choices.
    @Test func usageErrorsExitWith64AndListTheChoices() throws {
        let cases: [([String], String)] = [
            (["--data", "iris", "--model", "softmax", "--optimizer", "adamax"], "hessian-free"),
            (["--data", "iris", "--model", "resnet", "--optimizer", "sgd"], "autoencoder"),
            (["--data", "iris", "--model", "softmax", "--optimizer", "sgd", "--steps", "0"], "--steps"),
            (["--data", "iris", "--model", "softmax", "--optimizer", "sgd", "--batch", "-3"], "--batch"),
            (["--data", "iris", "--model", "softmax", "--optimizer", "sgd", "--lr", "0"], "--lr"),
            (["--data", "iris", "--model", "softmax", "--optimizer", "sgd", "--precision", "float16"], "float32"),
            (["--data", "iris", "--model", "softmax"], "--optimizer"),
        ]
        for (arguments, fragment) in cases {
            do {
                _ = try TrainCommand.parse(arguments)
                Issue.record("parsed \(arguments)")
            } catch {
                #expect(TrainCommand.exitCode(for: error) == .validationFailure, "\(arguments)")
                #expect(TrainCommand.message(for: error).contains(fragment), "\(TrainCommand.message(for: error))")
            }
        }
    }

    /// Errors found once the data are loaded (unknown data, a model that does not fit, an
    /// unwritable --out) are usage errors too; a diverging run is not.
    @Test func runtimeUsageErrorsMapTo64() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("natgrad-train-\(UUID().uuidString)")
        try Data("x".utf8).write(to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [([String], String)] = [
            (["--data", "imagenet", "--model", "softmax", "--optimizer", "sgd"], "mnist5k"),
            (["--data", "iris", "--model", "logistic", "--optimizer", "sgd"], "2 classes"),
            (["--data", "iris", "--model", "autoencoder", "--optimizer", "adam"], "784"),
            (["--data", "iris", "--model", "softmax", "--optimizer", "sgd", "--out", folder.path + "/run"], folder.path),
        ]
        for (arguments, fragment) in cases {
            let command = try TrainCommand.parse(arguments)
            do {
                _ = try command.session().run()
                Issue.record("ran \(arguments)")
            } catch let error as TrainingError {
                let mapped = TrainCommand.commandLineError(error)
                #expect(TrainCommand.exitCode(for: mapped) == .validationFailure, "\(arguments)")
                #expect("\(error)".contains(fragment), "\(error)")
            }
        }
        let diverging = try TrainCommand.parse(["--data", "diabetes", "--model", "linear", "--optimizer", "sgd", "--lr", "1", "--steps", "300"])
        do {
            _ = try diverging.session().run()
            Issue.record("the run did not diverge")
        } catch let error as TrainingError {
            #expect(TrainCommand.exitCode(for: TrainCommand.commandLineError(error)) == .failure)
            #expect("\(error)".contains("step "))
        }
    }

    @Test func resumeNeedsNoOtherOptions() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("natgrad-train-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try TrainCommand.parse(["--data", "iris", "--model", "softmax", "--optimizer", "sgd", "--steps", "5", "--out", folder.path])
        #expect(try first.session().run().steps == 5)
        let resumed = try TrainCommand.parse(["--resume", folder.path, "--steps", "8"])
        let report = try resumed.session().run()
        #expect(report.steps == 8 && report.resumedFromStep == 5 && report.configuration.optimizer == "sgd")
        #expect(throws: (any Error).self) { try TrainCommand.parse(["--resume", folder.path, "--steps", "0"]) }
    }

    @Test func progressBarText() {
        let line = ProgressBar.line(TrainingProgress(step: 25, totalSteps: 100, batchLoss: 0.123456, seconds: 3.21), width: 20)
        #expect(line == "[#####···············]  25/100  loss 0.12346  3.2 s")
        #expect(ProgressBar.line(TrainingProgress(step: 100, totalSteps: 100, batchLoss: 1, seconds: 0), width: 4).hasPrefix("[####] 100/100"))
    }
}
