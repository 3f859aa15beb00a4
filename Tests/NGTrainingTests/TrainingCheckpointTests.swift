import Foundation
import NGData
import NGLinearAlgebra
import NGModels
import NGRandom
import NGTestSupport
import Testing

@testable import NGTraining

/// Checkpoints: PyTorch names and shapes, values in the layout PyTorch expects (checked entry
/// by entry against the network's own weights), round trips, atomic writes and bad files.
@Suite struct TrainingCheckpointTests {
    /// Dense weights are (out, in) row-major, convolution weights (out, in, kh, kw); entry
    /// [o, c, i, j] of a conv weight is the one that multiplies input channel c at kernel offset (i, j).
    @Test func namesShapesAndValuesFollowPyTorch() throws {
        let network: Network<Float> = try ModelZoo.network(.convolutional, inputCount: 64, outputCount: 10)
        var generator = SeededGenerator(seed: 3)
        let parameters = ModelZoo.initialParameters(.convolutional, network: network, generator: &generator)
        let file = try Checkpoint.file(network: network, parameters: parameters, metadata: ["step": "4"])
        let shapes = file.tensors.mapValues(\.shape)
        #expect(shapes == [
            "layers.0.weight": [8, 1, 5, 5], "layers.0.bias": [8],
            "layers.1.weight": [16, 8, 5, 5], "layers.1.bias": [16],
            "layers.2.weight": [10, 64], "layers.2.bias": [10],
        ])
        #expect(file.tensors.values.allSatisfy { $0.elementType == .float32 })
        // Independent check of the conv layout: the response of the first conv layer to a unit
        // impulse at pixel (2, 3) of channel 0 reads the kernel entries W[o, 0, i, j] at
        // output (2 + 2 − i, 3 + 2 − j) (padding 2), plus the bias.
        let weight = try file.tensors["layers.0.weight"]!.matrix(as: Float.self, flatteningTrailingAxes: true)  // 8 × 25
        let bias = try file.tensors["layers.0.bias"]!.vector(as: Float.self)
        var impulse = Matrix<Float>(rows: 1, columns: 64)
        impulse[0, 2 * 8 + 3] = 1
        let firstLayer = try Network<Float>(inputShape: FeatureShape(channels: 1, height: 8, width: 8), layers: [network.layers[0]])
        let response = try firstLayer.outputs(impulse, parameters: Vector(Array(parameters.elements[network.parameterRanges[0]])))
        for o in 0..<8 {
            for i in 0..<5 {
                for j in 0..<5 {
                    let (row, column) = (2 + 2 - i, 3 + 2 - j)
                    guard (0..<8).contains(row), (0..<8).contains(column) else { continue }
                    #expect(response[0, o * 64 + row * 8 + column] == weight[o, i * 5 + j] + bias[o])
                }
            }
        }
        // Dense: layers.2.weight[o, k] is W[o, k] of y = W·x + b.
        let dense = try file.tensors["layers.2.weight"]!.matrix(as: Float.self)
        let layout = network.parameterLayouts[2]
        #expect(dense[3, 17] == parameters[layout.offset + 3 * 64 + 17])
    }

    @Test(arguments: [false, true])
    func roundTripRestoresTheParameters(double: Bool) throws {
        let folder = try TrainingFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        let metadata = ["step": "12", "seed": "5", "model": "mlp:4-6-3", "optimizer": "adam", "version": Checkpoint.version]
        if double {
            let network = try Network<Double>.multilayerPerceptron(sizes: [4, 6, 3], activation: .tanh)
            let parameters = TestMatrices.gaussianVector(network.parameterCount, seed: 1, as: Double.self)
            try Checkpoint.write(network: network, parameters: parameters, metadata: metadata, to: url)
            let (read, readMetadata) = try Checkpoint.read(from: url, network: network)
            #expect(read == parameters && readMetadata == metadata)
            // A Double checkpoint read in Float rounds each value once.
            let single = try Network<Float>.multilayerPerceptron(sizes: [4, 6, 3], activation: .tanh)
            #expect(try Checkpoint.read(from: url, network: single).parameters == parameters.converted(to: Float.self))
        } else {
            let network = try Network<Float>.multilayerPerceptron(sizes: [4, 6, 3], activation: .tanh)
            let parameters = TestMatrices.gaussianVector(network.parameterCount, seed: 2, as: Float.self)
            try Checkpoint.write(network: network, parameters: parameters, metadata: metadata, to: url)
            let file = try SafeTensorsFile.read(url)
            #expect(file.tensors["layers.0.weight"]?.shape == [6, 4] && file.tensors["layers.1.bias"]?.shape == [3])
            #expect(try Checkpoint.read(from: url, network: network).parameters == parameters)
        }
        // The atomic write leaves no temporary file behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["checkpoint.safetensors"])
    }

    @Test func mismatchedCheckpointsAreRejected() throws {
        let folder = try TrainingFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("c.safetensors")
        let small = try Network<Double>.multilayerPerceptron(sizes: [4, 6, 3], activation: .tanh)
        try Checkpoint.write(network: small, parameters: Vector(count: small.parameterCount), metadata: [:], to: url)
        let cases: [(Network<Double>, String)] = [
            (try Network<Double>.multilayerPerceptron(sizes: [4, 5, 3], activation: .tanh), "layers.0.weight has shape [6, 4]"),
            (try Network<Double>.multilayerPerceptron(sizes: [4, 6, 3, 2], activation: .tanh), "missing tensor layers.2.weight"),
            (try Network<Double>.multilayerPerceptron(sizes: [4, 6], activation: .tanh), "unexpected tensor"),
        ]
        for (network, fragment) in cases {
            do {
                _ = try Checkpoint.read(from: url, network: network)
                Issue.record("a mismatched checkpoint was read")
            } catch {
                #expect("\(error)".contains(fragment) && "\(error)".contains(url.path), "\(error)")
            }
        }
        let garbage = folder.appendingPathComponent("garbage.safetensors")
        try Data([1, 2, 3]).write(to: garbage)
        #expect(throws: TrainingError.self) { try Checkpoint.read(from: garbage, network: small) }
    }

    @Test func atomicWriteReplacesAndReportsUnwritablePaths() throws {
        let folder = try TrainingFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("file.txt")
        try AtomicFile.write("first", to: url)
        try AtomicFile.write("second", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["file.txt"])
        do {
            try AtomicFile.write("x", to: folder.appendingPathComponent("missing/file.txt"))
            Issue.record("a write into a missing folder succeeded")
        } catch {
            #expect("\(error)".contains("missing/file.txt") && "\(error)".contains("No such file"), "\(error)")
        }
    }
}
