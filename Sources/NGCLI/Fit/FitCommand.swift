import ArgumentParser
import Foundation
import NaturalGradient

/// `natgrad fit`: the main job until the optimizer layer lands — exact second-order fits of
/// linear models on real data, end to end (load, split, standardize, solve, evaluate).
///
/// A classification set gets logistic (two classes) or softmax regression, a regression set
/// linear regression with Gaussian noise (ridge least squares), each fitted by Newton's method
/// with an L2 penalty (``PenalizedNewton``): for these canonical-link models the Hessian is the
/// Fisher information, so each full step is an exact natural-gradient step. With no `--data`,
/// breast-cancer and diabetes run.
public struct FitCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit logistic, softmax or ridge regression by Newton's method on a data set and report the result.")

    @Option(name: .long, help: "An embedded data set (\(EmbeddedDataset.allCases.map(\.rawValue).joined(separator: ", "))) or a CSV file (header row, label or target last). Default: breast-cancer and diabetes.")
    var data: [String] = []

    @Option(name: .long, help: "L2 penalty λ on the weights (not the intercept): objective + (λ/2)·‖w‖².")
    var l2: Double = 1e-3

    @Option(name: .long, help: "Fraction of examples held out for testing, in [0, 1).")
    var testFraction: Double = 0.2

    @Option(name: .long, help: "Seed of the train/test split.")
    var seed: UInt64 = 0

    @Flag(name: .long, help: "Print one JSON object instead of a table.")
    var json = false

    public init() {}

    public func validate() throws {
        guard l2 >= 0, l2.isFinite else { throw ValidationError("--l2 must be a non-negative number, got \(l2)") }
        guard testFraction >= 0, testFraction < 1 else { throw ValidationError("--test-fraction must be in [0, 1), got \(testFraction)") }
    }

    public func run() throws {
        let names = data.isEmpty ? [EmbeddedDataset.breastCancer.rawValue, EmbeddedDataset.diabetes.rawValue] : data
        var reports: [FitReport] = []
        for name in names {
            let dataset: Dataset
            do { dataset = try Dataset.load(name) } catch { throw ValidationError("\(error)") }
            reports.append(try fit(dataset))
        }
        if json {
            print(try JSONOutput.string(["fits": reports]))
        } else {
            reports.forEach { print($0.summary) }
        }
    }

    func fit(_ dataset: Dataset) throws -> FitReport {
        var generator = SeededGenerator(seed: seed)
        let (train, test) = try dataset.split(testFraction: testFraction, stratified: dataset.isClassification, generator: &generator)
        let standardizer = try Standardizer(fitting: train.features)
        let trainX = try standardizer.transform(train.features)
        let testX = try standardizer.transform(test.features)
        let start = ContinuousClock.now
        var report = FitReport(dataset: dataset.name, examples: dataset.count, features: dataset.featureCount,
                               trainExamples: train.count, testExamples: test.count, l2: l2, seed: seed)
        let trainInputs = trainX.appendingInterceptColumn()
        let testInputs = testX.appendingInterceptColumn()
        switch dataset.targets {
        case let .classes(_, count):
            let trainLabels = train.labels!
            let result: NewtonResult
            let predict: (Matrix<Double>, Vector<Double>) throws -> [Int]
            if count == 2 {
                let model = try LogisticRegression<Double>(inputDimension: trainInputs.columns)
                report.model = "logistic regression, Newton"
                result = try PenalizedNewton(model: model, l2: l2).minimize(inputs: trainInputs, targets: trainLabels)
                predict = { x, theta in try model.probabilities(parameters: theta, inputs: x).elements.map { $0 >= 0.5 ? 1 : 0 } }
            } else {
                let model = try SoftmaxRegression<Double>(classCount: count, inputDimension: trainInputs.columns)
                report.model = "softmax regression (last class pinned), Newton"
                result = try PenalizedNewton(model: model, l2: l2).minimize(inputs: trainInputs, targets: trainLabels)
                predict = { x, theta in
                    let p = try model.probabilities(parameters: theta, inputs: x)
                    return (0..<p.rows).map { i in (0..<p.columns).max { p[i, $0] < p[i, $1] }! }
                }
            }
            report.iterations = result.iterations
            report.objective = result.objective
            report.gradientNorm = result.gradientNorm
            func accuracy(_ x: Matrix<Double>, _ labels: [Int]) throws -> Double {
                Double(zip(try predict(x, result.parameters), labels).filter { $0 == $1 }.count) / Double(labels.count)
            }
            report.trainAccuracy = try accuracy(trainInputs, trainLabels)
            if test.count > 0 { report.testAccuracy = try accuracy(testInputs, test.labels!) }
        case .values:
            let trainTargets = train.values!
            let model = try LinearRegression<Double>(inputDimension: trainInputs.columns)
            let result = try PenalizedNewton(model: model, l2: l2).minimize(inputs: trainInputs, targets: trainTargets)
            report.model = "ridge least squares (Gaussian NLL), Newton = Cholesky"
            report.iterations = result.iterations
            report.objective = result.objective
            report.gradientNorm = result.gradientNorm
            let scores = { (x: Matrix<Double>, y: [Double]) in RegressionScores(predictions: x * result.parameters, targets: y) }
            let trainScores = scores(trainInputs, trainTargets)
            report.trainRMSE = trainScores.rmse
            report.trainR2 = trainScores.r2
            if test.count > 0 {
                let testScores = scores(testInputs, test.values!)
                report.testRMSE = testScores.rmse
                report.testR2 = testScores.r2
            }
        }
        let elapsed = ContinuousClock.now - start
        report.seconds = elapsed.inSeconds
        return report
    }
}

/// One fit's figures, as printed and as JSON.
struct FitReport: Codable {
    var dataset: String
    var examples: Int
    var features: Int
    var trainExamples: Int
    var testExamples: Int
    var l2: Double
    var seed: UInt64
    var model = ""
    var iterations = 0
    var objective = Double.nan
    var gradientNorm = Double.nan
    var seconds = 0.0
    var trainAccuracy: Double?
    var testAccuracy: Double?
    var trainRMSE: Double?
    var testRMSE: Double?
    var trainR2: Double?
    var testR2: Double?

    enum CodingKeys: String, CodingKey {
        case dataset, examples, features, l2, seed, model, iterations, objective, seconds
        case trainExamples = "train_examples", testExamples = "test_examples", gradientNorm = "gradient_norm"
        case trainAccuracy = "train_accuracy", testAccuracy = "test_accuracy"
        case trainRMSE = "train_rmse", testRMSE = "test_rmse", trainR2 = "train_r2", testR2 = "test_r2"
    }

    var summary: String {
        var lines = [
            "\(dataset): \(examples) examples × \(features) features, \(trainExamples) train / \(testExamples) test (seed \(seed))",
            "  \(model), λ = \(l2): \(iterations) iteration(s), \(String(format: "%.3f", seconds * 1000)) ms",
            "  objective \(String(format: "%.10g", objective)), gradient norm \(String(format: "%.3e", gradientNorm))",
        ]
        if let trainAccuracy {
            lines.append("  accuracy: train \(percent(trainAccuracy))" + (testAccuracy.map { ", test \(percent($0))" } ?? ""))
        }
        if let trainRMSE, let trainR2 {
            lines.append("  RMSE: train \(String(format: "%.3f", trainRMSE))" + (testRMSE.map { ", test \(String(format: "%.3f", $0))" } ?? "")
                + "; R²: train \(String(format: "%.4f", trainR2))" + (testR2.map { ", test \(String(format: "%.4f", $0))" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }

    private func percent(_ x: Double) -> String { String(format: "%.2f %%", 100 * x) }
}

/// Root-mean-square error and the coefficient of determination R² = 1 − SS_res/SS_tot.
struct RegressionScores {
    let rmse: Double
    let r2: Double

    init(predictions: Vector<Double>, targets: [Double]) {
        let residual = predictions - Vector(targets)
        let mean = targets.reduce(0, +) / Double(targets.count)
        let total = targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let squared = residual.norm * residual.norm
        rmse = (squared / Double(targets.count)).squareRoot()
        r2 = 1 - squared / total
    }
}
