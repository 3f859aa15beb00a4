import Foundation
import NaturalGradient

/// What `natgrad fisher` reads: a multilayer perceptron's weights, a batch of inputs and its
/// labels or targets, checked against each other before anything is computed.
///
/// Every problem is a ``FisherInputError`` naming the file or tensor and what is wrong, so a user
/// sees "W.safetensors: layers.1.weight has shape [5, 7], but --sizes 8,6,5,3 needs [5, 6]"
/// rather than a crash deep inside a matrix product.
struct FisherInputs<Scalar: BLASScalar> {
    let network: Network<Scalar>
    let parameters: Vector<Scalar>
    let inputs: Matrix<Scalar>
    /// N×out: one-hot rows for categorical, targets for Gaussian/Bernoulli.
    let targets: Matrix<Scalar>

    /// Loads and checks everything.
    /// - Parameters:
    ///   - checkpoint: the parsed safetensors file and its path (for messages).
    ///   - inputs: the (N, in) inputs array and its path.
    ///   - labels: the (N,) labels or (N, out) targets array and its path.
    init(
        sizes: [Int], activation: ActivationFunction, likelihood: LikelihoodKind,
        checkpoint: (file: SafeTensorsFile, path: String),
        inputs inputArray: (array: NumericArray, path: String),
        labels labelArray: (array: NumericArray, path: String)
    ) throws {
        let network = try Network<Scalar>.multilayerPerceptron(sizes: sizes, activation: activation)
        self.network = network
        parameters = try Self.flatParameters(sizes: sizes, checkpoint: checkpoint.file, path: checkpoint.path)

        guard inputArray.array.rank == 2, inputArray.array.shape[1] == sizes[0] else {
            throw FisherInputError(inputArray.path, "inputs have shape \(inputArray.array.shape), expected (N, \(sizes[0])) for --sizes \(sizes.map(String.init).joined(separator: ","))")
        }
        let x = try inputArray.array.matrix(as: Scalar.self)
        if let bad = x.elements.firstIndex(where: { !$0.isFinite }) {
            throw FisherInputError(inputArray.path, "input row \(bad / x.columns), column \(bad % x.columns) is \(x.elements[bad]); inputs must be finite")
        }
        guard x.rows > 0 else { throw FisherInputError(inputArray.path, "the batch is empty (N = 0)") }
        inputs = x
        targets = try Self.targets(labelArray.array, path: labelArray.path, likelihood: likelihood, examples: x.rows, outputs: sizes.last!)
    }

    /// The flat parameter vector in PyTorch's `parameters_to_vector` order: for each dense layer i,
    /// `layers.{i}.weight` (out, in) row-major, then `layers.{i}.bias` (out).
    static func flatParameters(sizes: [Int], checkpoint: SafeTensorsFile, path: String) throws -> Vector<Scalar> {
        let spec = sizes.map(String.init).joined(separator: ",")
        var expectedNames = Set<String>()
        var values = [Scalar]()
        for i in 0..<(sizes.count - 1) {
            for (name, shape) in [("layers.\(i).weight", [sizes[i + 1], sizes[i]]), ("layers.\(i).bias", [sizes[i + 1]])] {
                expectedNames.insert(name)
                guard let tensor = checkpoint.tensors[name] else {
                    throw FisherInputError(path, "missing tensor \(name) (shape \(shape)) required by --sizes \(spec)")
                }
                guard tensor.shape == shape else {
                    throw FisherInputError(path, "\(name) has shape \(tensor.shape), but --sizes \(spec) needs \(shape)")
                }
                guard tensor.elementType.isFloatingPoint else {
                    throw FisherInputError(path, "\(name) holds \(tensor.elementType.rawValue) values; weights must be float32 or float64")
                }
                let converted = tensor.storage.converted(to: Scalar.self)
                if converted.contains(where: { !$0.isFinite }) { throw FisherInputError(path, "\(name) contains NaN or infinite values") }
                values += converted
            }
        }
        let unexpected = Set(checkpoint.tensors.keys).subtracting(expectedNames).sorted()
        if !unexpected.isEmpty {
            throw FisherInputError(path, "unexpected tensor(s) \(unexpected.joined(separator: ", ")) for --sizes \(spec) (\(sizes.count - 1) dense layers, named layers.0 … layers.\(sizes.count - 2))")
        }
        return Vector(values)
    }

    /// The N×out target matrix the likelihood takes: one-hot rows from integer class labels for
    /// categorical; the (N, out) array itself (or (N,) when out = 1) for Gaussian and Bernoulli.
    static func targets(_ array: NumericArray, path: String, likelihood: LikelihoodKind, examples: Int, outputs: Int) throws -> Matrix<Scalar> {
        switch likelihood {
        case .categorical:
            guard array.rank == 1, array.shape[0] == examples else {
                throw FisherInputError(path, "labels have shape \(array.shape), expected (\(examples),) integer class labels, one per input row")
            }
            let labels: [Int]
            do { labels = try array.integers() } catch {
                throw FisherInputError(path, "labels must be integers for --loss softmax-cross-entropy, found \(array.elementType.rawValue)")
            }
            if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= outputs }) {
                throw FisherInputError(path, "label \(labels[bad]) of example \(bad) is outside 0..<\(outputs) (the last of --sizes)")
            }
            return Matrix(rows: examples, columns: outputs) { i, j in labels[i] == j ? 1 : 0 }
        case .gaussian, .bernoulli, .poisson:
            let shapeOK = (array.rank == 2 && array.shape == [examples, outputs]) || (array.rank == 1 && outputs == 1 && array.shape[0] == examples)
            guard shapeOK else {
                throw FisherInputError(path, "targets have shape \(array.shape), expected (\(examples), \(outputs))" + (outputs == 1 ? " or (\(examples),)" : ""))
            }
            let y = try array.matrix(as: Scalar.self, flatteningTrailingAxes: true)
            if y.elements.contains(where: { !$0.isFinite }) { throw FisherInputError(path, "targets contain NaN or infinite values") }
            if likelihood == .bernoulli, y.elements.contains(where: { $0 < 0 || $0 > 1 }) {
                throw FisherInputError(path, "Bernoulli targets must lie in [0, 1]")
            }
            if likelihood == .poisson, y.elements.contains(where: { $0 < 0 || $0.rounded() != $0 }) {
                throw FisherInputError(path, "Poisson targets must be non-negative integer counts")
            }
            return y
        }
    }
}

/// A problem with one of `natgrad fisher`'s input files.
struct FisherInputError: Error, CustomStringConvertible {
    let path: String
    let problem: String
    init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }
    var description: String { "\(path): \(problem)" }
}
