import ArgumentParser
import Foundation
import NaturalGradient

/// `natgrad train`: train a model of the zoo on a data set with any optimizer of the package.
///
/// The work is a ``TrainingSession`` (NGTraining); this command parses the options, draws the
/// progress bar, prints the report, and maps errors to exit codes: 64 for usage errors
/// (unknown names, a model that does not fit the data, bad numbers, an unwritable `--out`),
/// 1 for a run that diverged, 130 after an interrupt (Ctrl-C) once the checkpoint is saved.
public struct TrainCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model (GLM, MLP, CNN, deep autoencoder) with a first- or second-order optimizer.",
        discussion: """
            The objective is the mean negative log-likelihood over the training split plus (l2/2)·‖W‖² over the \
            weights (biases and intercepts are not penalized). scikit-learn's LogisticRegression(C=…) minimizes \
            C·Σᵢ ℓᵢ + ½‖w‖², the same optimum as --l2 1/(C·N) with N the number of training examples; the \
            default --l2 of linear, logistic, softmax and poisson is 1/N (C = 1), of networks 0. With \
            --model logistic or softmax and --optimizer newton (or ngd), the run reaches that optimum.

            Models: linear (Gaussian), logistic (2 classes), softmax, poisson (counts, log link) are one dense \
            layer whose bias is the intercept; mlp:784-256-10 (--activation between layers); cnn (conv 5×5 → 8, \
            relu, max-pool 2, conv 5×5 → 16, relu, max-pool 2, dense; square images: mnist5k, digits); \
            autoencoder (784-1000-500-250-30-250-500-1000-784, tanh, linear code, Bernoulli output; mnist5k).

            Each optimizer has default hyperparameters per model (--lr and --damping override them). Linear \
            models run in float64 and networks in float32 unless --precision says otherwise.

            --out RUN_DIR writes config.json, metrics.csv and checkpoint.safetensors (PyTorch names \
            layers.{i}.weight (out, in) or (out, in, kh, kw) and layers.{i}.bias, i counting the dense and \
            convolution layers; the resumable state in its metadata), each atomically. Ctrl-C finishes the \
            current step, saves, and exits; --resume RUN_DIR continues (parameters, step count, history; the \
            optimizer's internal state restarts).
            """)

    @Option(help: "An embedded data set (\(EmbeddedDataset.allCases.map(\.rawValue).joined(separator: ", "))) or a CSV file (header row, label or target last).")
    var data: String?

    @Option(help: "The model: \(ModelSpecification.choices.joined(separator: ", ")).")
    var model: String?

    @Option(help: "The optimizer: \(OptimizerRegistry.names.joined(separator: ", ")).")
    var optimizer: String?

    @Option(help: "The number of steps (default 100; with --resume, the new total).")
    var steps: Int?

    @Option(help: "Examples per minibatch (default: the whole training set for linear models; 128 for first-order and 1000 for curvature-based optimizers on networks).")
    var batch: Int?

    @Option(help: "The learning rate (default: the optimizer's for the model).")
    var lr: Double?

    @Option(help: "The (initial) damping λ of curvature-based optimizers (default: the optimizer's).")
    var damping: Double?

    @Option(help: "L2 penalty λ₂ on the weights, objective + (λ₂/2)·‖W‖² (default: 1/N for linear models, i.e. scikit-learn's C = 1; 0 for networks).")
    var l2: Double?

    @Flag(help: "Z-score each feature with the training split's mean and population standard deviation.")
    var standardize = false

    @Option(help: "Fraction of the examples held out for testing, in [0, 1) (stratified for classification).")
    var testFraction: Double = 0

    @Option(help: "Seed of the split, the initialization, the minibatches and the optimizer's sampling.")
    var seed: UInt64 = 0

    @Option(help: "float32 or float64 (default: float64 for linear models, float32 for networks).")
    var precision: String?

    @Option(help: "Hidden activation of an mlp: \(ActivationFunction.allCases.map(\.rawValue).joined(separator: ", ")).")
    var activation: String = "tanh"

    @Flag(help: "Print one JSON object at the end instead of a summary.")
    var json = false

    @Option(help: "Run folder for config.json, metrics.csv and checkpoint.safetensors (created if missing).")
    var out: String?

    @Option(help: "Continue the run saved in this folder (its config.json; --steps sets the new total).")
    var resume: String?

    public init() {}

    public func validate() throws {
        if resume == nil {
            let missing = [("--data", data), ("--model", model), ("--optimizer", optimizer)].filter { $0.1 == nil }.map(\.0)
            guard missing.isEmpty else { throw ValidationError("missing \(missing.joined(separator: ", ")) (or --resume RUN_DIR)") }
        }
        if let precision, Precision(rawValue: precision.lowercased()) == nil {
            throw ValidationError("--precision must be float32 or float64, got '\(precision)'")
        }
        if resume == nil {
            do { try trainingConfiguration().validate() } catch { throw ValidationError("\(error)") }
        } else if let steps, steps < 1 {
            throw ValidationError("--steps must be positive, got \(steps)")
        }
    }

    /// The configuration these options describe (for a fresh run).
    func trainingConfiguration() throws -> TrainingConfiguration {
        TrainingConfiguration(
            data: data ?? "", model: model ?? "", activation: activation, optimizer: optimizer ?? "", steps: steps ?? 100, batchSize: batch,
            learningRate: lr, damping: damping, l2: l2, standardize: standardize, testFraction: testFraction, seed: seed,
            precision: precision.flatMap { Precision(rawValue: $0.lowercased()) })
    }

    /// The session these options describe: a fresh run, or the continuation of `--resume`.
    func session() throws -> TrainingSession {
        guard let resume else { return TrainingSession(configuration: try trainingConfiguration(), outputPath: out) }
        var session = try TrainingSession.resuming(from: resume, steps: steps)
        if let out { session.outputPath = out }
        return session
    }

    public func run() throws {
        let progress = ProgressBar()
        var session: TrainingSession
        do { session = try self.session() } catch let error as TrainingError { throw Self.commandLineError(error) }
        session.onStep = { progress.update($0) }
        TrainingInterrupt.install()
        defer { TrainingInterrupt.uninstall() }
        let report: TrainingReport
        do {
            report = try session.run()
            progress.finish()
        } catch let error as TrainingError {
            progress.finish()
            throw Self.commandLineError(error)
        }
        print(json ? try JSONOutput.string(report) : report.summary)
        if report.stopped == .interrupted {
            let hint = report.runDirectory.map { "; continue with: natgrad train --resume \($0)" } ?? " (no --out folder: nothing was saved)"
            FileHandle.standardError.write(Data("interrupted after step \(report.steps)\(hint)\n".utf8))
            throw ExitCode(130)
        }
    }

    /// Usage errors become `ValidationError` (exit code 64, with the usage); the others keep
    /// their message (exit code 1).
    static func commandLineError(_ error: TrainingError) -> any Error {
        error.isUsageError ? ValidationError(error.description) : error
    }
}
