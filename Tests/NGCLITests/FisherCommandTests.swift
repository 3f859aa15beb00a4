import Foundation
import NGTestSupport
import NaturalGradient
import Testing

@testable import NGCLI

/// `natgrad fisher` end to end on a small network written as PyTorch would write it.
@Suite("natgrad fisher")
struct FisherCommandTests {
    let sizes = [3, 4, 2]
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fisher-\(UUID())")

    /// Weights layers.{i}.weight (out, in) and layers.{i}.bias (out), inputs (5, 3) and labels (5,).
    func writeProblem(weightShapeOverride: [Int]? = nil, labels: [Int] = [0, 1, 1, 0, 1], nanInput: Bool = false) throws -> [String: String] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var rng = SeededGenerator(seed: 3)
        var tensors: [String: NumericArray] = [:]
        for i in 0..<(sizes.count - 1) {
            let shape = i == 1 ? (weightShapeOverride ?? [sizes[i + 1], sizes[i]]) : [sizes[i + 1], sizes[i]]
            tensors["layers.\(i).weight"] = try NumericArray(shape: shape, storage: .float64(rng.normals(shape.reduce(1, *))))
            tensors["layers.\(i).bias"] = try NumericArray(shape: [sizes[i + 1]], storage: .float64(rng.normals(sizes[i + 1])))
        }
        try SafeTensorsFile(tensors: tensors).write(to: folder.appendingPathComponent("w.safetensors"))
        var x: [Double] = rng.normals(15)
        if nanInput { x[7] = .nan }
        try NumPyFile.write(try NumericArray(shape: [5, 3], storage: .float64(x)), to: folder.appendingPathComponent("x.npy"))
        try NumPyFile.write(NumericArray(integers: labels), to: folder.appendingPathComponent("y.npy"))
        return ["w": folder.appendingPathComponent("w.safetensors").path, "x": folder.appendingPathComponent("x.npy").path,
                "y": folder.appendingPathComponent("y.npy").path, "out": folder.appendingPathComponent("out").path]
    }

    func command(_ paths: [String: String], kind: String, extra: [String] = []) throws -> FisherCommand {
        try FisherCommand.parse([
            "--checkpoint", paths["w"]!, "--sizes", "3,4,2", "--activation", "tanh", "--loss", "softmax-cross-entropy",
            "--inputs", paths["x"]!, "--labels", paths["y"]!, "--kind", kind, "--out", paths["out"]!, "--json",
        ] + extra)
    }

    /// The mean softmax cross-entropy evaluated by hand from the tensors, reading W as (out, in).
    func handLoss(_ file: SafeTensorsFile, _ x: Matrix<Double>, _ labels: [Int]) throws -> Double {
        var total = 0.0
        for n in 0..<x.rows {
            var activation = x.row(n).elements
            for i in 0..<(sizes.count - 1) {
                let w = try file.tensors["layers.\(i).weight"]!.matrix(as: Double.self)
                let b = try file.tensors["layers.\(i).bias"]!.vector(as: Double.self)
                var next = (0..<w.rows).map { o in b[o] + (0..<w.columns).reduce(0.0) { $0 + w[o, $1] * activation[$1] } }
                if i < sizes.count - 2 { next = next.map { Double.tanh($0) } }
                activation = next
            }
            let logSumExp = Double.log(activation.map { Double.exp($0) }.reduce(0, +))
            total += logSumExp - activation[labels[n]]
        }
        return total / Double(x.rows)
    }

    @Test("exact Fisher: files in PyTorch order, loss matches a hand evaluation, gradient matches finite differences")
    func exact() throws {
        let paths = try writeProblem()
        try command(paths, kind: "exact").run()
        let out = URL(fileURLWithPath: paths["out"]!)
        let fisher = try NumPyFile.read(out.appendingPathComponent("curvature.npy")).matrix(as: Double.self)
        let gradient = try NumPyFile.read(out.appendingPathComponent("gradient.npy")).vector(as: Double.self)
        let parameterCount = 3 * 4 + 4 + 4 * 2 + 2
        #expect(fisher.rows == parameterCount && fisher.columns == parameterCount && gradient.count == parameterCount)

        // Perturb each tensor entry in the file, in parameters_to_vector order, and difference the hand loss.
        let file = try SafeTensorsFile.read(URL(fileURLWithPath: paths["w"]!))
        let x = try NumPyFile.read(URL(fileURLWithPath: paths["x"]!)).matrix(as: Double.self)
        let labels = [0, 1, 1, 0, 1]
        var position = 0
        for name in ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"] {
            let tensor = file.tensors[name]!
            for e in 0..<tensor.count {
                func loss(_ delta: Double) throws -> Double {
                    var values = tensor.storage.converted(to: Double.self)
                    values[e] += delta
                    var moved = file
                    moved.tensors[name] = try NumericArray(shape: tensor.shape, storage: .float64(values))
                    return try handLoss(moved, x, labels)
                }
                let numeric = (try loss(1e-6) - loss(-1e-6)) / 2e-6
                #expect(abs(numeric - gradient[position]) < 1e-7, "\(name)[\(e)]")
                position += 1
            }
        }
        // The exact Fisher is PSD and symmetric.
        #expect(fisher.asymmetry < 1e-12)
        #expect(try SymmetricEigendecomposition(fisher).eigenvalues.elements.min()! > -1e-12)
        try? FileManager.default.removeItem(at: folder)
    }

    @Test("kfac: A = (1/N)·Σ āāᵀ with the trailing 1, and G's shape per layer")
    func kfac() throws {
        let paths = try writeProblem()
        try command(paths, kind: "kfac").run()
        let out = URL(fileURLWithPath: paths["out"]!)
        let a0 = try NumPyFile.read(out.appendingPathComponent("layers.0.A.npy")).matrix(as: Double.self)
        let g1 = try NumPyFile.read(out.appendingPathComponent("layers.1.G.npy")).matrix(as: Double.self)
        #expect(a0.rows == 4 && g1.rows == 2)
        let x = try NumPyFile.read(URL(fileURLWithPath: paths["x"]!)).matrix(as: Double.self)
        let expected = Matrix<Double>(rows: 4, columns: 4) { i, j in
            (0..<5).reduce(0.0) { sum, n in sum + (i < 3 ? x[n, i] : 1) * (j < 3 ? x[n, j] : 1) } / 5
        }
        #expect(TestMatrices.maxDifference(a0, expected) < 1e-12)
        try? FileManager.default.removeItem(at: folder)
    }

    @Test("bad input names the file and the problem")
    func errors() throws {
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return "no error"
        }
        var paths = try writeProblem(weightShapeOverride: [2, 5])
        var text = message { try command(paths, kind: "exact").run() }
        #expect(text.contains("w.safetensors") && text.contains("layers.1.weight") && text.contains("[2, 5]"))

        paths = try writeProblem(labels: [0, 1, 2, 0, 1])
        text = message { try command(paths, kind: "exact").run() }
        #expect(text.contains("y.npy") && text.contains("label 2"))

        paths = try writeProblem(nanInput: true)
        text = message { try command(paths, kind: "exact").run() }
        #expect(text.contains("x.npy") && text.contains("nan"))

        paths = try writeProblem()
        paths["x"] = folder.appendingPathComponent("missing.npy").path
        text = message { try command(paths, kind: "exact").run() }
        #expect(text.contains("missing.npy"))

        #expect(throws: (any Error).self) { try FisherCommand.parse(["--checkpoint", "w", "--sizes", "3", "--loss", "mse", "--inputs", "x", "--labels", "y", "--kind", "exact", "--out", "o"]) }
        #expect(throws: (any Error).self) { try FisherCommand.parse(["--checkpoint", "w", "--sizes", "3,2", "--loss", "hinge", "--inputs", "x", "--labels", "y", "--kind", "exact", "--out", "o"]) }
        try? FileManager.default.removeItem(at: folder)
    }
}
