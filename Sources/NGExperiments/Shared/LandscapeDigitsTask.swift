import NGData
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom

/// The 8×8 handwritten digits (the embedded `digits` set, 1797 images, 10 classes) as a small
/// classification task for the kfac, efficiency and landscape experiments: pixels scaled from
/// 0…16 to [0, 1], one-hot targets, optionally a seeded subset of the examples.
///
/// Small enough that the exact Fisher and Hessian of an MLP on it can be formed densely, real
/// enough that its curvature is not a toy's.
struct SmallDigitsTask<Scalar: BLASScalar>: Sendable {
    /// N×64 pixels in [0, 1].
    let inputs: Matrix<Scalar>
    /// N×10 one-hot rows.
    let targets: Matrix<Scalar>

    /// - Parameters:
    ///   - exampleCount: keep this many examples drawn without replacement (nil: all 1797).
    ///   - generator: the draw's generator.
    /// - Throws: errors of loading the embedded data.
    init(exampleCount: Int? = nil, generator: inout SeededGenerator) throws {
        let dataset = try Dataset.load("digits")
        var indices = Array(0..<dataset.count)
        if let exampleCount, exampleCount < dataset.count {
            generator.shuffle(&indices)
            indices = Array(indices.prefix(exampleCount))
        }
        let subset = dataset.subset(at: indices)
        inputs = subset.features.converted(to: Scalar.self).map { $0 / 16 }
        targets = try CategoricalLikelihood<Scalar>.oneHot(labels: subset.labels!, classCount: 10)
    }

    /// N.
    var exampleCount: Int { inputs.rows }

    /// The MLP 64 → hidden… → 10 with `activation` between the dense layers.
    func network(hidden: [Int], activation: ActivationFunction = .tanh) throws -> Network<Scalar> {
        try Network.multilayerPerceptron(sizes: [64] + hidden + [10], activation: activation)
    }

    /// The mean cross-entropy of `network` on the task (no penalty).
    func objective(_ network: Network<Scalar>) throws -> NetworkObjective<Scalar, CategoricalLikelihood<Scalar>> {
        try NetworkObjective(network: network, likelihood: CategoricalLikelihood<Scalar>(), inputs: inputs, targets: targets)
    }
}
