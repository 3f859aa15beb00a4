import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGTestSupport
import Testing

@Suite("EKFAC approximation")
struct EKFACApproximationTests {
    /// The layer's eigenbasis Q = Q_G ⊗ Q_A as a dense matrix from explicit Kronecker loops,
    /// its rows (parameters) moved to the layer's flat order and its columns (eigenvectors) left
    /// in the coordinate order of the scalings: column k·(in+1) + l is q_G,k ⊗ q_A,l.
    static func denseBasis<T: BLASScalar>(_ basis: KroneckerEigenbasis<T>, layout: LayerParameterLayout) -> Matrix<T> {
        let augmented = KFACFixtures.kronecker(basis.left.eigenvectors, basis.right.eigenvectors)
        var result = Matrix<T>(rows: augmented.rows, columns: augmented.columns)
        for o in 0..<layout.rows {
            for j in 0...layout.columns {
                let row = layout.flatIndex(row: o, column: j) - layout.offset
                for column in 0..<augmented.columns { result[row, column] = augmented[o * (layout.columns + 1) + j, column] }
            }
        }
        return result
    }

    /// diag(Qᵀ·F·Q) by naive loops in Double.
    static func projectedDiagonal<T: BLASScalar>(_ q: Matrix<T>, _ f: Matrix<T>) -> [Double] {
        let n = q.rows
        return (0..<n).map { k in
            var sum = 0.0
            for i in 0..<n {
                var row = 0.0
                for j in 0..<n { row += Double(f[i, j]) * Double(q[j, k]) }
                sum += Double(q[i, k]) * row
            }
            return sum
        }
    }

    /// Q·diag(s)·Qᵀ by naive loops.
    static func reconstructed<T: BLASScalar>(_ q: Matrix<T>, _ s: [Double]) -> Matrix<Double> {
        let n = q.rows
        return Matrix(rows: n, columns: n) { i, j in (0..<n).reduce(0.0) { $0 + Double(q[i, $1]) * s[$1] * Double(q[j, $1]) } }
    }

    /// s = diag(Qᵀ·F·Q) for F the layer block of the Fisher built from the *same* per-example
    /// gradients (the square root S of the kind, F = SᵀS), i.e. the minimizer of
    /// ‖F − Q·diag(s)·Qᵀ‖_F over diagonals; perturbing s makes the error larger.
    func expectOptimalDiagonal<T: BLASScalar, L: Likelihood>(
        _ objective: NetworkObjective<T, L>, source: CurvatureSource, tolerance: Double
    ) throws where L.Scalar == T {
        let point = try objective.evaluate(at: KFACFixtures.parameters(for: objective), batch: .all)
        var ekfac = try EKFACApproximation<T>(source: source)
        try ekfac.updateStatistics(at: point, layers: objective.layers, decay: 0)
        let root = try point.estimator.gradientSquareRoot(source.kind, samples: source.samples, seed: source.seed)
        let fisher = root.gram()
        for (l, layout) in objective.layers.enumerated() {
            let q = Self.denseBasis(ekfac.eigenbases[l], layout: layout)
            let block = KFACFixtures.block(fisher, layout)
            let expected = Self.projectedDiagonal(q, block)
            let s = ekfac.scalings[l].elements.map(Double.init)
            let scale = expected.map(Swift.abs).max() ?? 1
            let worst = zip(s, expected).map { Swift.abs($0 - $1) }.max() ?? 0
            #expect(worst <= tolerance * scale, "layer \(l): s misses diag(QᵀFQ) by \(worst) (scale \(scale))")
            let best = KFACFixtures.frobeniusDistance(Self.reconstructed(q, s), block)
            var generator = SeededGenerator(seed: 3)
            let perturbed = s.map { $0 + 0.05 * scale * generator.normal() }
            #expect(KFACFixtures.frobeniusDistance(Self.reconstructed(q, perturbed), block) > best)
        }
    }

    @Test("the diagonal is optimal in its eigenbasis: exact Fisher, perceptron (Double and Float)")
    func optimalExact() throws {
        try expectOptimalDiagonal(try KFACFixtures.perceptron(Double.self, examples: 5), source: .exact, tolerance: 1e-10)
        try expectOptimalDiagonal(try KFACFixtures.perceptron(Float.self, examples: 5), source: .exact, tolerance: 1e-4)
    }

    @Test("the diagonal is optimal in its eigenbasis: convolution (per-example sums over positions)")
    func optimalConvolution() throws {
        try expectOptimalDiagonal(try KFACFixtures.convolutional(Double.self, examples: 4), source: .exact, tolerance: 1e-10)
    }

    @Test("the diagonal is optimal for the Monte-Carlo and empirical Fishers' own gradients")
    func optimalSampled() throws {
        let objective = try KFACFixtures.perceptron(Double.self, examples: 6)
        try expectOptimalDiagonal(objective, source: .monteCarlo(samples: 3, seed: 9), tolerance: 1e-10)
        try expectOptimalDiagonal(objective, source: .empirical, tolerance: 1e-10)
    }

    /// Same basis, optimal diagonal: EKFAC is at least as close to the exact Fisher's blocks as
    /// K-FAC (whose diagonal in that basis is λ_G ⊗ λ_A), and clearly closer on some layer.
    @Test("EKFAC's Frobenius error is at most K-FAC's")
    func closerThanKFAC() throws {
        for objective in [try KFACFixtures.perceptron(Double.self, examples: 8), try KFACFixtures.convolutional(Double.self, examples: 6)] {
            let point = try objective.evaluate(at: KFACFixtures.parameters(for: objective), batch: .all)
            var ekfac = try EKFACApproximation<Double>(source: .exact)
            var kfac = try KFACApproximation<Double>(source: .exact)
            try ekfac.updateStatistics(at: point, layers: objective.layers, decay: 0)
            try kfac.updateStatistics(at: point, layers: objective.layers, decay: 0)
            let fisher = try point.denseCurvature(.exact, samples: 1, seed: 0)
            let (e, k) = (try ekfac.denseMatrix(), try kfac.denseMatrix())
            var improvements = [Double]()
            for layout in objective.layers {
                let block = KFACFixtures.block(fisher, layout)
                let ekfacError = KFACFixtures.frobeniusDistance(KFACFixtures.block(e, layout), block)
                let kfacError = KFACFixtures.frobeniusDistance(KFACFixtures.block(k, layout), block)
                #expect(ekfacError <= kfacError * (1 + 1e-12), "layer \(layout.layerIndex): EKFAC \(ekfacError) vs K-FAC \(kfacError)")
                improvements.append(ekfacError / kfacError)
            }
            // Not a tie everywhere: some layer gains clearly.
            #expect(improvements.min()! < 0.99, "error ratios \(improvements)")
        }
    }

    @Test("solves (F̃ + λI)·x = v, multiplies by F̃, averages the scalings")
    func solveAndAverages() throws {
        let objective = try KFACFixtures.convolutional(Double.self, examples: 5)
        let first = try objective.evaluate(at: KFACFixtures.parameters(for: objective, seed: 1), batch: .all)
        let second = try objective.evaluate(at: KFACFixtures.parameters(for: objective, seed: 2), batch: .all)
        var ekfac = try EKFACApproximation<Double>(source: .exact, eigenbasisUpdateInterval: 2)
        try ekfac.updateStatistics(at: first, layers: objective.layers, decay: 0.8)
        let scalings1 = ekfac.scalings, bases1 = ekfac.eigenbases
        try ekfac.updateStatistics(at: second, layers: objective.layers, decay: 0.8)
        // The basis is kept on the second update (interval 2) and s is averaged in it.
        var single = try EKFACApproximation<Double>(source: .exact)
        try single.updateStatistics(at: second, layers: objective.layers, decay: 0)
        for l in objective.layers.indices {
            #expect(ekfac.eigenbases[l].left.eigenvectors == bases1[l].left.eigenvectors)
            // s of the second point in the first basis, from the dense Fisher.
            let q = Self.denseBasis(bases1[l], layout: objective.layers[l])
            let root = try second.estimator.gradientSquareRoot(.exact)
            let block = KFACFixtures.block(root.gram(), objective.layers[l])
            let secondS = Self.projectedDiagonal(q, block)
            let expected = zip(scalings1[l].elements, secondS).map { 0.8 * $0 + 0.2 * $1 }
            let worst = zip(ekfac.scalings[l].elements, expected).map { Swift.abs($0 - $1) }.max()!
            #expect(worst < 1e-10 * (expected.map(Swift.abs).max()! + 1))
        }
        try ekfac.updateInverse(damping: 0.02)
        let v: Vector<Double> = TestMatrices.gaussianVector(objective.parameterCount, seed: 5)
        let x = try ekfac.solve(v)
        let damped = try ekfac.denseMatrix().addingToDiagonal(0.02)
        #expect(KFACFixtures.relativeError(KFACFixtures.product(damped, x), v) < 1e-9)
        #expect(KFACFixtures.relativeError(try ekfac.multiply(v), KFACFixtures.product(try ekfac.denseMatrix(), v)) < 1e-10)
        #expect(ekfac.memoryBytes > 0)
        #expect(throws: OptimizerError.self) { try EKFACApproximation<Double>(eigenbasisUpdateInterval: 0) }
        #expect(throws: OptimizerError.self) { try EKFACApproximation<Double>(source: .hessian) }
    }
}
