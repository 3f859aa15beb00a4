import ArgumentParser
import Foundation
import NaturalGradient

/// `natgrad compare`: several optimizers on the same task, a table and an HTML report.
///
/// With no `--data` and `--model` it runs the project's main job on the embedded MNIST-5k
/// (``ComparisonTask/mainJob(seed:smoke:)``): first-order baselines against Shampoo, K-FAC and
/// EKFAC on the deep autoencoder and on an MLP classifier. The work is
/// ``Comparison`` and ``ComparisonSection`` (NGExperiments); this command parses the options,
/// prints progress on standard error, prints the tables, and writes the sections and
/// `report.html` into `--out`. Usage errors (unknown names, bad numbers, data that do not fit
/// the model, an unwritable `--out`) exit with code 64.
public struct CompareCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare optimizers on one task: loss, test metric, time to a target loss, step time, memory; writes an HTML report.",
        discussion: """
            Every optimizer starts from the same initialization (derived from --seed) and sees the same data split \
            and, at the same batch size, the same minibatches. The table gives the final training loss, the test \
            accuracy (classifiers) or test loss on the held-out split, the steps and training time to reach the \
            target loss, the median step time and the peak memory of each run; a diverging optimizer is a row, not \
            a failure. The target is --target-loss, or else the final loss of the best first-order baseline \
            (sgd, momentum, adam, rmsprop, adagrad, svrg) in the comparison.

            Without --data and --model: the main job on MNIST-5k — momentum, adam, shampoo, kfac and ekfac on the deep \
            autoencoder (120 steps, batch 1000), and sgd, adam, shampoo, kfac and ekfac on mlp:784-256-10 (200 \
            steps, batch 500, 20 % test split) — under two minutes on two idle cores in a release build. --optimizers, --steps, --batch and --target-loss \
            override both tasks' settings.

            --optimizers takes names separated by commas, each optionally with its own learning rate: \
            sgd@0.05,adam@3e-4,kfac. The report goes to --out (default natgrad-report): one JSON, CSV and SVG \
            set per comparison and report.html rebuilt from every section in the folder.
            """)

    @Option(help: "An embedded data set (\(EmbeddedDataset.allCases.map(\.rawValue).joined(separator: ", "))) or a CSV file (default: mnist5k).")
    var data: String?

    @Option(help: "The model: \(ModelSpecification.choices.joined(separator: ", ")) (default with --data: mlp).")
    var model: String?

    @Option(help: "Optimizers, comma-separated, each name or name@lr, from: \(OptimizerRegistry.names.joined(separator: ", ")).")
    var optimizers: String?

    @Option(help: "Steps per optimizer (default 100 for linear models, 200 for networks).")
    var steps: Int?

    @Option(help: "Examples per minibatch for every optimizer (default: each optimizer's own).")
    var batch: Int?

    @Option(help: "Fraction of the examples held out for the test metric, in [0, 1) (default 0.2; 0 for the autoencoder).")
    var testFraction: Double?

    @Option(help: "The training loss each optimizer is timed to (default: the best first-order baseline's final loss).")
    var targetLoss: Double?

    @Option(help: "Seed of the split, the initialization, the minibatches and the optimizers' sampling.")
    var seed: UInt64 = 0

    @Option(help: "Hidden activation of an mlp: \(ActivationFunction.allCases.map(\.rawValue).joined(separator: ", ")).")
    var activation: String = "tanh"

    @Flag(inversion: .prefixedNo, help: "Z-score the features with the training split's statistics (default: on for linear models, off for networks).")
    var standardize: Bool?

    @Option(help: "Folder for the report (created if missing).")
    var out: String = "natgrad-report"

    @Flag(help: "Print one JSON object with every comparison's numbers instead of the tables.")
    var json = false

    public init() {}

    public func validate() throws {
        do {
            for task in try tasks() { try task.validate() }
        } catch let error as TrainingError {
            throw ValidationError(error.description)
        }
    }

    /// The comparisons these options describe.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` for bad names or numbers.
    func tasks() throws -> [ComparisonTask] {
        let choices = try optimizers.map(OptimizerChoice.parseList)
        if let steps, steps < 1 { throw TrainingError.invalidConfiguration("--steps must be positive, got \(steps)") }
        if let batch, batch < 1 { throw TrainingError.invalidConfiguration("--batch must be positive, got \(batch)") }
        if let testFraction, !(testFraction >= 0 && testFraction < 1) {
            throw TrainingError.invalidConfiguration("--test-fraction must be in [0, 1), got \(testFraction)")
        }
        guard data != nil || model != nil else {
            return ComparisonTask.mainJob(seed: seed).map { task in
                var task = task
                if let choices { task.optimizers = choices }
                if let steps { task.steps = steps }
                if let batch { task.batchSize = batch }
                if let testFraction { task.testFraction = testFraction }
                task.targetLoss = targetLoss
                return task
            }
        }
        let modelName = model ?? "mlp"
        let specification = try ModelSpecification(name: modelName, activation: try activationFunction())
        let family = specification.family
        return [
            ComparisonTask(
                data: data ?? "mnist5k", model: modelName, activation: activation,
                optimizers: choices ?? ComparisonTask.defaultOptimizers(for: family), steps: steps ?? (family.isDeep ? 200 : 100),
                batchSize: batch, testFraction: testFraction ?? (specification == .autoencoder ? 0 : 0.2),
                standardize: standardize ?? (family == .generalizedLinear), targetLoss: targetLoss, seed: seed)
        ]
    }

    func activationFunction() throws -> ActivationFunction {
        do { return try ActivationFunction(name: activation) } catch { throw TrainingError.invalidConfiguration("--activation: \(error)") }
    }

    /// The command that reproduces `task` (recorded in the report).
    static func commandLine(_ task: ComparisonTask) -> String {
        var words = [
            "natgrad", "compare", "--data", task.data, "--model", task.model, "--optimizers", task.optimizers.map(\.description).joined(separator: ","),
            "--steps", "\(task.steps)",
        ]
        if let batch = task.batchSize { words += ["--batch", "\(batch)"] }
        words += ["--test-fraction", "\(task.testFraction)", task.standardize ? "--standardize" : "--no-standardize", "--seed", "\(task.seed)"]
        if let target = task.targetLoss { words += ["--target-loss", "\(target)"] }
        if task.model.lowercased().hasPrefix("mlp") { words += ["--activation", task.activation] }
        return words.joined(separator: " ")
    }

    /// Runs the comparisons, writes their sections and rebuilds the report.
    /// - Returns: the results and the report's path.
    func execute() throws -> (results: [ComparisonOutcome], report: String) {
        let tasks: [ComparisonTask]
        do { tasks = try self.tasks() } catch let error as TrainingError { throw ValidationError(error.description) }
        let folder = try ReportOutput.folder(out)
        var results = [ComparisonOutcome]()
        for task in tasks {
            ReportOutput.status("compare: \(task.optimizers.map(\.description).joined(separator: ", ")) on \(task.model) (\(task.data)), \(task.steps) steps")
            let result: ComparisonOutcome
            do {
                result = try Comparison.run(task) { ReportOutput.status("  " + $0) }
            } catch let error as TrainingError {
                throw TrainCommand.commandLineError(error)
            }
            let section = ComparisonSection.make(result, command: Self.commandLine(task))
            try ReportOutput.write(section, to: folder)
            if !json { print(ReportOutput.text(section)) }
            results.append(result)
        }
        return (results, try ReportOutput.rebuild(folder))
    }

    public func run() throws {
        let (results, report) = try execute()
        if json {
            print(try JSONOutput.string(CompareOutput(comparisons: results.map(\.summary), report: report)))
        } else {
            print("report: \(report)")
        }
    }
}

/// `natgrad compare --json`: every comparison's numbers and the report's path.
struct CompareOutput: Encodable {
    var comparisons: [ComparisonSummary]
    var report: String
}
