import Foundation
import NGData
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGTestSupport

@testable import NGTraining

/// Fixtures shared by the training suites.
enum TrainingFixtures {
    /// A fresh empty folder under the system's temporary directory.
    static func temporaryFolder(_ name: String = #function) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("natgrad-training-tests")
            .appendingPathComponent("\(name.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// y = Xw + 0.5 + noise on N×d standard normal features (a regression data set).
    static func regression(examples: Int = 40, features: Int = 3, seed: UInt64 = 1, scale: Double = 1) throws -> Dataset {
        let x: Matrix<Double> = TestMatrices.gaussian(examples, features, seed: seed).map { scale * $0 }
        var generator = SeededGenerator(seed: seed + 1)
        let values = (0..<examples).map { i in
            (0..<features).reduce(0.5) { $0 + Double($1 + 1) * x[i, $1] / scale } + 0.1 * generator.normal()
        }
        return try Dataset(name: "synthetic", features: x, targets: .values(values))
    }

    /// A linear-regression objective (one dense layer, Gaussian likelihood) on a data set.
    static func linearObjective(_ dataset: Dataset, l2: Double = 0) throws -> NetworkObjective<Double, GaussianLikelihood<Double>> {
        let network = try Network<Double>.multilayerPerceptron(sizes: [dataset.featureCount, 1], activation: .identity)
        let targets = try Matrix(rows: dataset.count, columns: 1, elements: dataset.values!)
        return try NetworkObjective(network: network, likelihood: GaussianLikelihood(), inputs: dataset.features, targets: targets, l2: l2)
    }

    /// The entries of a history without the wall times (which differ between runs).
    static func losses(_ history: [HistoryEntry]) -> [[Double?]] {
        history.map { [Double($0.step), $0.loss, $0.testLoss, $0.testAccuracy] }
    }
}

/// Captures a task built by the zoo, erasing its likelihood type behind closures.
struct TaskCapture: TrainingTaskVisitor {
    struct Captured {
        var network: Network<Double>
        var likelihood: String
        var trainInputs: Matrix<Double>
        var trainTargets: Matrix<Double>
        var testTargets: Matrix<Double>?
        var prediction: ClassPrediction?
    }

    func visit<Scalar: BLASScalar, L: Likelihood>(_ task: TrainingTask<Scalar, L>) throws -> Captured where L.Scalar == Scalar {
        Captured(
            network: try ModelZoo.network(task.model, inputCount: task.network.inputCount, outputCount: task.network.outputCount),
            likelihood: task.likelihood.description, trainInputs: task.trainInputs.converted(to: Double.self),
            trainTargets: task.trainTargets.converted(to: Double.self), testTargets: task.testTargets?.converted(to: Double.self),
            prediction: task.prediction)
    }
}
