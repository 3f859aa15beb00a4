import Foundation
import NGData
import NGLinearAlgebra
import NGModels

/// A network's parameters as a safetensors file in PyTorch's naming, with run metadata.
///
/// Tensor names count the parameterized layers (dense and convolution) from 0, as
/// `natgrad fisher` does, so a trained `mlp` checkpoint can be read back there:
///
/// | layer i         | `layers.{i}.weight`                  | `layers.{i}.bias` |
/// |-----------------|--------------------------------------|-------------------|
/// | dense           | (out, in)                            | (out)             |
/// | convolution     | (outChannels, inChannels, kh, kw)    | (outChannels)     |
///
/// — the shapes of `nn.Linear` and `nn.Conv2d`, row-major, so `torch.load_state_dict` of an
/// `nn.ModuleList` named `layers` (or `safetensors.torch.load_file`) reads them directly. The
/// dtype is the run's precision (F32 or F64). `__metadata__` holds strings: `step`, `seed`,
/// `model`, `optimizer`, `version`, and whatever else the caller adds.
public enum Checkpoint {
    /// The package version written to checkpoints' metadata.
    public static let version = "0.4.0"

    /// The name and PyTorch shape of each parameterized layer's weight and bias, in parameter order.
    public static func tensorLayout<Scalar: BLASScalar>(of network: Network<Scalar>) -> [(name: String, shape: [Int], range: Range<Int>)] {
        var layout = [(name: String, shape: [Int], range: Range<Int>)]()
        for (i, parameters) in network.parameterLayouts.enumerated() {
            let weightShape: [Int]
            if let convolution = network.layers[parameters.layerIndex] as? Convolution2D<Scalar> {
                weightShape = [convolution.outputChannels, convolution.inputShape.channels, convolution.kernelHeight, convolution.kernelWidth]
            } else {
                weightShape = [parameters.rows, parameters.columns]
            }
            layout.append(("layers.\(i).weight", weightShape, parameters.weightRange))
            layout.append(("layers.\(i).bias", [parameters.rows], parameters.biasRange))
        }
        return layout
    }

    /// The safetensors file of `parameters` for `network`.
    /// - Precondition: `parameters` has the network's parameter count.
    public static func file<Scalar: BLASScalar>(network: Network<Scalar>, parameters: Vector<Scalar>, metadata: [String: String]) throws -> SafeTensorsFile {
        precondition(parameters.count == network.parameterCount, "Checkpoint.file: \(parameters.count) parameters for a network of \(network.parameterCount)")
        var tensors = [String: NumericArray]()
        for entry in tensorLayout(of: network) {
            let values = Array(parameters.elements[entry.range])
            let storage: NumericStorage = Scalar.self == Float.self ? .float32(values as! [Float]) : .float64(values.map { Double($0) })
            tensors[entry.name] = try NumericArray(shape: entry.shape, storage: storage)
        }
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }

    /// Writes the checkpoint to `url` atomically (temporary file in the same folder, then rename).
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` naming the path when it cannot be written.
    public static func write<Scalar: BLASScalar>(network: Network<Scalar>, parameters: Vector<Scalar>, metadata: [String: String], to url: URL) throws {
        try AtomicFile.write(try file(network: network, parameters: parameters, metadata: metadata).encoded(), to: url)
    }

    /// Reads a checkpoint written for `network` back into a flat parameter vector (converted to
    /// `Scalar` when the file has the other precision) and its metadata.
    /// - Throws: ``TrainingError/unreadableRun(_:)`` naming the file and the first missing,
    ///   misshapen, unexpected or non-finite tensor.
    public static func read<Scalar: BLASScalar>(from url: URL, network: Network<Scalar>) throws -> (parameters: Vector<Scalar>, metadata: [String: String]) {
        let path = url.path
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile.read(url) } catch { throw TrainingError.unreadableRun("\(error)") }
        var values = [Scalar](repeating: 0, count: network.parameterCount)
        let layout = tensorLayout(of: network)
        for entry in layout {
            guard let tensor = file.tensors[entry.name] else {
                throw TrainingError.unreadableRun("\(path): missing tensor \(entry.name) of shape \(entry.shape)")
            }
            guard tensor.shape == entry.shape else {
                throw TrainingError.unreadableRun("\(path): \(entry.name) has shape \(tensor.shape), the model needs \(entry.shape)")
            }
            guard tensor.elementType.isFloatingPoint else {
                throw TrainingError.unreadableRun("\(path): \(entry.name) holds \(tensor.elementType.rawValue) values, expected float32 or float64")
            }
            let converted: [Scalar] = tensor.storage.converted(to: Scalar.self)
            guard converted.allSatisfy(\.isFinite) else { throw TrainingError.unreadableRun("\(path): \(entry.name) contains NaN or infinite values") }
            values.replaceSubrange(entry.range, with: converted)
        }
        let unexpected = Set(file.tensors.keys).subtracting(layout.map(\.name)).sorted()
        guard unexpected.isEmpty else {
            throw TrainingError.unreadableRun("\(path): unexpected tensor(s) \(unexpected.joined(separator: ", ")) for this model")
        }
        return (Vector(values), file.metadata)
    }
}
