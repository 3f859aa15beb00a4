import Foundation
import NaturalGradient
import Testing

/// The library example of the README, kept compiling and correct here.
@Suite("README example")
struct ReadmeExampleTests {
    @Test("the README's library tour runs and its identities hold")
    func tour() throws {
        // --- README example begins ---
        // Real data, by name, no download.
        let iris = try Dataset.load("iris")                        // 150 × 4, 3 classes
        var generator = SeededGenerator(seed: 7)
        let (train, _) = try iris.split(testFraction: 0.2, stratified: true, generator: &generator)

        // A damped curvature system (F + λI)·x = g, solved directly.
        let features = try Standardizer(fitting: train.features).transform(train.features)
        let fisher = features.gram(alpha: 1 / Double(features.rows))  // (1/N)·XᵀX
        let g = Vector<Double>([1, 0, 0, 0])
        let x = try Cholesky(fisher.addingToDiagonal(1e-3)).solve(g)

        // K-FAC-style damped Kronecker solve (G⊗A + λI)⁻¹·vec(V), never forming G⊗A.
        let a = fisher, gFactor = Matrix<Double>.identity(3)
        let v = try Matrix<Double>(rows: 3, columns: 4, elements: (0..<12).map(Double.init))
        let step = try KroneckerProduct(gFactor, a).eigenbasis().solveDamped(v, damping: 1e-3)

        // Shampoo's inverse fourth root, with an eigenvalue floor.
        let root = try fisher.symmetricInversePthRoot(4, eigenvalueFloor: 1e-12)

        // Arrays to and from NumPy and safetensors.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try NumPyFile.write(NumericArray(step), to: folder.appendingPathComponent("step.npy"))
        try SafeTensorsFile(tensors: ["fisher": NumericArray(fisher)], metadata: ["data": "iris"])
            .write(to: folder.appendingPathComponent("fisher.safetensors"))
        // --- README example ends ---

        #expect(iris.count == 150 && train.count == 120)
        #expect(TestTolerance.close(fisher.addingToDiagonal(1e-3) * x, g, 1e-10))
        let rebuilt = try NumPyFile.read(folder.appendingPathComponent("step.npy")).matrix(as: Double.self)
        #expect(rebuilt == step)
        var root4 = root * root
        root4 = root4 * root4 * fisher
        #expect(root4.isApproximatelyEqual(to: .identity(4), absoluteTolerance: 1e-8))
        let weights = try SafeTensorsFile.read(folder.appendingPathComponent("fisher.safetensors"))
        #expect(weights.metadata == ["data": "iris"])
        try? FileManager.default.removeItem(at: folder)
    }
}

enum TestTolerance {
    static func close(_ a: Vector<Double>, _ b: Vector<Double>, _ tolerance: Double) -> Bool {
        a.isApproximatelyEqual(to: b, absoluteTolerance: tolerance)
    }
}
