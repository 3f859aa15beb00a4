import Foundation
import NGData
import NGLinearAlgebra
import NGModels
import NGRandom
import NGTestSupport
import Testing

@testable import NGTraining

/// The model zoo: architectures against their parameter counts computed by formula, the layer
/// structure of the autoencoder and the cnn, the targets each model builds from a data set,
/// and the errors for data that do not fit.
@Suite struct TrainingModelZooTests {
    @Test func namesParseAndUnknownNamesListTheChoices() throws {
        #expect(try ModelSpecification(name: "Logistic") == .logistic)
        #expect(try ModelSpecification(name: "mlp:784-256-10") == .multilayerPerceptron(sizes: [784, 256, 10], activation: .tanh))
        #expect(try ModelSpecification(name: "mlp:4,8,3", activation: .relu) == .multilayerPerceptron(sizes: [4, 8, 3], activation: .relu))
        #expect(try ModelSpecification(name: "mlp:784-256-10").name == "mlp:784-256-10")
        #expect(try ModelSpecification(name: "cnn") == .convolutional)
        for bad in ["resnet", "mlp:784", "mlp:784--10", "mlp:0-10", "mlp:a-b"] {
            do {
                _ = try ModelSpecification(name: bad)
                Issue.record("'\(bad)' was accepted")
            } catch {
                let message = "\(error)"
                #expect(message.contains(bad == "resnet" ? "linear, logistic, softmax, poisson, mlp:784-256-10, cnn, autoencoder" : "mlp:784-256-10"), "\(message)")
            }
        }
    }

    /// The autoencoder is 784-1000-500-250-30-250-500-1000-784 with P = Σ (in + 1)·out, tanh after
    /// every dense layer except the 30-unit code and the output.
    @Test func autoencoderArchitecture() throws {
        let network: Network<Float> = try ModelZoo.network(.autoencoder, inputCount: 784, outputCount: 784)
        let sizes = [784, 1000, 500, 250, 30, 250, 500, 1000, 784]
        let expectedCount = zip(sizes, sizes.dropFirst()).reduce(0) { $0 + ($1.0 + 1) * $1.1 }
        #expect(network.parameterCount == expectedCount)
        #expect(expectedCount == 2_837_314)
        #expect(network.parameterLayouts.map(\.columns) == Array(sizes.dropLast()))
        #expect(network.parameterLayouts.map(\.rows) == Array(sizes.dropFirst()))
        // What follows each dense layer: tanh, except after the code (30) and the output.
        for (index, layout) in network.parameterLayouts.enumerated() {
            let next = layout.layerIndex + 1 < network.layers.count ? network.layers[layout.layerIndex + 1] : nil
            let activation = (next as? Activation<Float>)?.function
            if layout.rows == 30 || index == sizes.count - 2 {
                #expect(activation == nil, "layer \(index)")
            } else {
                #expect(activation == .tanh, "layer \(index)")
            }
        }
        #expect(throws: TrainingError.self) { let _: Network<Float> = try ModelZoo.network(.autoencoder, inputCount: 64, outputCount: 64) }
    }

    /// The cnn on 28×28 and 8×8 images: output shapes and parameter count by formula
    /// (conv: out·(in·25 + 1), dense: (16·(s/4)² + 1)·K).
    @Test(arguments: [28, 8])
    func convolutionalArchitecture(side: Int) throws {
        let network: Network<Double> = try ModelZoo.network(.convolutional, inputCount: side * side, outputCount: 10)
        let flattened = 16 * (side / 4) * (side / 4)
        #expect(network.parameterCount == 8 * (1 * 25 + 1) + 16 * (8 * 25 + 1) + (flattened + 1) * 10)
        #expect(network.outputCount == 10)
        #expect(network.layerOutputShapes[0] == FeatureShape(channels: 8, height: side, width: side))
        #expect(network.layerOutputShapes[2] == FeatureShape(channels: 8, height: side / 2, width: side / 2))
        #expect(network.layerOutputShapes[5] == FeatureShape(channels: 16, height: side / 4, width: side / 4))
        let batch: Matrix<Double> = TestMatrices.gaussian(3, side * side, seed: 1)
        var generator = SeededGenerator(seed: 2)
        let outputs = try network.outputs(batch, parameters: ModelZoo.initialParameters(.convolutional, network: network, generator: &generator))
        #expect(outputs.rows == 3 && outputs.columns == 10 && outputs.isFinite)
        #expect(throws: TrainingError.self) { let _: Network<Double> = try ModelZoo.network(.convolutional, inputCount: 30, outputCount: 10) }
    }

    @Test func linearModelsAreOneDenseLayerStartingAtZero() throws {
        for model in [ModelSpecification.linear, .logistic, .poisson, .softmax] {
            let outputs = model == .softmax ? 3 : 1
            let network: Network<Double> = try ModelZoo.network(model, inputCount: 5, outputCount: outputs)
            #expect(network.layers.count == 1 && network.parameterCount == 6 * outputs)
            var generator = SeededGenerator(seed: 1)
            #expect(ModelZoo.initialParameters(model, network: network, generator: &generator).elements.allSatisfy { $0 == 0 })
        }
        let mlp: Network<Double> = try ModelZoo.network(.multilayerPerceptron(sizes: nil, activation: .tanh), inputCount: 4, outputCount: 3)
        #expect(mlp.parameterLayouts.map(\.rows) == [256, 3])
        #expect(throws: TrainingError.self) {
            let _: Network<Double> = try ModelZoo.network(.multilayerPerceptron(sizes: [784, 256, 10], activation: .tanh), inputCount: 64, outputCount: 10)
        }
    }

    /// Targets per model: 0/1 labels (logistic), one-hot rows (softmax), the values (linear), the
    /// counts (Poisson), the raw pixels even when the inputs are standardized (autoencoder).
    @Test func targetsFollowTheLikelihood() throws {
        let features = try Matrix<Double>([[0.1, 0.9], [0.5, 0.2], [1, 0], [0.3, 0.3]])
        let labelled = try Dataset(name: "two", features: features, targets: .classes([1, 0, 1, 0], count: 2))
        let logistic = try ModelZoo.withTask(.logistic, train: labelled, test: nil, standardizer: nil, as: Double.self, visitor: TaskCapture())
        #expect(logistic.likelihood == "bernoulli" && logistic.trainTargets.elements == [1, 0, 1, 0] && logistic.prediction == .positiveLogit)
        let softmax = try ModelZoo.withTask(.softmax, train: labelled, test: nil, standardizer: nil, as: Double.self, visitor: TaskCapture())
        #expect(softmax.likelihood == "categorical" && softmax.trainTargets.elements == [0, 1, 1, 0, 0, 1, 1, 0])

        let counted = try Dataset(name: "counts", features: features, targets: .values([0, 3, 1, 7]))
        let poisson = try ModelZoo.withTask(.poisson, train: counted, test: nil, standardizer: nil, as: Float.self, visitor: TaskCapture())
        #expect(poisson.likelihood == "poisson" && poisson.trainTargets.elements == [0, 3, 1, 7] && poisson.prediction == nil)
        let linear = try ModelZoo.withTask(.linear, train: counted, test: nil, standardizer: nil, as: Double.self, visitor: TaskCapture())
        #expect(linear.likelihood == "gaussian" && linear.trainTargets.elements == [0, 3, 1, 7])

        let pixels = Matrix<Double>(rows: 4, columns: 784) { i, j in Double((i * 7 + j) % 11) / 10 }
        let images = try Dataset(name: "images", features: pixels, targets: .classes([0, 1, 2, 3], count: 4))
        let standardizer = try Standardizer(fitting: pixels)
        let autoencoder = try ModelZoo.withTask(.autoencoder, train: images, test: images, standardizer: standardizer, as: Float.self, visitor: TaskCapture())
        #expect(autoencoder.likelihood == "bernoulli" && autoencoder.prediction == nil)
        #expect(DenseOracles.maxDifference(autoencoder.trainTargets, pixels) < 1e-6)
        #expect(DenseOracles.maxDifference(autoencoder.trainInputs, try standardizer.transform(pixels)) < 1e-5)
        #expect(autoencoder.testTargets != nil)
    }

    /// Data that do not fit a model are rejected with a message saying what fits.
    @Test func mismatchedDataAreRejectedWithWhatFits() throws {
        let iris = try Dataset.load("iris")
        let cases: [(ModelSpecification, Dataset, [String])] = [
            (.logistic, iris, ["2 classes", "breast-cancer"]),
            (.linear, iris, ["regression", "diabetes"]),
            (.poisson, iris, ["count", "diabetes"]),
            (.autoencoder, iris, ["784", "mnist5k"]),
            (.convolutional, iris, ["square", "mnist5k"]),
            (.softmax, try TrainingFixtures.regression(), ["class", "iris"]),
            (.poisson, try Dataset(name: "negative", features: Matrix(rows: 2, columns: 1, repeating: 1), targets: .values([1, -2])), ["example 1", "-2"]),
            (.poisson, try Dataset(name: "fractional", features: Matrix(rows: 2, columns: 1, repeating: 1), targets: .values([1.5, 2])), ["example 0"]),
        ]
        for (model, dataset, fragments) in cases {
            do {
                _ = try ModelZoo.withTask(model, train: dataset, test: nil, standardizer: nil, as: Double.self, visitor: TaskCapture())
                Issue.record("\(model) accepted \(dataset.name)")
            } catch {
                let message = "\(error)"
                #expect(fragments.allSatisfy { message.contains($0) }, "\(model) on \(dataset.name): \(message)")
            }
        }
    }

    /// Test metrics against a direct count: the accuracy of the argmax rule and the mean NLL.
    @Test func testMetricsCountCorrectPredictions() throws {
        let network = try Network<Double>.multilayerPerceptron(sizes: [2, 3], activation: .identity)
        // W = I-like rows, b = 0: the logits are (x₀, x₁, 0).
        let parameters = Vector<Double>([1, 0, 0, 1, 0, 0, 0, 0, 0])
        let inputs = try Matrix<Double>([[2, 1], [0, 3], [-1, -2], [1, 2]])
        let labels = [0, 1, 2, 0]  // the last is misclassified (argmax 1)
        let targets: Matrix<Double> = try CategoricalLikelihood.oneHot(labels: labels, classCount: 3)
        let task = TrainingTask(
            model: .softmax, network: network, likelihood: CategoricalLikelihood<Double>(), trainInputs: inputs, trainTargets: targets,
            testInputs: inputs, testTargets: targets, prediction: .argmax, testLabels: labels, trainLabels: labels)
        let metrics = try #require(try task.testMetrics(parameters: parameters, chunkSize: 3))
        #expect(metrics.accuracy == 0.75)
        var expected = 0.0
        for i in 0..<4 {
            let logits = [inputs[i, 0], inputs[i, 1], 0.0]
            expected += Foundation.log(logits.reduce(0) { $0 + Foundation.exp($1) }) - logits[labels[i]]
        }
        #expect(Swift.abs(metrics.loss - expected / 4) < 1e-12)
    }
}
