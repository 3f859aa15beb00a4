import Foundation
import NGData
import NGLinearAlgebra
import NGModels
import NGTestSupport
import Testing

@testable import NGTraining

/// Whole runs through ``TrainingSession``: reproducibility, the run folder (config, metrics,
/// checkpoint), the NaN stop with a readable last good checkpoint, interrupt and resume, and
/// the networks of the zoo taking a few steps.
@Suite struct TrainingSessionTests {
    @Test func sameSeedSameRunOtherSeedOtherSplit() throws {
        func run(seed: UInt64) throws -> TrainingOutcome {
            try TrainingSession(configuration: TrainingConfiguration(
                data: "iris", model: "mlp:4-8-3", optimizer: "adam", steps: 12, batchSize: 16, standardize: true, testFraction: 0.2,
                seed: seed)).execute()
        }
        let first = try run(seed: 3), second = try run(seed: 3), other = try run(seed: 4)
        #expect(first.parameters == second.parameters)
        #expect(TrainingFixtures.losses(first.report.history) == TrainingFixtures.losses(second.report.history))
        #expect(first.report.history.map(\.step) == [0, 10, 12])
        #expect(first.report.testAccuracy != nil && first.report.testExamples == 30 && first.report.trainExamples == 120)
        #expect(first.parameters != other.parameters)
        #expect(first.report.configuration.precision == .float32 && first.report.configuration.l2 == 0)
    }

    /// The run folder holds config.json (the resolved configuration), metrics.csv (one row per
    /// history entry) and the checkpoint, whose parameters are the trained ones.
    @Test func runFolderHoldsConfigurationMetricsAndCheckpoint() throws {
        let folder = try TrainingFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try TrainingSession(
            configuration: TrainingConfiguration(data: "breast-cancer", model: "logistic", optimizer: "lbfgs", steps: 15, standardize: true, seed: 9),
            outputPath: folder.path
        ).execute()
        let directory = try RunDirectory(existingAt: folder.path)
        let configuration = try directory.readConfiguration()
        #expect(configuration == outcome.report.configuration && configuration.batchSize == 569 && configuration.precision == .float64)
        let rows = try String(contentsOf: directory.metricsURL, encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "step,seconds,loss,test_loss,test_accuracy" && rows.count == outcome.report.history.count + 1)
        #expect(rows.last!.hasPrefix("15,"))
        let network = try Network<Double>.multilayerPerceptron(sizes: [30, 1], activation: .identity)
        let (parameters, state) = try directory.readCheckpoint(network: network)
        #expect(parameters.elements == outcome.parameters && state.step == 15 && state.history == outcome.report.history)
        let metadata = try SafeTensorsFile.read(directory.checkpointURL).metadata
        #expect(metadata["step"] == "15" && metadata["seed"] == "9" && metadata["model"] == "logistic" && metadata["optimizer"] == "lbfgs")
        #expect(metadata["version"] == Checkpoint.version)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == ["config.json", "metrics.csv", "checkpoint.safetensors"])
    }

    /// SGD with a huge learning rate on unstandardized diabetes diverges: the error names the
    /// step, and the checkpoint on disk holds the last good parameters, finite and readable.
    @Test func nanStopLeavesTheLastGoodCheckpoint() throws {
        let folder = try TrainingFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var session = TrainingSession(
            configuration: TrainingConfiguration(data: "diabetes", model: "linear", optimizer: "sgd", steps: 200, learningRate: 1),
            outputPath: folder.path)
        session.checkpointInterval = 10
        do {
            _ = try session.execute()
            Issue.record("the run did not diverge")
        } catch let TrainingError.nonFinite(step, lastGoodStep, _, _) {
            #expect(step > 0 && lastGoodStep == step - 1)
            let directory = try RunDirectory(existingAt: folder.path)
            let network = try Network<Double>.multilayerPerceptron(sizes: [10, 1], activation: .identity)
            let (parameters, state) = try directory.readCheckpoint(network: network)
            #expect(parameters.isFinite && state.step == lastGoodStep)
            let rows = try String(contentsOf: directory.metricsURL, encoding: .utf8).split(separator: "\n")
            #expect(rows.dropFirst().allSatisfy { Int($0.split(separator: ",")[0])! <= lastGoodStep })
        }
    }

    /// An interrupt saves the step reached; resuming from the folder continues to the new total,
    /// and with SGD ends where an uninterrupted run ends.
    @Test func interruptThenResumeMatchesAnUninterruptedRun() throws {
        let configuration = TrainingConfiguration(
            data: "wine", model: "softmax", optimizer: "sgd", steps: 25, batchSize: 32, standardize: true, testFraction: 0.25, seed: 5)
        let straight = try TrainingSession(configuration: configuration).execute()

        let folder = try TrainingFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var interrupted = TrainingSession(configuration: configuration, outputPath: folder.path)
        var polls = 0
        interrupted.stopRequested = {
            polls += 1
            return polls == 13
        }
        let partial = try interrupted.execute()
        #expect(partial.report.stopped == .interrupted && partial.report.steps == 13)

        let resumed = try TrainingSession.resuming(from: folder.path).execute()
        #expect(resumed.report.stopped == .completed && resumed.report.steps == 25 && resumed.report.resumedFromStep == 13)
        #expect(resumed.parameters == straight.parameters)
        #expect(Swift.abs(resumed.report.loss - straight.report.loss) == 0)
        #expect(resumed.report.history.map(\.step) == [0, 10, 13, 20, 25])

        // A longer total continues further.
        let longer = try TrainingSession.resuming(from: folder.path, steps: 30).execute()
        #expect(longer.report.steps == 30 && longer.report.resumedFromStep == 25)
        #expect(throws: TrainingError.self) { try TrainingSession.resuming(from: folder.appendingPathComponent("none").path) }
    }

    /// The networks of the zoo take a few steps on real data and lower the objective.
    @Test(arguments: [("digits", "cnn", "adam"), ("digits", "mlp", "kfac"), ("iris", "mlp:4-16-3", "ekfac")])
    func networksTrain(data: String, model: String, optimizer: String) throws {
        guard OptimizerRegistry.isAvailable(optimizer) else { return }
        let report = try TrainingSession(configuration: TrainingConfiguration(
            data: data, model: model, optimizer: optimizer, steps: 12, batchSize: 64, testFraction: 0.2, seed: 1)).run()
        #expect(report.history.count == 3 && report.loss < report.history[0].loss, "\(report.history)")
        #expect(report.testAccuracy != nil && report.trainAccuracy != nil && report.peakMemoryBytes != nil)
    }

    @Test func badOptionsAreRejected() throws {
        let base = TrainingConfiguration(data: "iris", model: "softmax", optimizer: "sgd")
        var cases = [(TrainingConfiguration, String)]()
        var c = base; c.steps = 0; cases.append((c, "--steps"))
        c = base; c.batchSize = 0; cases.append((c, "--batch"))
        c = base; c.learningRate = -1; cases.append((c, "--lr"))
        c = base; c.testFraction = 1; cases.append((c, "--test-fraction"))
        c = base; c.optimizer = "adamax"; cases.append((c, "lbfgs"))
        c = base; c.model = "transformer"; cases.append((c, "autoencoder"))
        c = base; c.data = "imagenet"; cases.append((c, "breast-cancer"))
        c = base; c.activation = "swish"; cases.append((c, "relu"))
        for (configuration, fragment) in cases {
            do {
                _ = try TrainingSession(configuration: configuration).run()
                Issue.record("accepted \(configuration)")
            } catch let error as TrainingError {
                #expect(error.isUsageError && "\(error)".contains(fragment), "\(error)")
            }
        }
        let folder = try TrainingFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: file)
        do {
            _ = try TrainingSession(configuration: base, outputPath: file.path).run()
            Issue.record("a file was accepted as the run folder")
        } catch {
            #expect("\(error)".contains(file.path) && "\(error)".contains("not a folder"))
        }
    }
}
