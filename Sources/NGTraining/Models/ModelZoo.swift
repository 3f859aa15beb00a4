import NGData
import NGLinearAlgebra
import NGModels
import NGRandom

/// The architectures of `natgrad train --model`, built for a data set's shape.
///
/// - `linear`, `logistic`, `softmax`, `poisson`: one dense layer d → outputs (the bias is the
///   intercept), started at θ = 0 as scikit-learn's solvers are.
/// - `mlp:…`: dense layers with the chosen activation between them (Glorot-uniform start).
/// - `cnn`: for s×s one-channel images with s divisible by 4 (28×28 MNIST, 8×8 digits):
///   conv 5×5 (padding 2) → 8 channels, relu, max-pool 2, conv 5×5 (padding 2) → 16, relu,
///   max-pool 2, flatten (16·(s/4)² features), dense → K (PyTorch's default start).
/// - `autoencoder`: 784-1000-500-250-30-250-500-1000-784 dense layers, tanh after each but the
///   30-unit code layer (linear) and the output layer (logits of a Bernoulli per pixel), as in
///   Hinton & Salakhutdinov (2006) and the K-FAC paper (Martens & Grosse 2015); Glorot-uniform start.
///
/// Parameters are layer by layer in PyTorch's `parameters_to_vector` order; see ``Checkpoint``
/// for the tensor names.
public enum ModelZoo {
    /// The network of `model` for `inputCount` features and `outputCount` outputs.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` when the sizes do not fit the model
    ///   (an mlp whose first or last size differs from the data, a cnn on non-square images, an
    ///   autoencoder on anything but 784 features).
    public static func network<Scalar: BLASScalar>(
        _ model: ModelSpecification, inputCount: Int, outputCount: Int, as: Scalar.Type = Scalar.self
    ) throws -> Network<Scalar> {
        switch model {
        case .linear, .logistic, .softmax, .poisson:
            return try Network.multilayerPerceptron(sizes: [inputCount, outputCount], activation: .identity)
        case let .multilayerPerceptron(sizes, activation):
            let layerSizes = sizes ?? [inputCount, 256, outputCount]
            guard layerSizes.first == inputCount, layerSizes.last == outputCount else {
                throw TrainingError.invalidConfiguration(
                    "model \(model.name) does not fit the data: it needs \(layerSizes.first!) input features and \(layerSizes.last!) outputs, "
                        + "the data have \(inputCount) features and need \(outputCount) outputs; use mlp:\(inputCount)-256-\(outputCount) (or mlp for that default)")
            }
            return try Network.multilayerPerceptron(sizes: layerSizes, activation: activation)
        case .convolutional:
            return try convolutionalNetwork(inputCount: inputCount, classCount: outputCount)
        case .autoencoder:
            let sizes = ModelSpecification.autoencoderSizes
            guard inputCount == sizes[0] else {
                throw TrainingError.invalidConfiguration(
                    "model autoencoder needs 784 features (28×28 images, e.g. --data mnist5k), the data have \(inputCount)")
            }
            var layers = [any Layer<Scalar>]()
            for index in 0..<(sizes.count - 1) {
                layers.append(try Dense<Scalar>(inputCount: sizes[index], outputCount: sizes[index + 1]))
                // tanh after every hidden layer but the 30-unit code; the last layer gives logits.
                if index < sizes.count - 2, sizes[index + 1] != 30 { layers.append(Activation<Scalar>(.tanh)) }
            }
            return try Network(inputShape: .flat(sizes[0]), layers: layers)
        }
    }

    /// The cnn for s×s one-channel images (s = √inputCount, divisible by 4) and K classes.
    static func convolutionalNetwork<Scalar: BLASScalar>(inputCount: Int, classCount: Int) throws -> Network<Scalar> {
        let side = Int(Double(inputCount).squareRoot().rounded())
        guard side * side == inputCount, side >= 4, side % 4 == 0 else {
            throw TrainingError.invalidConfiguration(
                "model cnn needs square one-channel images with a side divisible by 4 (28×28: mnist5k, 8×8: digits), the data have \(inputCount) features")
        }
        let image = FeatureShape(channels: 1, height: side, width: side)
        let first = try Convolution2D<Scalar>(inputShape: image, outputChannels: 8, kernelSize: 5, padding: 2)
        let firstPool = try MaxPooling2D<Scalar>(inputShape: first.outputExampleShape, windowSize: 2)
        let second = try Convolution2D<Scalar>(inputShape: firstPool.outputExampleShape, outputChannels: 16, kernelSize: 5, padding: 2)
        let secondPool = try MaxPooling2D<Scalar>(inputShape: second.outputExampleShape, windowSize: 2)
        return try Network(inputShape: image, layers: [
            first, Activation(.relu), firstPool,
            second, Activation(.relu), secondPool,
            Flatten(), try Dense(inputCount: secondPool.outputExampleShape.count, outputCount: classCount),
        ])
    }

    /// The starting point of `model`: zeros for the linear models (the convex problem's usual
    /// start), Glorot-uniform for the dense networks, PyTorch's default for the cnn; drawn from
    /// `generator` in parameter order.
    public static func initialParameters<Scalar: BLASScalar>(
        _ model: ModelSpecification, network: Network<Scalar>, generator: inout SeededGenerator
    ) -> Vector<Scalar> {
        switch model.family {
        case .generalizedLinear: return Vector(count: network.parameterCount)
        case .multilayerPerceptron, .autoencoder: return network.initialParameters(scheme: .glorotUniform, generator: &generator)
        case .convolutional: return network.initialParameters(scheme: .pytorchDefault, generator: &generator)
        }
    }

    /// Builds the task of `model` on the given splits and hands it to `visitor`.
    ///
    /// - Parameters:
    ///   - train: the training split (raw features).
    ///   - test: the test split, nil or empty for none.
    ///   - standardizer: applied to the inputs of both splits when given (fitted on `train`); the
    ///     autoencoder's targets stay the raw pixels.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` when the data do not fit the model,
    ///   saying what would.
    public static func withTask<Scalar: BLASScalar, V: TrainingTaskVisitor>(
        _ model: ModelSpecification, train: Dataset, test: Dataset?, standardizer: Standardizer?, as: Scalar.Type = Scalar.self, visitor: V
    ) throws -> V.Output {
        let test = test.flatMap { $0.count > 0 ? $0 : nil }
        let kind = try ModelZoo.likelihoodKind(model, for: train)
        try validate(model, dataset: train)
        if let test { try validate(model, dataset: test) }
        let outputs = outputCount(model, kind: kind, dataset: train)
        let network: Network<Scalar> = try ModelZoo.network(model, inputCount: train.featureCount, outputCount: outputs)
        let builder = TaskBuilder<Scalar>(model: model, network: network, train: train, test: test, standardizer: standardizer)
        switch kind {
        case .gaussian: return try visitor.visit(try builder.task(GaussianLikelihood<Scalar>()))
        case .bernoulli: return try visitor.visit(try builder.task(BernoulliLikelihood<Scalar>()))
        case .categorical: return try visitor.visit(try builder.task(CategoricalLikelihood<Scalar>()))
        case .poisson: return try visitor.visit(try builder.task(PoissonLikelihood<Scalar>()))
        }
    }

    /// Checks that the splits fit `model` (targets, feature values, and the architecture's input
    /// size) without building anything large.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` saying what would fit.
    public static func check(_ model: ModelSpecification, train: Dataset, test: Dataset?) throws {
        let kind = try likelihoodKind(model, for: train)
        try validate(model, dataset: train)
        if let test, test.count > 0 { try validate(model, dataset: test) }
        let _: Network<Float> = try network(model, inputCount: train.featureCount, outputCount: outputCount(model, kind: kind, dataset: train))
    }

    /// The number of network outputs: 1 for linear, logistic and Poisson regression, K for a
    /// categorical model, the feature count for the autoencoder.
    static func outputCount(_ model: ModelSpecification, kind: ZooLikelihood, dataset: Dataset) -> Int {
        if model == .autoencoder { return dataset.featureCount }
        return kind == .categorical ? dataset.classCount! : 1
    }
}

/// The output distributions of the zoo (``LikelihoodKind`` plus Poisson).
enum ZooLikelihood: Equatable {
    case gaussian, bernoulli, categorical, poisson
}

/// Turns data splits into a ``TrainingTask`` for one likelihood type.
struct TaskBuilder<Scalar: BLASScalar> {
    let model: ModelSpecification
    let network: Network<Scalar>
    let train: Dataset
    let test: Dataset?
    let standardizer: Standardizer?

    func task<L: Likelihood>(_ likelihood: L) throws -> TrainingTask<Scalar, L> where L.Scalar == Scalar {
        let classifies = model != .autoencoder && train.isClassification
        let prediction: ClassPrediction? = classifies ? (model == .logistic ? .positiveLogit : .argmax) : nil
        return TrainingTask(
            model: model, network: network, likelihood: likelihood,
            trainInputs: try inputs(train), trainTargets: try ModelZoo.targets(model, dataset: train, outputs: network.outputCount),
            testInputs: try test.map(inputs), testTargets: try test.map { try ModelZoo.targets(model, dataset: $0, outputs: network.outputCount) },
            prediction: prediction, testLabels: classifies ? test?.labels : nil, trainLabels: classifies ? train.labels : nil)
    }

    /// The split's features in `Scalar`, standardized when asked.
    func inputs(_ dataset: Dataset) throws -> Matrix<Scalar> {
        let features = try standardizer?.transform(dataset.features) ?? dataset.features
        return features.converted(to: Scalar.self)
    }
}
