import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGTestSupport
import Testing

/// Networks, objectives and independent dense constructions for the K-FAC, EKFAC, Shampoo and
/// AdaHessian suites.
enum KFACFixtures {
    /// Standard normal inputs and arbitrary targets of `likelihood`'s kind (not drawn from the model).
    static func data<T: BLASScalar>(
        _ kind: LikelihoodKind, inputs: Int, outputs: Int, examples: Int, seed: UInt64
    ) -> (inputs: Matrix<T>, targets: Matrix<T>) {
        var generator = SeededGenerator(seed: seed)
        let x = Matrix<T>(rows: examples, columns: inputs) { _, _ in T(generator.normal()) }
        let y: Matrix<T>
        switch kind {
        case .gaussian: y = Matrix(rows: examples, columns: outputs) { _, _ in T(generator.normal()) }
        case .bernoulli: y = Matrix(rows: examples, columns: outputs) { _, _ in generator.uniform() < 0.5 ? 0 : 1 }
        case .categorical:
            let labels = (0..<examples).map { _ in generator.integer(below: outputs) }
            y = Matrix(rows: examples, columns: outputs) { i, j in labels[i] == j ? 1 : 0 }
        case .poisson: y = Matrix(rows: examples, columns: outputs) { _, _ in T(generator.integer(below: 5)) }
        }
        return (x, y)
    }

    /// A tanh perceptron with a categorical likelihood on arbitrary data.
    static func perceptron<T: BLASScalar>(
        _: T.Type = T.self, sizes: [Int] = [3, 4, 3], examples: Int = 6, l2: T = 0, seed: UInt64 = 11
    ) throws -> NetworkObjective<T, CategoricalLikelihood<T>> {
        let network = try Network<T>.multilayerPerceptron(sizes: sizes, activation: .tanh)
        let (x, y): (Matrix<T>, Matrix<T>) = data(.categorical, inputs: sizes[0], outputs: sizes.last!, examples: examples, seed: seed)
        return try NetworkObjective(network: network, likelihood: CategoricalLikelihood<T>(), inputs: x, targets: y, l2: l2)
    }

    /// A small convolutional classifier: 1×4×4 images, a 3×3 convolution to 2 channels with
    /// padding 1 (L = 16 positions), tanh, flatten, dense to `outputs` classes.
    static func convolutional<T: BLASScalar>(
        _: T.Type = T.self, outputs: Int = 3, examples: Int = 5, kernelSize: Int = 3, padding: Int = 1, seed: UInt64 = 13
    ) throws -> NetworkObjective<T, CategoricalLikelihood<T>> {
        let input = FeatureShape(channels: 1, height: 4, width: 4)
        let convolution = try Convolution2D<T>(inputShape: input, outputChannels: 2, kernelSize: kernelSize, stride: 1, padding: padding)
        let network = try Network(inputShape: input, layers: [
            convolution, Activation<T>(.tanh), Flatten<T>(),
            try Dense<T>(inputCount: convolution.outputExampleShape.count, outputCount: outputs),
        ])
        let (x, y): (Matrix<T>, Matrix<T>) = data(.categorical, inputs: 16, outputs: outputs, examples: examples, seed: seed)
        return try NetworkObjective(network: network, likelihood: CategoricalLikelihood<T>(), inputs: x, targets: y)
    }

    /// Seeded parameters, scaled so that the nonlinearities matter.
    static func parameters<T: BLASScalar, L: Likelihood>(for objective: NetworkObjective<T, L>, seed: UInt64 = 5, scale: T = 1.5) -> Vector<T> {
        var generator = SeededGenerator(seed: seed)
        return scale * objective.network.initialParameters(generator: &generator)
    }

    /// The explicit Kronecker product X ⊗ Y by the textbook loops: entry (i·n + j, k·n + l) =
    /// X[i, k]·Y[j, l] (row-major vec), independent of `KroneckerProduct`.
    static func kronecker<T: BLASScalar>(_ x: Matrix<T>, _ y: Matrix<T>) -> Matrix<T> {
        let (m, n) = (x.rows, y.rows)
        return Matrix(rows: m * n, columns: m * n) { row, column in x[row / n, column / n] * y[row % n, column % n] }
    }

    /// A matrix in the augmented row-major order of [W | b] (index o·(in+1) + j) re-indexed in
    /// the layer's flat order, built from `LayerParameterLayout.flatIndex` directly.
    static func toFlatOrder<T: BLASScalar>(_ matrix: Matrix<T>, layout: LayerParameterLayout) -> Matrix<T> {
        let n = layout.rows * (layout.columns + 1)
        var position = [Int](repeating: 0, count: n)
        for o in 0..<layout.rows {
            for j in 0...layout.columns { position[o * (layout.columns + 1) + j] = layout.flatIndex(row: o, column: j) - layout.offset }
        }
        var result = Matrix<T>(rows: n, columns: n)
        for a in 0..<n { for b in 0..<n { result[position[a], position[b]] = matrix[a, b] } }
        return result
    }

    /// The P×P block-diagonal matrix with `blocks[l]` (in the layer's flat order) on layer l's range.
    static func blockDiagonal<T: BLASScalar>(_ blocks: [Matrix<T>], layers: [LayerParameterLayout], parameterCount p: Int) -> Matrix<T> {
        var result = Matrix<T>(rows: p, columns: p)
        for (block, layout) in zip(blocks, layers) {
            let start = layout.range.lowerBound
            for i in 0..<block.rows { for j in 0..<block.columns { result[start + i, start + j] = block[i, j] } }
        }
        return result
    }

    /// The layer's diagonal block of a P×P matrix.
    static func block<T: BLASScalar>(_ matrix: Matrix<T>, _ layout: LayerParameterLayout) -> Matrix<T> {
        let start = layout.range.lowerBound, n = layout.range.count
        return Matrix(rows: n, columns: n) { i, j in matrix[start + i, start + j] }
    }

    /// Solves A·x = b by Gaussian elimination with partial pivoting in Double (an oracle
    /// independent of LAPACK).
    static func gaussianSolve<T: BLASScalar>(_ a: Matrix<T>, _ b: Vector<T>) -> Vector<Double> {
        let n = a.rows
        var m = (0..<n).map { i in (0..<n).map { Double(a[i, $0]) } + [Double(b[i])] }
        for column in 0..<n {
            let pivot = (column..<n).max { Swift.abs(m[$0][column]) < Swift.abs(m[$1][column]) }!
            m.swapAt(column, pivot)
            for row in (column + 1)..<Swift.max(column + 1, n) {
                let factor = m[row][column] / m[column][column]
                for k in column...n { m[row][k] -= factor * m[column][k] }
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in (0..<n).reversed() {
            var sum = m[row][n]
            for k in (row + 1)..<Swift.max(row + 1, n) { sum -= m[row][k] * x[k] }
            x[row] = sum / m[row][row]
        }
        return Vector(x)
    }

    /// Naive A·x in Double.
    static func product<T: BLASScalar>(_ a: Matrix<T>, _ x: Vector<T>) -> Vector<Double> {
        Vector((0..<a.rows).map { i in (0..<a.columns).reduce(0.0) { $0 + Double(a[i, $1]) * Double(x[$1]) } })
    }

    /// ‖a − b‖ / ‖b‖ in Double.
    static func relativeError<T: BLASScalar, U: BLASScalar>(_ a: Vector<T>, _ b: Vector<U>) -> Double {
        precondition(a.count == b.count)
        var difference = 0.0, reference = 0.0
        for (x, y) in zip(a.elements, b.elements) {
            difference += (Double(x) - Double(y)) * (Double(x) - Double(y))
            reference += Double(y) * Double(y)
        }
        return (difference / Swift.max(reference, .leastNormalMagnitude)).squareRoot()
    }

    /// ‖A − B‖_F / ‖B‖_F in Double.
    static func relativeError<T: BLASScalar, U: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<U>) -> Double {
        precondition(a.rows == b.rows && a.columns == b.columns, "\(a.shapeDescription) vs \(b.shapeDescription)")
        return relativeError(Vector(a.elements), Vector(b.elements))
    }

    /// ‖A − B‖_F in Double.
    static func frobeniusDistance<T: BLASScalar, U: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<U>) -> Double {
        zip(a.elements, b.elements).reduce(0.0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }.squareRoot()
    }

    /// A relative tolerance for computations of condition O(1)–O(100).
    static func tolerance<T: BLASScalar>(_: T.Type) -> Double { T.self == Float.self ? 2e-3 : 1e-9 }
}

/// An objective that forwards everything to another but whose points are plain
/// `EvaluatedObjective`s: K-FAC then takes its generic path (`kroneckerFactors`) instead of
/// the in-place path of `KFACStatisticsSource`, so the two can be compared.
struct OpaqueObjective<Inner: Objective>: Objective {
    typealias Scalar = Inner.Scalar
    let inner: Inner
    var parameterCount: Int { inner.parameterCount }
    var exampleCount: Int { inner.exampleCount }
    var layers: [LayerParameterLayout] { inner.layers }
    func evaluate(at parameters: Vector<Scalar>, batch: Batch) throws -> OpaquePoint<Inner.Point> {
        OpaquePoint(inner: try inner.evaluate(at: parameters, batch: batch))
    }
    func loss(at parameters: Vector<Scalar>, batch: Batch) throws -> Scalar { try inner.loss(at: parameters, batch: batch) }
}

/// A point forwarding to another, conforming to nothing beyond `EvaluatedObjective`.
struct OpaquePoint<Inner: EvaluatedObjective>: EvaluatedObjective {
    typealias Scalar = Inner.Scalar
    let inner: Inner
    var parameters: Vector<Scalar> { inner.parameters }
    var loss: Scalar { inner.loss }
    var gradient: Vector<Scalar> { inner.gradient }
    var batchSize: Int { inner.batchSize }
    func curvatureProduct(_ kind: CurvatureKind, _ v: Vector<Scalar>, samples: Int, seed: UInt64) throws -> Vector<Scalar> {
        try inner.curvatureProduct(kind, v, samples: samples, seed: seed)
    }
    func denseCurvature(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> Matrix<Scalar> {
        try inner.denseCurvature(kind, samples: samples, seed: seed)
    }
    func perExampleGradients() throws -> Matrix<Scalar> { try inner.perExampleGradients() }
    func kroneckerFactors(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> [KroneckerFactors<Scalar>] {
        try inner.kroneckerFactors(kind, samples: samples, seed: seed)
    }
}
