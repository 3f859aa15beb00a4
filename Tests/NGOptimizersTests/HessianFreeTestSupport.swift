import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom

/// Problems and oracles shared by the Hessian-free, Krylov-subspace-descent and
/// variance-reduction tests.
enum HessianFreeFixtures {
    /// `count` curvatures taking `distinct` values log-spaced in [low, high], repeated in turn.
    static func curvatures<T: BLASScalar>(count: Int, distinct: Int, low: Double, high: Double, as _: T.Type = T.self) -> [T] {
        (0..<count).map { index in
            let k = index % distinct
            let exponent = distinct == 1 ? 0 : Double(k) / Double(distinct - 1)
            return T(low * Double.pow(high / low, exponent))
        }
    }

    /// A seeded Gaussian vector.
    static func gaussian<T: BLASScalar>(_ count: Int, seed: UInt64, as _: T.Type = T.self) -> [T] {
        var generator = SeededGenerator(seed: seed)
        return generator.normals(count, as: T.self)
    }

    /// Linear regression with a unit-variance Gaussian likelihood on a d → out dense layer:
    /// J = (1/N)·Σ ½‖W·xᵢ + b − yᵢ‖², a quadratic in θ whose Gauss–Newton matrix is its Hessian.
    /// The features have different scales (column j scaled by 2^j/4) for a non-trivial spectrum.
    static func linearRegression<T: BLASScalar>(
        examples: Int, features: Int, outputs: Int, seed: UInt64, as _: T.Type = T.self
    ) throws -> NetworkObjective<T, GaussianLikelihood<T>> {
        let network = try Network<T>(inputShape: .flat(features), layers: [try Dense<T>(inputCount: features, outputCount: outputs)])
        var generator = SeededGenerator(seed: seed)
        let inputs = Matrix<T>(rows: examples, columns: features) { _, j in T(generator.normal() * Double.pow(2, Double(j) / 4)) }
        let targets = Matrix<T>(rows: examples, columns: outputs) { i, o in
            T(Double(inputs[i, o % features]) - 0.5 * Double(o) + 0.3 * generator.normal())
        }
        return try NetworkObjective(network: network, likelihood: GaussianLikelihood<T>(), inputs: inputs, targets: targets)
    }

    /// The least-squares solution of a one-layer Gaussian regression by the normal equations,
    /// in Double and in the network's parameter order (weights row-major, then biases):
    /// for each output o, (XₐᵀXₐ)·βₒ = Xₐᵀyₒ with Xₐ = [X 1].
    static func normalEquationsSolution<T: BLASScalar>(_ objective: NetworkObjective<T, GaussianLikelihood<T>>) throws -> [Double] {
        let x = objective.inputs.converted(to: Double.self)
        let y = objective.targets.converted(to: Double.self)
        let n = x.rows
        let d = x.columns
        let augmented = Matrix<Double>(rows: n, columns: d + 1) { i, j in j < d ? x[i, j] : 1 }
        var gram = Matrix<Double>(rows: d + 1, columns: d + 1)
        for a in 0...d { for b in 0...d { for i in 0..<n { gram[a, b] += augmented[i, a] * augmented[i, b] } } }
        let cholesky = try Cholesky(gram)
        var weights = [Double](repeating: 0, count: y.columns * d)
        var biases = [Double](repeating: 0, count: y.columns)
        for o in 0..<y.columns {
            var right = Vector<Double>(count: d + 1)
            for a in 0...d { for i in 0..<n { right[a] += augmented[i, a] * y[i, o] } }
            let beta = try cholesky.solve(right)
            for j in 0..<d { weights[o * d + j] = beta[j] }
            biases[o] = beta[d]
        }
        return weights + biases
    }

    /// Three Gaussian blobs in 4-D, 120 examples, classified by a 4-8-3 tanh network with a
    /// categorical likelihood; returns the objective and seeded initial parameters.
    static func blobClassifier<T: BLASScalar>(
        seed: UInt64, l2: T = 0, as _: T.Type = T.self
    ) throws -> (objective: NetworkObjective<T, CategoricalLikelihood<T>>, start: Vector<T>) {
        let examples = 120
        let classes = 3
        let features = 4
        var generator = SeededGenerator(seed: seed)
        let centers: [[Double]] = (0..<classes).map { _ in (0..<features).map { _ in 1.5 * generator.normal() } }
        let labels = (0..<examples).map { $0 % classes }
        let noise = generator.normals(examples * features, as: Double.self)
        let inputs = Matrix<T>(rows: examples, columns: features) { i, j in T(centers[labels[i]][j] + noise[i * features + j]) }
        let targets = try CategoricalLikelihood<T>.oneHot(labels: labels, classCount: classes)
        let network = try Network<T>.multilayerPerceptron(sizes: [features, 8, classes], activation: .tanh)
        let objective = try NetworkObjective(network: network, likelihood: CategoricalLikelihood<T>(), inputs: inputs, targets: targets, l2: l2)
        var initGenerator = SeededGenerator(seed: seed &+ 1)
        return (objective, network.initialParameters(generator: &initGenerator))
    }

    /// Binary logistic regression with L2 on 5 features (a 5 → 1 dense layer, Bernoulli
    /// likelihood): strongly convex in the weights, and in the bias through the curvature of the
    /// log-loss. 64 examples with overlapping classes, so the optimum is finite.
    static func logisticRegression(examples: Int = 64, l2: Double = 0.1, seed: UInt64) throws -> NetworkObjective<Double, BernoulliLikelihood<Double>> {
        let features = 5
        var generator = SeededGenerator(seed: seed)
        let truth = (0..<features).map { _ in generator.normal() }
        let inputs = Matrix<Double>(rows: examples, columns: features) { _, _ in generator.normal() }
        let targets = Matrix<Double>(rows: examples, columns: 1) { i, _ in
            let logit = (0..<features).reduce(0.3) { $0 + truth[$1] * inputs[i, $1] }
            return generator.uniform() < 1 / (1 + Double.exp(-logit)) ? 1 : 0
        }
        let network = try Network<Double>(inputShape: .flat(features), layers: [try Dense<Double>(inputCount: features, outputCount: 1)])
        return try NetworkObjective(network: network, likelihood: BernoulliLikelihood<Double>(), inputs: inputs, targets: targets, l2: l2)
    }

    /// Runs `steps` full-batch steps of `optimizer`, returning the loss after each.
    static func losses<O: Objective, Opt: Optimizer>(
        _ optimizer: inout Opt, objective: O, start: Vector<O.Scalar>, steps: Int
    ) throws -> [Double] where Opt.Scalar == O.Scalar {
        var parameters = start
        var values = [Double]()
        for _ in 0..<steps {
            _ = try optimizer.step(&parameters, objective: objective, batch: .all)
            values.append(Double(try objective.loss(at: parameters, batch: .all)))
        }
        return values
    }

    /// Plain gradient descent (SGD on the full batch) with learning rate α, from the core's transforms.
    static func gradientDescent<T: BLASScalar>(_ learningRate: T) -> TransformOptimizer<ScaleByLearningRate<T>> {
        TransformOptimizer(name: "sgd", ScaleByLearningRate(learningRate))
    }
}
