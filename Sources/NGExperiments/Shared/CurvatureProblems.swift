import NGData
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom

/// The small Float64 problems on which the curvature experiments (`fisher-vs-hessian`,
/// `approximation`, `invariance`) form dense P×P matrices: real embedded data, standardized
/// features, seeded subsets and initializations.
public enum CurvatureProblems {
    /// A categorical network objective (softmax cross-entropy).
    public typealias Classifier = NetworkObjective<Double, CategoricalLikelihood<Double>>
    /// A Bernoulli network objective (logistic loss).
    public typealias BinaryClassifier = NetworkObjective<Double, BernoulliLikelihood<Double>>

    /// `count` examples of an embedded classification data set, drawn without replacement by a
    /// seeded permutation (all of them, in data order, when `count` ≥ N), with standardized
    /// features (population mean and deviation of the subset; constant columns centred only).
    /// - Throws: `DataError` for an unknown data set; ``ExperimentError/runFailed(_:)`` for one without classes.
    public static func standardizedClassification(_ name: String, count: Int?, seed: UInt64) throws -> (features: Matrix<Double>, labels: [Int], classCount: Int) {
        var dataset = try Dataset.load(name)
        guard let classCount = dataset.classCount else { throw ExperimentError.runFailed("data set \(name) has no classes") }
        if let count, count < dataset.count {
            var generator = SeededGenerator(seed: seed)
            dataset = dataset.subset(at: generator.permutation(dataset.count).prefix(count).sorted())
        }
        let standardized = try Standardizer(fitting: dataset).transform(dataset.features)
        return (standardized, dataset.labels!, classCount)
    }

    /// A tanh multilayer perceptron `sizes` (first = features, last = classes) with a softmax
    /// output on `dataset`, and its Glorot-uniform initialization drawn with `seed`.
    /// - Parameters:
    ///   - dataset: an embedded classification data set ("digits", "iris", "wine", …).
    ///   - hidden: the hidden layer sizes (empty: softmax regression).
    ///   - examples: how many examples to use (nil: all).
    ///   - seed: the seed of the subset and of the initialization (split into two streams).
    /// - Throws: errors of the data and of the network.
    public static func classifier(
        _ dataset: String, hidden: [Int], examples: Int?, seed: UInt64
    ) throws -> (objective: Classifier, initial: Vector<Double>) {
        var generator = SeededGenerator(seed: seed)
        var initialization = generator.split()
        let data = try standardizedClassification(dataset, count: examples, seed: generator.next())
        let sizes = [data.features.columns] + hidden + [data.classCount]
        let network = try Network<Double>.multilayerPerceptron(sizes: sizes, activation: .tanh)
        let targets = try CategoricalLikelihood<Double>.oneHot(labels: data.labels, classCount: data.classCount)
        let objective = try Classifier(network: network, likelihood: CategoricalLikelihood<Double>(), inputs: data.features, targets: targets)
        return (objective, network.initialParameters(scheme: .glorotUniform, generator: &initialization))
    }

    /// A tanh multilayer perceptron `sizes` (first = features, last = 1) with a Bernoulli output
    /// (logistic loss) on a two-class embedded data set, Glorot-uniform start drawn with `seed`.
    /// - Throws: errors of the data and the network; ``ExperimentError/runFailed(_:)`` for more than two classes.
    /// - Parameter components: when given, the inputs are the data's leading principal components, whitened.
    public static func binaryClassifier(
        _ dataset: String, hidden: [Int], components: Int? = nil, seed: UInt64
    ) throws -> (objective: BinaryClassifier, initial: Vector<Double>) {
        var generator = SeededGenerator(seed: seed)
        var data = try standardizedClassification(dataset, count: nil, seed: 0)
        if let components { data.features = try whitenedPrincipalComponents(data.features, count: components) }
        guard data.classCount == 2 else { throw ExperimentError.runFailed("data set \(dataset) has \(data.classCount) classes, a Bernoulli model needs 2") }
        let network = try Network<Double>.multilayerPerceptron(sizes: [data.features.columns] + hidden + [1], activation: .tanh)
        let targets = try Matrix(rows: data.labels.count, columns: 1, elements: data.labels.map(Double.init))
        let objective = try BinaryClassifier(network: network, likelihood: BernoulliLikelihood<Double>(), inputs: data.features, targets: targets)
        return (objective, network.initialParameters(scheme: .glorotUniform, generator: &generator))
    }

    /// The leading `count` principal components of centred features, whitened (unit variance,
    /// uncorrelated): Z = X_c·V_k·Λ_k^(−1/2) with X_cᵀX_c/N = V·Λ·Vᵀ. Decorrelated inputs keep a
    /// small network's Fisher well conditioned, so that a tiny damping is an honest pseudo-inverse.
    /// - Throws: `LinearAlgebraError` from the eigensolver; ``ExperimentError/runFailed(_:)`` when
    ///   fewer than `count` directions have positive variance.
    public static func whitenedPrincipalComponents(_ features: Matrix<Double>, count: Int) throws -> Matrix<Double> {
        let (n, d) = (features.rows, features.columns)
        var centred = features
        for j in 0..<d {
            let mean = (0..<n).reduce(0.0) { $0 + features[$1, j] } / Double(n)
            for i in 0..<n { centred[i, j] -= mean }
        }
        let eigen = try SymmetricEigendecomposition(centred.gram(alpha: 1 / Double(n)))
        let order = (0..<d).reversed().prefix(count)
        guard order.count == count, order.allSatisfy({ eigen.eigenvalues[$0] > 0 }) else {
            throw ExperimentError.runFailed("principal components: fewer than \(count) directions with positive variance")
        }
        let projection = Matrix<Double>(rows: d, columns: count) { j, c in
            let index = order[order.index(order.startIndex, offsetBy: c)]
            return eigen.eigenvectors[j, index] / eigen.eigenvalues[index].squareRoot()
        }
        return try centred.multiplied(by: projection)
    }

    /// Logistic regression (one dense d → 1 layer, its bias the intercept, no penalty) on the
    /// standardized breast-cancer data (569 × 30), started at θ = 0.
    /// - Throws: errors of the data.
    public static func breastCancerLogistic() throws -> (objective: BinaryClassifier, initial: Vector<Double>) {
        let data = try standardizedClassification("breast-cancer", count: nil, seed: 0)
        let network = try Network<Double>.multilayerPerceptron(sizes: [data.features.columns, 1], activation: .identity)
        let targets = try Matrix(rows: data.labels.count, columns: 1, elements: data.labels.map(Double.init))
        let objective = try BinaryClassifier(network: network, likelihood: BernoulliLikelihood<Double>(), inputs: data.features, targets: targets)
        return (objective, Vector(count: network.parameterCount))
    }

    /// The layer blocks of a network's flat parameter vector (weight then bias, layer by layer).
    public static func layerBlocks(_ layers: [LayerParameterLayout]) -> [Range<Int>] {
        layers.map(\.range)
    }
}
