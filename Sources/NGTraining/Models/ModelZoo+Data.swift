import NGData
import NGLinearAlgebra
import NGModels

extension ModelZoo {
    /// The likelihood `model` uses on `dataset`.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` when the targets do not suit the model.
    static func likelihoodKind(_ model: ModelSpecification, for dataset: Dataset) throws -> ZooLikelihood {
        switch model {
        case .linear:
            guard dataset.values != nil else { throw mismatch(model, dataset, needs: "real-valued regression targets", fits: "diabetes, or a CSV whose last column holds values") }
            return .gaussian
        case .logistic:
            guard dataset.classCount == 2 else {
                throw mismatch(model, dataset, needs: "exactly 2 classes", fits: "breast-cancer, or a 2-class CSV; use softmax for more classes")
            }
            return .bernoulli
        case .softmax, .convolutional:
            guard let classes = dataset.classCount, classes >= 2 else {
                throw mismatch(model, dataset, needs: "class labels (at least 2 classes)",
                               fits: model == .softmax ? "iris, wine, digits, mnist5k, breast-cancer, or a CSV of labels" : "mnist5k or digits")
            }
            return .categorical
        case .poisson:
            guard dataset.values != nil else {
                throw mismatch(model, dataset, needs: "count targets (non-negative integers)", fits: "diabetes, or a CSV whose last column holds counts")
            }
            return .poisson
        case .multilayerPerceptron:
            return dataset.isClassification ? .categorical : .gaussian
        case .autoencoder:
            return .bernoulli
        }
    }

    /// Checks the features and targets of one split against `model`: finite features; counts
    /// for Poisson; pixels in [0, 1] for the autoencoder.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` naming the first bad example.
    static func validate(_ model: ModelSpecification, dataset: Dataset) throws {
        if let bad = dataset.features.elements.firstIndex(where: { !$0.isFinite }) {
            throw TrainingError.invalidConfiguration(
                "data set \(dataset.name): feature \(bad % dataset.featureCount) of example \(bad / dataset.featureCount) is not finite")
        }
        switch model {
        case .poisson:
            if let values = dataset.values, let bad = values.firstIndex(where: { !($0 >= 0 && $0.rounded() == $0) }) {
                throw mismatch(model, dataset, needs: "counts (non-negative integers), but example \(bad) has target \(values[bad])",
                               fits: "diabetes, or a CSV whose last column holds counts")
            }
        case .autoencoder:
            guard dataset.featureCount == ModelSpecification.autoencoderSizes[0] else {
                throw mismatch(model, dataset, needs: "784 features (28×28 images)", fits: "mnist5k")
            }
            if let bad = dataset.features.elements.firstIndex(where: { $0 < 0 || $0 > 1 }) {
                throw mismatch(model, dataset, needs: "pixels in [0, 1] (Bernoulli targets), but example \(bad / dataset.featureCount) has \(dataset.features.elements[bad])",
                               fits: "mnist5k")
            }
        case .linear, .logistic, .softmax, .multilayerPerceptron, .convolutional:
            break
        }
    }

    /// The N×outputs target matrix of `model` on one split: the values (linear), the 0/1 labels
    /// (logistic), one-hot rows (categorical models), the counts (Poisson), or the raw pixels
    /// themselves (the autoencoder).
    static func targets<Scalar: BLASScalar>(_ model: ModelSpecification, dataset: Dataset, outputs: Int) throws -> Matrix<Scalar> {
        if model == .autoencoder { return dataset.features.converted(to: Scalar.self) }
        switch dataset.targets {
        case let .values(values):
            return try Matrix(rows: values.count, columns: 1, elements: values.map { Scalar($0) })
        case let .classes(labels, count):
            if model == .logistic { return try Matrix(rows: labels.count, columns: 1, elements: labels.map { Scalar($0) }) }
            do {
                return try CategoricalLikelihood<Scalar>.oneHot(labels: labels, classCount: count)
            } catch {
                throw TrainingError.invalidConfiguration("data set \(dataset.name): \(error)")
            }
        }
    }

    /// "model X does not fit data set Y (…): it needs …; fits: …".
    static func mismatch(_ model: ModelSpecification, _ dataset: Dataset, needs: String, fits: String) -> TrainingError {
        .invalidConfiguration("model \(model.name) does not fit data set \(dataset) — it needs \(needs); data that fit: \(fits)")
    }
}
