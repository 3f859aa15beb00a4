import NGData
import NGModels

/// A model of the zoo by name, as `natgrad train --model` takes it.
///
/// | name                  | network                                                                 | likelihood  | targets           |
/// |-----------------------|-------------------------------------------------------------------------|-------------|-------------------|
/// | `linear`              | dense d → 1                                                             | Gaussian    | regression values |
/// | `logistic`            | dense d → 1                                                             | Bernoulli   | 2 classes (0/1)   |
/// | `softmax`             | dense d → K                                                             | categorical | K classes, one-hot|
/// | `poisson`             | dense d → 1 (output = log-rate)                                         | Poisson     | counts            |
/// | `mlp:784-256-10`      | dense layers of these sizes, `--activation` (tanh) between them         | categorical (classes) or Gaussian (values) | |
/// | `cnn`                 | conv 5×5 → 8, relu, max-pool 2, conv 5×5 → 16, relu, max-pool 2, dense → K | categorical | K classes      |
/// | `autoencoder`         | 784-1000-500-250-30-250-500-1000-784, tanh, linear 30-unit code         | Bernoulli   | the inputs        |
///
/// The generalized linear models are one-layer networks whose bias is the (unpenalized)
/// intercept. `mlp` with no sizes takes d → 256 → K (or 1) from the data set.
public enum ModelSpecification: Equatable, Sendable, CustomStringConvertible {
    /// Linear regression with unit-variance Gaussian noise (least squares).
    case linear
    /// Binary logistic regression.
    case logistic
    /// Multinomial (softmax) regression.
    case softmax
    /// Poisson regression with the log link.
    case poisson
    /// A multilayer perceptron; `sizes` nil means d → 256 → outputs, taken from the data.
    case multilayerPerceptron(sizes: [Int]?, activation: ActivationFunction)
    /// The small convolutional classifier for square one-channel images (see ``ModelZoo``).
    case convolutional
    /// The deep autoencoder of Hinton & Salakhutdinov (2006), as used by Martens (2010) and
    /// Martens & Grosse (2015).
    case autoencoder

    /// The names `--model` accepts, for messages.
    public static let choices = ["linear", "logistic", "softmax", "poisson", "mlp:784-256-10", "cnn", "autoencoder"]

    /// The autoencoder's layer sizes.
    public static let autoencoderSizes = [784, 1000, 500, 250, 30, 250, 500, 1000, 784]

    /// Parses a model name.
    /// - Parameters:
    ///   - name: one of ``choices`` (case-insensitive); `mlp:` takes sizes separated by `-` or `,`.
    ///   - activation: the hidden activation of an `mlp`.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` listing the choices.
    public init(name: String, activation: ActivationFunction = .tanh) throws {
        let lowered = name.lowercased()
        switch lowered {
        case "linear": self = .linear
        case "logistic": self = .logistic
        case "softmax": self = .softmax
        case "poisson": self = .poisson
        case "cnn": self = .convolutional
        case "autoencoder": self = .autoencoder
        case "mlp": self = .multilayerPerceptron(sizes: nil, activation: activation)
        default:
            guard lowered.hasPrefix("mlp:") else {
                throw TrainingError.invalidConfiguration("unknown model '\(name)'; choose one of: \(Self.choices.joined(separator: ", "))")
            }
            let text = lowered.dropFirst(4)
            let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "," })
            let sizes = parts.compactMap { Int($0) }
            guard sizes.count == parts.count, sizes.count >= 2, sizes.allSatisfy({ $0 > 0 && $0 <= 1 << 20 }) else {
                throw TrainingError.invalidConfiguration(
                    "model '\(name)': an mlp needs at least two positive layer sizes separated by '-', e.g. mlp:784-256-10")
            }
            self = .multilayerPerceptron(sizes: sizes, activation: activation)
        }
    }

    /// The model's name as `--model` takes it (sizes included for an mlp).
    public var name: String {
        switch self {
        case .linear: return "linear"
        case .logistic: return "logistic"
        case .softmax: return "softmax"
        case .poisson: return "poisson"
        case let .multilayerPerceptron(sizes, _):
            return sizes.map { "mlp:" + $0.map(String.init).joined(separator: "-") } ?? "mlp"
        case .convolutional: return "cnn"
        case .autoencoder: return "autoencoder"
        }
    }

    public var description: String { name }

    /// Whether this is one of the generalized linear models (a single dense layer).
    public var isGeneralizedLinear: Bool {
        switch self {
        case .linear, .logistic, .softmax, .poisson: return true
        case .multilayerPerceptron, .convolutional, .autoencoder: return false
        }
    }

    /// The model family that optimizer defaults depend on.
    public var family: ModelFamily {
        switch self {
        case .linear, .logistic, .softmax, .poisson: return .generalizedLinear
        case .multilayerPerceptron: return .multilayerPerceptron
        case .convolutional: return .convolutional
        case .autoencoder: return .autoencoder
        }
    }

    /// How a CSV file's last column must be read for this model: values for the regression
    /// models (a Poisson count column would otherwise be read as class labels), classes for the
    /// classifiers, nil when the data decide (an mlp does either; the autoencoder ignores targets).
    public var csvTargetKind: Dataset.TargetKind? {
        switch self {
        case .linear, .poisson: return .values
        case .logistic, .softmax, .convolutional: return .classes
        case .multilayerPerceptron, .autoencoder: return nil
        }
    }
}

/// The kinds of model that default hyperparameters are chosen for.
public enum ModelFamily: String, Sendable, Codable, CaseIterable {
    /// linear, logistic, softmax and Poisson regression: convex, small, full batch.
    case generalizedLinear = "glm"
    /// A dense network.
    case multilayerPerceptron = "mlp"
    /// The convolutional classifier.
    case convolutional = "cnn"
    /// The deep autoencoder.
    case autoencoder

    /// Whether models of this family are deep networks (Float32 by default, minibatches).
    public var isDeep: Bool { self != .generalizedLinear }
}
