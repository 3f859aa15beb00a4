import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGTestSupport
import Testing

/// Small networks, points and reference computations shared by the approximation and NGD suites.
enum ApproximationFixtures {
    /// A [3, 4, 2] tanh perceptron (P = 26) with a categorical likelihood on `examples` standard
    /// normal inputs with random one-hot labels.
    static func objective<T: BLASScalar>(
        _: T.Type = T.self, sizes: [Int] = [3, 4, 2], examples: Int = 6, l2: T = 0, seed: UInt64 = 7
    ) throws -> NetworkObjective<T, CategoricalLikelihood<T>> {
        let network = try Network<T>.multilayerPerceptron(sizes: sizes, activation: .tanh)
        var generator = SeededGenerator(seed: seed)
        let inputs = Matrix<T>(rows: examples, columns: sizes[0]) { _, _ in T(generator.normal()) }
        let labels = (0..<examples).map { _ in generator.integer(below: sizes.last!) }
        let targets = Matrix<T>(rows: examples, columns: sizes.last!) { i, j in labels[i] == j ? 1 : 0 }
        return try NetworkObjective(network: network, likelihood: CategoricalLikelihood<T>(), inputs: inputs, targets: targets, l2: l2)
    }

    /// Seeded parameters, scaled so that the nonlinearities matter.
    static func parameters<T: BLASScalar, L: Likelihood>(for objective: NetworkObjective<T, L>, seed: UInt64 = 3, scale: T = 1.5) -> Vector<T> {
        var generator = SeededGenerator(seed: seed)
        return scale * objective.network.initialParameters(generator: &generator)
    }

    /// The objective evaluated at seeded parameters on all examples.
    static func point<T: BLASScalar>(
        _: T.Type = T.self, examples: Int = 6, l2: T = 0, seed: UInt64 = 3
    ) throws -> (objective: NetworkObjective<T, CategoricalLikelihood<T>>, point: NetworkPoint<T, CategoricalLikelihood<T>>) {
        let objective = try objective(T.self, examples: examples, l2: l2)
        return (objective, try objective.evaluate(at: parameters(for: objective, seed: seed), batch: .all))
    }

    /// ‖A − B‖_F / ‖B‖_F in Double.
    static func relativeError<T: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<T>) -> Double {
        precondition(a.rows == b.rows && a.columns == b.columns)
        var difference = 0.0, reference = 0.0
        for (x, y) in zip(a.elements, b.elements) {
            difference += (Double(x) - Double(y)) * (Double(x) - Double(y))
            reference += Double(y) * Double(y)
        }
        return (difference / Swift.max(reference, .leastNormalMagnitude)).squareRoot()
    }

    /// ‖a − b‖ / ‖b‖ in Double.
    static func relativeError<T: BLASScalar>(_ a: Vector<T>, _ b: Vector<T>) -> Double {
        relativeError(a.asColumn, b.asColumn)
    }

    /// A tolerance for relative errors of O(1)-conditioned computations.
    static func tolerance<T: BLASScalar>(_: T.Type) -> Double { T.self == Float.self ? 2e-3 : 1e-9 }

    /// The P×P matrix with only the entries inside the given blocks kept.
    static func blockMasked<T: BLASScalar>(_ a: Matrix<T>, _ blocks: [Range<Int>]) -> Matrix<T> {
        Matrix(rows: a.rows, columns: a.columns) { i, j in
            blocks.contains { $0.contains(i) && $0.contains(j) } ? a[i, j] : 0
        }
    }

    /// Naive y = A·x, in the scalar type.
    static func naiveProduct<T: BLASScalar>(_ a: Matrix<T>, _ x: Vector<T>) -> Vector<T> {
        Vector((0..<a.rows).map { i in (0..<a.columns).reduce(T(0)) { $0 + a[i, $1] * x[$1] } })
    }

    /// Checks (F̃ + λI)·solve(v) = v against the approximation's own dense matrix, for a seeded v.
    static func expectSolveInverts<A: CurvatureApproximation>(
        _ approximation: A, damping: A.Scalar, count: Int, tolerance: Double, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let v: Vector<A.Scalar> = TestMatrices.gaussianVector(count, seed: 99)
        let x = try approximation.solve(v)
        let damped = try approximation.denseMatrix().addingToDiagonal(damping)
        let error = relativeError(naiveProduct(damped, x), v)
        #expect(error < tolerance, "\(approximation.name): (F̃ + λI)·solve(v) misses v by \(error)", sourceLocation: sourceLocation)
    }

    /// The explicit centered covariance (1/N)·Σ (gᵢ − ḡ)(gᵢ − ḡ)ᵀ of per-example gradient rows, in Double.
    static func centeredCovariance<T: BLASScalar>(_ g: Matrix<T>, centered: Bool = true) -> Matrix<Double> {
        let (n, p) = (g.rows, g.columns)
        var mean = [Double](repeating: 0, count: p)
        if centered { for i in 0..<n { for j in 0..<p { mean[j] += Double(g[i, j]) / Double(n) } } }
        return Matrix(rows: p, columns: p) { a, b in
            (0..<n).reduce(0.0) { $0 + (Double(g[$1, a]) - mean[a]) * (Double(g[$1, b]) - mean[b]) } / Double(n)
        }
    }
}
