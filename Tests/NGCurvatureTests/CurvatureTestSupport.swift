import NGCurvature
import NGLinearAlgebra
import NGModels
import NGRandom
import NGTestSupport

/// Networks, batches and reference computations shared by the curvature suites.
enum CurvatureFixtures {
    /// A [3, 4, 3] tanh perceptron (P = 31).
    static func perceptron<T: BLASScalar>(_: T.Type = T.self, sizes: [Int] = [3, 4, 3], activation: ActivationFunction = .tanh) throws -> Network<T> {
        try Network<T>.multilayerPerceptron(sizes: sizes, activation: activation)
    }

    /// A small convolutional network: 1×4×4 images, a 3×3 convolution to 2 channels with padding
    /// 1 (L = 16 positions), tanh, flatten, dense to `outputs` (P = 20 + 33·outputs).
    static func convolutional<T: BLASScalar>(_: T.Type = T.self, outputs: Int = 3) throws -> Network<T> {
        let input = FeatureShape(channels: 1, height: 4, width: 4)
        let convolution = try Convolution2D<T>(inputShape: input, outputChannels: 2, kernelSize: 3, stride: 1, padding: 1)
        return try Network(inputShape: input, layers: [
            convolution, Activation(.tanh), Flatten(),
            try Dense(inputCount: convolution.outputExampleShape.count, outputCount: outputs),
        ])
    }

    /// Default-initialized parameters, scaled so that the nonlinearities matter.
    static func parameters<T: BLASScalar>(for network: Network<T>, seed: UInt64, scale: T = 2) -> Vector<T> {
        var generator = SeededGenerator(seed: seed)
        return scale * network.initialParameters(generator: &generator)
    }

    /// Targets that are *not* drawn from the model: standard normal values (Gaussian), fair coin
    /// flips (Bernoulli), uniformly random one-hot classes (categorical).
    static func arbitraryTargets<T: BLASScalar>(_ kind: LikelihoodKind, examples: Int, outputs: Int, seed: UInt64) -> Matrix<T> {
        var generator = SeededGenerator(seed: seed)
        switch kind {
        case .gaussian:
            return Matrix(rows: examples, columns: outputs) { _, _ in T(generator.normal()) }
        case .bernoulli:
            return Matrix(rows: examples, columns: outputs) { _, _ in generator.uniform() < 0.5 ? 0 : 1 }
        case .categorical:
            let labels = (0..<examples).map { _ in generator.integer(below: outputs) }
            return Matrix(rows: examples, columns: outputs) { i, j in labels[i] == j ? 1 : 0 }
        case .poisson:
            return Matrix(rows: examples, columns: outputs) { _, _ in T(generator.integer(below: 5)) }
        }
    }

    /// An estimator for `likelihood` on a standard normal batch with arbitrary targets.
    static func estimator<L: Likelihood>(
        _ likelihood: L, network: Network<L.Scalar>, examples: Int = 5, seed: UInt64 = 1, parameterScale: L.Scalar = 2
    ) throws -> CurvatureEstimator<L.Scalar, L> {
        let inputs: Matrix<L.Scalar> = TestMatrices.gaussian(examples, network.inputCount, seed: seed &+ 100)
        let targets: Matrix<L.Scalar> = arbitraryTargets(likelihood.kind, examples: examples, outputs: network.outputCount, seed: seed &+ 200)
        return try CurvatureEstimator(
            network: network, parameters: parameters(for: network, seed: seed, scale: parameterScale), inputs: inputs, targets: targets,
            likelihood: likelihood)
    }

    /// The P×P matrix whose column j is `apply(e_j)`.
    static func matrixFromProducts<T: BLASScalar>(dimension p: Int, _ apply: (Vector<T>) throws -> Vector<T>) rethrows -> Matrix<T> {
        var columns = [Vector<T>]()
        for j in 0..<p {
            var unit = Vector<T>(count: p)
            unit[j] = 1
            columns.append(try apply(unit))
        }
        return Matrix(rows: p, columns: p) { i, j in columns[j][i] }
    }

    /// ‖A − B‖_F / ‖B‖_F, in Double.
    static func relativeFrobeniusError<T: BLASScalar, U: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<U>) -> Double {
        precondition(a.rows == b.rows && a.columns == b.columns, "relativeFrobeniusError: \(a.shapeDescription) vs \(b.shapeDescription)")
        var difference = 0.0, reference = 0.0
        for (x, y) in zip(a.elements, b.elements) {
            difference += (Double(x) - Double(y)) * (Double(x) - Double(y))
            reference += Double(y) * Double(y)
        }
        return (difference / Swift.max(reference, .leastNormalMagnitude)).squareRoot()
    }

    /// max |A − B| / max(max |B|, tiny): the largest error relative to the reference's scale.
    static func relativeMaxError<T: BLASScalar, U: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<U>) -> Double {
        precondition(a.rows == b.rows && a.columns == b.columns, "relativeMaxError: \(a.shapeDescription) vs \(b.shapeDescription)")
        let scale = b.elements.reduce(0.0) { Swift.max($0, Swift.abs(Double($1))) }
        let worst = zip(a.elements, b.elements).reduce(0.0) { Swift.max($0, Swift.abs(Double($1.0) - Double($1.1))) }
        return worst / Swift.max(scale, .leastNormalMagnitude)
    }

    /// A tolerance for relative errors of exact computations in a precision.
    static func tolerance<T: BLASScalar>(_: T.Type) -> Double { T.self == Float.self ? 2e-4 : 1e-10 }
}
