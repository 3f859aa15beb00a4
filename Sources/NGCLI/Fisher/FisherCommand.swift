import ArgumentParser
import Foundation
import NaturalGradient

/// `natgrad fisher`: the curvature of a multilayer perceptron on a batch, exported for NumPy.
///
/// Dense kinds write `DIR/curvature.npy` (P×P, averaged over the batch, the loss being the batch
/// mean) and `DIR/gradient.npy`; `kfac` writes `DIR/layers.{i}.A.npy` and `DIR/layers.{i}.G.npy`
/// (see ``KroneckerFactors`` for the definitions and the Kronecker order). Float64 inputs or
/// weights give a Float64 computation, otherwise Float32.
public struct FisherCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "fisher",
        abstract: "Compute a network's Fisher, GGN, Hessian or K-FAC factors on a batch and write them as .npy files.",
        discussion: """
            Weights follow PyTorch's naming: layers.{i}.weight of shape (out, in) and layers.{i}.bias of \
            shape (out), i counting the dense layers from 0. The parameter vector is, layer by layer, \
            the weight row-major then the bias (torch.nn.utils.parameters_to_vector order). The \
            activation follows every layer but the last, whose outputs feed the likelihood.
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case exact, mc, empirical, ggn, hessian, kfac
    }

    @Option(help: "Weights (safetensors) with layers.{i}.weight and layers.{i}.bias.")
    var checkpoint: String

    @Option(help: "Layer sizes from input to output, comma-separated, e.g. 8,6,5,3.")
    var sizes: String

    @Option(help: "Activation after every layer but the last: \(ActivationFunction.allCases.map(\.rawValue).joined(separator: ", ")).")
    var activation: String = "tanh"

    @Option(help: "Loss: \(LikelihoodKind.allCases.map(\.lossName).joined(separator: ", ")) (or gaussian, bernoulli, categorical).")
    var loss: String

    @Option(help: "Inputs (.npy), shape (N, in).")
    var inputs: String

    @Option(help: "Labels (.npy): (N,) integers for softmax-cross-entropy, (N, out) targets otherwise.")
    var labels: String

    @Option(help: "Which curvature: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: Kind

    @Option(help: "Sampled labels per example for --kind mc.")
    var samples: Int = 1

    @Option(help: "Seed for the Monte-Carlo labels.")
    var seed: UInt64 = 0

    @Option(help: "Number of top eigenvalues to report.")
    var top: Int = 10

    @Option(help: "Output folder (created if missing).")
    var out: String

    @Flag(help: "Print one JSON object: loss, gradient norm, trace and top eigenvalues.")
    var json = false

    public init() {}

    func parsedSizes() throws -> [Int] {
        let parts = sizes.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.compactMap { Int($0) }
        guard values.count == parts.count, values.count >= 2, values.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--sizes must be at least two positive integers separated by commas, e.g. 8,6,5,3; got '\(sizes)'")
        }
        return values
    }

    public func validate() throws {
        _ = try parsedSizes()
        do { _ = try ActivationFunction(name: activation) } catch { throw ValidationError("--activation: \(error)") }
        do { _ = try LikelihoodKind(name: loss) } catch { throw ValidationError("--loss: \(error)") }
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1, got \(samples)") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1, got \(top)") }
    }

    public func run() throws {
        let sizes = try parsedSizes()
        let activationFunction = try ActivationFunction(name: activation)
        let likelihood = try LikelihoodKind(name: loss)
        let checkpointFile = try SafeTensorsFile.read(URL(fileURLWithPath: checkpoint))
        let inputArray = try NumPyFile.read(URL(fileURLWithPath: inputs))
        let labelArray = try NumPyFile.read(URL(fileURLWithPath: labels))
        let double = inputArray.elementType == .float64 || checkpointFile.tensors.values.contains { $0.elementType == .float64 }

        func job<Scalar: BLASScalar>(_: Scalar.Type) throws -> FisherReport {
            let data = try FisherInputs<Scalar>(
                sizes: sizes, activation: activationFunction, likelihood: likelihood,
                checkpoint: (checkpointFile, checkpoint), inputs: (inputArray, inputs), labels: (labelArray, labels))
            return try FisherJob(inputs: data, likelihood: likelihood, kind: kind, samples: samples, seed: seed, top: top,
                                 folder: URL(fileURLWithPath: out, isDirectory: true)).run()
        }
        let report = try double ? job(Double.self) : job(Float.self)
        if json {
            print(try JSONOutput.string(report))
        } else {
            print(report.summary)
        }
    }
}
