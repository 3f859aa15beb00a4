import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGTestSupport
import Testing

@Suite("Shampoo")
struct ShampooTests {
    /// M^(−1/4) by an eigendecomposition and explicit loops: Q·diag(λ^(−1/4))·Qᵀ, in Double.
    static func inverseFourthRoot(_ m: Matrix<Double>) throws -> Matrix<Double> {
        let eigen = try SymmetricEigendecomposition(m)
        let n = m.rows
        return Matrix(rows: n, columns: n) { i, j in
            (0..<n).reduce(0.0) { $0 + eigen.eigenvectors[i, $1] * Double.pow(eigen.eigenvalues[$1], -0.25) * eigen.eigenvectors[j, $1] }
        }
    }

    /// ε·I + Σ G·Gᵀ (left) or ε·I + Σ Gᵀ·G (right) by loops, in Double.
    static func statistics<T: BLASScalar>(_ gradients: [Matrix<T>], epsilon: Double, left: Bool) -> Matrix<Double> {
        let n = left ? gradients[0].rows : gradients[0].columns
        return Matrix(rows: n, columns: n) { i, j in
            var sum = i == j ? epsilon : 0
            for g in gradients {
                if left { for k in 0..<g.columns { sum += Double(g[i, k]) * Double(g[j, k]) } }
                else { for k in 0..<g.rows { sum += Double(g[k, i]) * Double(g[k, j]) } }
            }
            return sum
        }
    }

    /// The weight gradient G (out×in) of a layer from a θ-ordered vector.
    static func weightMatrix<T: BLASScalar>(_ v: Vector<T>, _ layout: LayerParameterLayout) -> Matrix<T> {
        Matrix(rows: layout.rows, columns: layout.columns) { i, j in v[layout.weightRange.lowerBound + i * layout.columns + j] }
    }

    /// Two steps on a single dense layer with T = 1: the weight update is L^(−1/4)·G·R^(−1/4)
    /// with L, R accumulated by loops and the roots from explicit eigendecompositions; the bias
    /// update is g/√(ε + Σg²). The optimizer's roots satisfy X⁴·L = I.
    func expectMatchesDenseFormula<T: BLASScalar>(_: T.Type) throws {
        let epsilon = 1e-3
        let objective = try KFACFixtures.perceptron(T.self, sizes: [3, 2], examples: 5)
        let layout = objective.layers[0]
        var optimizer = try Shampoo.optimizer(learningRate: T(0.3), settings: ShampooSettings(epsilon: T(epsilon)), as: T.self)
        var parameters = KFACFixtures.parameters(for: objective)
        var gradients = [Matrix<T>](), biasSquares = [Double](repeating: epsilon, count: layout.rows)
        for step in 0..<2 {
            let before = parameters
            let gradient = try objective.evaluate(at: parameters, batch: .all).gradient
            _ = try optimizer.step(&parameters, objective: objective, batch: .all)
            gradients.append(Self.weightMatrix(gradient, layout))
            let left = try Self.inverseFourthRoot(Self.statistics(gradients, epsilon: epsilon, left: true))
            let right = try Self.inverseFourthRoot(Self.statistics(gradients, epsilon: epsilon, left: false))
            let g = DenseOracles.double(gradients.last!)
            let expected = DenseOracles.product(DenseOracles.product(left, g), right)
            let update = Self.weightMatrix(Vector((0..<before.count).map { (before[$0] - parameters[$0]) / T(0.3) }), layout)
            let error = KFACFixtures.relativeError(update, expected)
            #expect(error < (T.self == Float.self ? 1e-3 : 1e-9), "step \(step): weight update misses L^(−1/4)·G·R^(−1/4) by \(error)")
            for o in 0..<layout.rows {
                let b = Double(gradient[layout.biasRange.lowerBound + o])
                biasSquares[o] += b * b
                let u = Double(before[layout.biasRange.lowerBound + o] - parameters[layout.biasRange.lowerBound + o]) / 0.3
                #expect(Swift.abs(u - b / biasSquares[o].squareRoot()) < (T.self == Float.self ? 1e-4 : 1e-10))
            }
        }
        // The stored root X = L^(−1/4): X·X·X·X·L = I.
        let state = try #require(optimizer.state?.0)
        let x = DenseOracles.double(state.leftRoots[0])
        let l = DenseOracles.double(ShampooState.symmetric(state.leftStatistics[0]))
        let fourth = DenseOracles.product(DenseOracles.product(DenseOracles.product(DenseOracles.product(x, x), x), x), l)
        #expect(DenseOracles.maxDifference(fourth, Matrix<Double>.identity(l.rows)) < (T.self == Float.self ? 1e-3 : 1e-9))
    }

    @Test("one layer, T = 1: the update is L^(−1/4)·G·R^(−1/4) (Float)")
    func denseFormulaFloat() throws { try expectMatchesDenseFormula(Float.self) }

    @Test("one layer, T = 1: the update is L^(−1/4)·G·R^(−1/4) (Double)")
    func denseFormulaDouble() throws { try expectMatchesDenseFormula(Double.self) }

    /// Without layers every parameter is a vector entry: diagonal AdaGrad with H₀ = ε,
    /// u = g/√(ε + Σg²), checked over three steps by hand.
    @Test("a vector parameter gets diagonal AdaGrad, g/√(ε + Σg²)")
    func vectorIsDiagonalAdagrad() throws {
        let curvatures = [1.0, 4.0, 9.0], minimum = [1.0, -1.0, 2.0]
        let objective = LeastSquaresObjective<Double>.parabola(curvatures: curvatures, minimum: minimum)
        let (rate, epsilon) = (0.5, 1e-4)
        var optimizer = try Shampoo.optimizer(learningRate: rate, settings: ShampooSettings(epsilon: epsilon), as: Double.self)
        var parameters: Vector<Double> = [0, 0, 0]
        var expected = [0.0, 0.0, 0.0], sums = [epsilon, epsilon, epsilon]
        for _ in 0..<3 {
            _ = try optimizer.step(&parameters, objective: objective, batch: .all)
            for j in 0..<3 {
                let g = curvatures[j] * (expected[j] - minimum[j])
                sums[j] += g * g
                expected[j] -= rate * g / sums[j].squareRoot()
            }
            for j in 0..<3 { #expect(Swift.abs(parameters[j] - expected[j]) < 1e-12) }
        }
    }

    /// Grafting keeps Shampoo's direction per tensor and takes SGD's (the gradient's) or Adam's
    /// norm, Adam's direction m̂/(√v̂ + ε) computed here by hand over two steps.
    @Test("grafting gives each tensor the grafted optimizer's norm")
    func grafting() throws {
        let objective = try KFACFixtures.perceptron(Double.self, sizes: [3, 4, 2], examples: 6)
        let start = KFACFixtures.parameters(for: objective)
        var blocks = [Range<Int>]()
        for layout in objective.layers { blocks += [layout.weightRange, layout.biasRange] }
        func norm(_ v: [Double], _ r: Range<Int>) -> Double { r.reduce(0.0) { $0 + v[$1] * v[$1] }.squareRoot() }
        var plain = try Shampoo.optimizer(learningRate: 1.0, as: Double.self)
        var sgd = try Shampoo.optimizer(learningRate: 1.0, settings: ShampooSettings(grafting: .sgd), as: Double.self)
        var adam = try Shampoo.optimizer(learningRate: 1.0, settings: ShampooSettings(grafting: .adam(beta1: 0.8, beta2: 0.9, epsilon: 1e-3)), as: Double.self)
        var (p, s, a) = (start, start, start)
        var (m, v) = ([Double](repeating: 0, count: start.count), [Double](repeating: 0, count: start.count))
        for step in 1...2 {
            // Plain and SGD-grafted runs from the same point, so they share the gradient.
            let (beforeP, beforeA) = (p, a)
            _ = try plain.step(&p, objective: objective, batch: .all)
            s = beforeP
            _ = try sgd.step(&s, objective: objective, batch: .all)
            let gradient = try objective.evaluate(at: beforeP, batch: .all).gradient.elements
            let shampooUpdate = (0..<start.count).map { beforeP[$0] - p[$0] }
            let graftedUpdate = (0..<start.count).map { beforeP[$0] - s[$0] }
            for r in blocks {
                #expect(Swift.abs(norm(graftedUpdate, r) - norm(gradient, r)) < 1e-10 * norm(gradient, r))
                let ratio = norm(gradient, r) / norm(shampooUpdate, r)
                for j in r { #expect(Swift.abs(graftedUpdate[j] - ratio * shampooUpdate[j]) < 1e-10) }
            }
            // Adam grafting along its own trajectory.
            let adamGradient = try objective.evaluate(at: beforeA, batch: .all).gradient.elements
            var direction = [Double](repeating: 0, count: start.count)
            for j in 0..<start.count {
                m[j] = 0.8 * m[j] + 0.2 * adamGradient[j]
                v[j] = 0.9 * v[j] + 0.1 * adamGradient[j] * adamGradient[j]
                let (mHat, vHat) = (m[j] / (1 - Double.pow(0.8, Double(step))), v[j] / (1 - Double.pow(0.9, Double(step))))
                direction[j] = mHat / (vHat.squareRoot() + 1e-3)
            }
            _ = try adam.step(&a, objective: objective, batch: .all)
            let adamUpdate = (0..<start.count).map { beforeA[$0] - a[$0] }
            for r in blocks { #expect(Swift.abs(norm(adamUpdate, r) - norm(direction, r)) < 1e-10 * norm(direction, r)) }
        }
    }

    /// With T = 2 the second step uses the first step's roots on the new gradient, while the
    /// statistics keep accumulating; the third step refreshes the roots.
    @Test("roots are recomputed every T steps")
    func rootInterval() throws {
        let objective = try KFACFixtures.perceptron(Double.self, sizes: [3, 2], examples: 5)
        let layout = objective.layers[0]
        let epsilon = 1e-3
        let transform = try ScaleByShampoo<Double>(settings: ShampooSettings(epsilon: epsilon, rootUpdateInterval: 2))
        var parameters = KFACFixtures.parameters(for: objective)
        var state = transform.initialState(parameters: parameters)
        var gradients = [Matrix<Double>]()
        for step in 0..<3 {
            let point = try objective.evaluate(at: parameters, batch: .all)
            var update = point.gradient
            try transform.update(&update, state: &state, point: point, layers: objective.layers)
            gradients.append(Self.weightMatrix(point.gradient, layout))
            let rootsFrom = step == 1 ? Array(gradients.prefix(1)) : gradients
            let left = try Self.inverseFourthRoot(Self.statistics(rootsFrom, epsilon: epsilon, left: true))
            let right = try Self.inverseFourthRoot(Self.statistics(rootsFrom, epsilon: epsilon, left: false))
            let expected = DenseOracles.product(DenseOracles.product(left, gradients.last!), right)
            #expect(KFACFixtures.relativeError(Self.weightMatrix(update, layout), expected) < 1e-9, "step \(step)")
            let accumulated = Self.statistics(gradients, epsilon: epsilon, left: true)
            #expect(DenseOracles.maxDifference(ShampooState.symmetric(state.leftStatistics[0]), accumulated) < 1e-12)
            try parameters.add(update, scaledBy: -0.1)
        }
        #expect(state.count == 3)
    }

    @Test("trains a small network; bad settings are errors")
    func trainsAndValidates() throws {
        let objective = try KFACFixtures.perceptron(Float.self, sizes: [3, 6, 3], examples: 20)
        var optimizer = try Shampoo.optimizer(learningRate: Float(0.05), settings: ShampooSettings(rootUpdateInterval: 3, grafting: .adam), as: Float.self)
        var parameters = KFACFixtures.parameters(for: objective, scale: 1)
        let initial = try objective.loss(at: parameters, batch: .all)
        for _ in 0..<30 { _ = try optimizer.step(&parameters, objective: objective, batch: .all) }
        #expect(try objective.loss(at: parameters, batch: .all) < 0.7 * initial)
        #expect(throws: OptimizerError.self) { try ScaleByShampoo<Double>(settings: ShampooSettings(epsilon: 0)) }
        #expect(throws: OptimizerError.self) { try ScaleByShampoo<Double>(settings: ShampooSettings(rootUpdateInterval: 0)) }
        #expect(throws: OptimizerError.self) { try Shampoo.optimizer(learningRate: -1.0, as: Double.self) }
    }
}
