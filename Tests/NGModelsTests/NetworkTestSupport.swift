import NGLinearAlgebra
import NGModels
import NGRandom
import NGTestSupport

/// Fixtures and finite-difference oracles shared by the network suites.
enum NetworkFixtures {
    /// Both precisions, for checks that run generically.
    static let precisions: [any BLASScalar.Type] = [Float.self, Double.self]

    /// A smooth convolutional network (every derivative exists everywhere, so Hessian checks by
    /// finite differences are exact up to O(h²)): a 3×2 kernel with stride 2 and padding 1,
    /// softplus, 2×2 average pooling with stride 1, flatten, dense, tanh, dense, sigmoid, dense.
    static func smoothNetwork<T: BLASScalar>(_: T.Type = T.self, outputs: Int = 3) throws -> Network<T> {
        let input = FeatureShape(channels: 2, height: 5, width: 4)
        let convolution = try Convolution2D<T>(inputShape: input, outputChannels: 3, kernelHeight: 3, kernelWidth: 2, stride: 2, padding: 1)
        let pooled = try AveragePooling2D<T>(inputShape: convolution.outputExampleShape, windowSize: 2, stride: 1)
        let features = pooled.outputExampleShape.count
        return try Network(inputShape: input, layers: [
            convolution, Activation(.softplus), pooled, Flatten(),
            try Dense(inputCount: features, outputCount: 5), Activation(.tanh),
            try Dense(inputCount: 5, outputCount: 4), Activation(.sigmoid),
            try Dense(inputCount: 4, outputCount: outputs),
        ])
    }

    /// A piecewise-linear convolutional network: a 2×3 kernel, ReLU, 2×2 max pooling, flatten,
    /// dense, identity, dense.
    static func piecewiseNetwork<T: BLASScalar>(_: T.Type = T.self) throws -> Network<T> {
        let input = FeatureShape(channels: 1, height: 6, width: 7)
        let convolution = try Convolution2D<T>(inputShape: input, outputChannels: 2, kernelHeight: 2, kernelWidth: 3)
        let pooled = try MaxPooling2D<T>(inputShape: convolution.outputExampleShape, windowSize: 2)
        return try Network(inputShape: input, layers: [
            convolution, Activation(.relu), pooled, Flatten(),
            try Dense(inputCount: pooled.outputExampleShape.count, outputCount: 5), Activation(.identity),
            try Dense(inputCount: 5, outputCount: 3),
        ])
    }

    /// Parameters drawn by the default initializer, scaled up so that the nonlinearities are
    /// exercised away from their linear regime.
    static func parameters<T: BLASScalar>(for network: Network<T>, seed: UInt64, scale: T = 2) -> Vector<T> {
        var generator = SeededGenerator(seed: seed)
        return scale * network.initialParameters(generator: &generator)
    }

    /// A standard normal batch for the network.
    static func inputs<T: BLASScalar>(for network: Network<T>, examples: Int, seed: UInt64) -> Matrix<T> {
        TestMatrices.gaussian(examples, network.inputCount, seed: seed)
    }

    /// Targets of the right kind for a likelihood: sampled from the model at `outputs`.
    static func targets<T: BLASScalar>(_ likelihood: any Likelihood<T>, outputs: Matrix<T>, seed: UInt64) -> Matrix<T> {
        var generator = SeededGenerator(seed: seed)
        return likelihood.sampleTargets(outputs: outputs, generator: &generator)
    }

    /// (f(θ + h·v) − f(θ − h·v)) / 2h, entry by entry, in Double.
    static func centralDifference(
        at point: Vector<Double>, direction: Vector<Double>, step: Double = 1e-5, _ f: (Vector<Double>) throws -> [Double]
    ) rethrows -> [Double] {
        let forward = try f(point + step * direction)
        let backward = try f(point - step * direction)
        return zip(forward, backward).map { ($0 - $1) / (2 * step) }
    }

    /// The gradient of a scalar function by central differences along every coordinate.
    static func finiteDifferenceGradient(at point: Vector<Double>, step: Double = 1e-5, _ f: (Vector<Double>) throws -> Double) rethrows -> [Double] {
        var gradient = [Double]()
        for j in 0..<point.count {
            var unit = Vector<Double>(count: point.count)
            unit[j] = 1
            gradient.append(try centralDifference(at: point, direction: unit, step: step) { [try f($0)] }[0])
        }
        return gradient
    }

    /// max |a − b| / max(1, max |b|): the error relative to the reference's size.
    static func relativeError<A: BinaryFloatingPoint, B: BinaryFloatingPoint>(_ a: [A], _ b: [B]) -> Double {
        precondition(a.count == b.count, "relativeError: \(a.count) vs \(b.count) entries")
        let scale = b.reduce(1.0) { Swift.max($0, Swift.abs(Double($1))) }
        return zip(a, b).reduce(0.0) { Swift.max($0, Swift.abs(Double($1.0) - Double($1.1))) } / scale
    }

    /// Σ aᵢ·bᵢ in Double.
    static func inner<A: BinaryFloatingPoint, B: BinaryFloatingPoint>(_ a: [A], _ b: [B]) -> Double {
        zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// A tolerance for comparing two computations of the same derivative in `T`.
    static func tolerance<T: BLASScalar>(_: T.Type) -> Double { T.self == Float.self ? 2e-4 : 1e-10 }

    /// The likelihoods under test, by kind.
    static func likelihoods<T: BLASScalar>(_: T.Type = T.self) -> [any Likelihood<T>] {
        LikelihoodKind.allCases.map { $0.likelihood(T.self) }
    }
}
