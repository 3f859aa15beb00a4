import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGTestSupport
import Testing

@Suite("KFAC approximation")
struct KFACApproximationTests {
    // MARK: Exactness

    /// For a single example the layer's gradient is g·āᵀ, so E[vec(gāᵀ)vec(gāᵀ)ᵀ] = G ⊗ A
    /// exactly; for a convolution this holds when the kernel covers the input (L = 1).
    func expectExactForOneExample<T: BLASScalar>(_: T.Type) throws {
        let objectives = [
            try KFACFixtures.perceptron(T.self, sizes: [3, 4, 3], examples: 1),
            try KFACFixtures.convolutional(T.self, outputs: 3, examples: 1, kernelSize: 4, padding: 0),
        ]
        for objective in objectives {
            let point = try objective.evaluate(at: KFACFixtures.parameters(for: objective), batch: .all)
            var kfac = try KFACApproximation<T>(source: .exact)
            try kfac.updateStatistics(at: point, layers: objective.layers, decay: 0)
            let fisher = try point.denseCurvature(.exact, samples: 1, seed: 0)
            let approximation = try kfac.denseMatrix()
            for layout in objective.layers {
                let error = KFACFixtures.relativeError(KFACFixtures.block(approximation, layout), KFACFixtures.block(fisher, layout))
                #expect(error < KFACFixtures.tolerance(T.self), "layer \(layout.layerIndex): K-FAC block misses the exact block by \(error)")
            }
            // Between layers K-FAC is zero.
            let first = objective.layers[0].range, last = objective.layers[1].range
            #expect(approximation[first.lowerBound, last.lowerBound] == 0)
        }
    }

    @Test("one example: every block equals the exact Fisher's layer block (Float)")
    func oneExampleFloat() throws { try expectExactForOneExample(Float.self) }

    @Test("one example: every block equals the exact Fisher's layer block (Double)")
    func oneExampleDouble() throws { try expectExactForOneExample(Double.self) }

    /// With identity activations and a Gaussian output, g = Jᵀ·(z − y) has E[g·gᵀ | x] = JᵀJ
    /// independent of the example, so each layer's Fisher block is E[ggᵀ] ⊗ E[āāᵀ] = G ⊗ A
    /// over a whole batch: for one layer (G = I) and for a deeper linear network.
    func expectExactForLinearGaussian<T: BLASScalar>(_: T.Type) throws {
        for sizes in [[3, 2], [3, 4, 2]] {
            let network = try Network<T>.multilayerPerceptron(sizes: sizes, activation: .identity)
            let (x, y): (Matrix<T>, Matrix<T>) = KFACFixtures.data(.gaussian, inputs: 3, outputs: 2, examples: 9, seed: 3)
            let objective = try NetworkObjective(network: network, likelihood: GaussianLikelihood<T>(), inputs: x, targets: y)
            let point = try objective.evaluate(at: KFACFixtures.parameters(for: objective), batch: .all)
            var kfac = try KFACApproximation<T>(source: .exact)
            try kfac.updateStatistics(at: point, layers: objective.layers, decay: 0)
            let fisher = try point.denseCurvature(.exact, samples: 1, seed: 0)
            let approximation = try kfac.denseMatrix()
            for layout in objective.layers {
                let error = KFACFixtures.relativeError(KFACFixtures.block(approximation, layout), KFACFixtures.block(fisher, layout))
                #expect(error < KFACFixtures.tolerance(T.self), "sizes \(sizes), layer \(layout.layerIndex): error \(error)")
            }
        }
    }

    @Test("linear network, Gaussian output: the blocks are exact over a batch (Float)")
    func linearGaussianFloat() throws { try expectExactForLinearGaussian(Float.self) }

    @Test("linear network, Gaussian output: the blocks are exact over a batch (Double)")
    func linearGaussianDouble() throws { try expectExactForLinearGaussian(Double.self) }

    /// A non-linear network over a batch is *not* exact (a check that the exactness tests can fail).
    @Test("a tanh network over a batch differs from the exact blocks")
    func nonlinearBatchIsApproximate() throws {
        let objective = try KFACFixtures.perceptron(Double.self, examples: 8)
        let point = try objective.evaluate(at: KFACFixtures.parameters(for: objective), batch: .all)
        var kfac = try KFACApproximation<Double>(source: .exact)
        try kfac.updateStatistics(at: point, layers: objective.layers, decay: 0)
        let fisher = try point.denseCurvature(.exact, samples: 1, seed: 0)
        let layout = objective.layers[0]
        let error = KFACFixtures.relativeError(KFACFixtures.block(try kfac.denseMatrix(), layout), KFACFixtures.block(fisher, layout))
        #expect(error > 1e-3)
    }

    // MARK: Damped solves

    /// solve(v) inverts blockdiag((G + √λ/π·I) ⊗ (A + π√λ·I)), built here with explicit
    /// Kronecker loops, π from the factors' traces and the flat order from the layout.
    func expectFactoredSolve<T: BLASScalar>(_: T.Type) throws {
        let objective = try KFACFixtures.perceptron(T.self, sizes: [3, 4, 3], examples: 7)
        let point = try objective.evaluate(at: KFACFixtures.parameters(for: objective), batch: .all)
        var kfac = try KFACApproximation<T>(source: .exact)
        try kfac.updateStatistics(at: point, layers: objective.layers, decay: 0)
        let damping: T = 0.05
        try kfac.updateInverse(damping: damping)
        var blocks = [Matrix<T>]()
        for factors in kfac.layerFactors {
            let (a, g) = (factors.inputFactor, factors.gradientFactor)
            let meanA = (0..<a.rows).reduce(0.0) { $0 + Double(a[$1, $1]) } / Double(a.rows)
            let meanG = (0..<g.rows).reduce(0.0) { $0 + Double(g[$1, $1]) } / Double(g.rows)
            let pi = (meanA / meanG).squareRoot()
            let root = Double(damping).squareRoot()
            let dampedA = Matrix<T>(rows: a.rows, columns: a.columns) { i, j in a[i, j] + (i == j ? T(pi * root) : 0) }
            let dampedG = Matrix<T>(rows: g.rows, columns: g.columns) { i, j in g[i, j] + (i == j ? T(root / pi) : 0) }
            blocks.append(KFACFixtures.toFlatOrder(KFACFixtures.kronecker(dampedG, dampedA), layout: factors.layout))
        }
        let damped = KFACFixtures.blockDiagonal(blocks, layers: objective.layers, parameterCount: objective.parameterCount)
        let v: Vector<T> = TestMatrices.gaussianVector(objective.parameterCount, seed: 17)
        let x = try kfac.solve(v)
        let error = KFACFixtures.relativeError(KFACFixtures.product(damped, x), v)
        #expect(error < KFACFixtures.tolerance(T.self), "F̃_factored·solve(v) misses v by \(error)")
    }

    @Test("the factored solve inverts the explicit (G + √λ/π·I) ⊗ (A + π√λ·I) (Float)")
    func factoredSolveFloat() throws { try expectFactoredSolve(Float.self) }

    @Test("the factored solve inverts the explicit (G + √λ/π·I) ⊗ (A + π√λ·I) (Double)")
    func factoredSolveDouble() throws { try expectFactoredSolve(Double.self) }

    @Test("exact damping solves (F̃ + λI)·x = v with F̃ the dense K-FAC matrix")
    func exactDampingSolve() throws {
        let objective = try KFACFixtures.convolutional(Double.self, examples: 4)
        let point = try objective.evaluate(at: KFACFixtures.parameters(for: objective), batch: .all)
        var kfac = try KFACApproximation<Double>(source: .exact, inverseMethod: .exactDamping)
        try kfac.updateStatistics(at: point, layers: objective.layers, decay: 0)
        try kfac.updateInverse(damping: 0.01)
        let damped = try kfac.denseMatrix().addingToDiagonal(0.01)
        let v: Vector<Double> = TestMatrices.gaussianVector(objective.parameterCount, seed: 4)
        let x = try kfac.solve(v)
        #expect(KFACFixtures.relativeError(KFACFixtures.product(damped, x), v) < 1e-9)
        // multiply is the dense matrix's product.
        let y = try kfac.multiply(v)
        #expect(KFACFixtures.relativeError(y, KFACFixtures.product(try kfac.denseMatrix(), v)) < 1e-12)
        #expect(kfac.memoryBytes > 0)
    }

    /// The cross term of the factored damping, γ·(π·G⊗I + (1/π)·I⊗A), formed densely: its
    /// trace norm (sum of |eigenvalues|) as a function of π is minimized at the paper's
    /// π = √((tr A/dim A)/(tr G/dim G)), found here by a golden-section search.
    @Test("π minimizes the trace norm of the factored damping's cross term")
    func piMinimizesCrossTerm() throws {
        let a: Matrix<Double> = TestMatrices.spd(4, conditionNumber: 50, seed: 1).addingToDiagonal(2)
        let g: Matrix<Double> = TestMatrices.spd(3, conditionNumber: 20, seed: 2)
        let g2 = Matrix<Double>(rows: 3, columns: 3) { i, j in 0.01 * g[i, j] }  // very different scales
        let damping = 0.3
        func crossTermNorm(_ pi: Double) throws -> Double {
            let (identityA, identityG) = (Matrix<Double>.identity(4), Matrix<Double>.identity(3))
            let left = KFACFixtures.kronecker(g2, identityA), right = KFACFixtures.kronecker(identityG, a)
            let cross = Matrix<Double>(rows: 12, columns: 12) { i, j in damping.squareRoot() * (pi * left[i, j] + right[i, j] / pi) }
            return try SymmetricEigendecomposition(cross).eigenvalues.elements.reduce(0) { $0 + Swift.abs($1) }
        }
        // Golden-section search on log π over [10⁻³, 10³].
        var (low, high) = (Double.log(1e-3), Double.log(1e3))
        let ratio = (5.0.squareRoot() - 1) / 2
        for _ in 0..<100 {
            let (x1, x2) = (high - ratio * (high - low), low + ratio * (high - low))
            if try crossTermNorm(Double.exp(x1)) < crossTermNorm(Double.exp(x2)) { high = x2 } else { low = x1 }
        }
        let searched = Double.exp((low + high) / 2)
        let pi = KFACFactoredDamping.pi(inputFactor: a, gradientFactor: g2)
        let expected = ((0..<4).reduce(0.0) { $0 + a[$1, $1] } / 4 / ((0..<3).reduce(0.0) { $0 + g2[$1, $1] } / 3)).squareRoot()
        #expect(Swift.abs(pi - expected) < 1e-12 * expected)
        #expect(Swift.abs(searched - pi) < 1e-5 * pi, "search \(searched), formula \(pi)")
        // The paper's bound is the cross term's trace norm exactly (it is PSD), and the factored
        // damping adds exactly λI plus that cross term.
        let bound = KFACFactoredDamping.crossTermBound(inputFactor: a, gradientFactor: g2, pi: pi, damping: damping)
        #expect(Swift.abs(bound - (try crossTermNorm(pi))) < 1e-10 * bound)
        let (dampedA, dampedG, _) = KFACFactoredDamping.dampedFactors(inputFactor: a, gradientFactor: g2, damping: damping)
        let factored = KFACFixtures.kronecker(dampedG, dampedA)
        let exact = KFACFixtures.kronecker(g2, a).addingToDiagonal(damping)
        let difference = Matrix<Double>(rows: 12, columns: 12) { factored[$0, $1] - exact[$0, $1] }
        let traceNorm = try SymmetricEigendecomposition(difference).eigenvalues.elements.reduce(0) { $0 + Swift.abs($1) }
        #expect(Swift.abs(traceNorm - bound) < 1e-10 * bound)
    }

    // MARK: Statistics

    /// Two updates with decay ε: A = ε·A₁ + (1 − ε)·A₂ (the first update replaces), with the
    /// Monte-Carlo labels of update n drawn with seed + n — compared with the estimator's factors.
    @Test("running averages with fresh Monte-Carlo seeds per update")
    func runningAverages() throws {
        let objective = try KFACFixtures.perceptron(Double.self, examples: 6)
        let first = try objective.evaluate(at: KFACFixtures.parameters(for: objective, seed: 1), batch: .all)
        let second = try objective.evaluate(at: KFACFixtures.parameters(for: objective, seed: 2), batch: .examples([1, 3, 5]))
        var kfac = try KFACApproximation<Double>(source: .monteCarlo(samples: 2, seed: 21))
        try kfac.updateStatistics(at: first, layers: objective.layers, decay: 0.9)
        try kfac.updateStatistics(at: second, layers: objective.layers, decay: 0.9)
        let factors1 = try first.kroneckerFactors(.monteCarlo, samples: 2, seed: 21)
        let factors2 = try second.kroneckerFactors(.monteCarlo, samples: 2, seed: 22)
        for l in objective.layers.indices {
            let expectedA = Matrix<Double>(rows: factors1[l].inputFactor.rows, columns: factors1[l].inputFactor.columns) {
                0.9 * factors1[l].inputFactor[$0, $1] + 0.1 * factors2[l].inputFactor[$0, $1]
            }
            let expectedG = Matrix<Double>(rows: factors1[l].gradientFactor.rows, columns: factors1[l].gradientFactor.columns) {
                0.9 * factors1[l].gradientFactor[$0, $1] + 0.1 * factors2[l].gradientFactor[$0, $1]
            }
            #expect(KFACFixtures.relativeError(kfac.layerFactors[l].inputFactor, expectedA) < 1e-12)
            #expect(KFACFixtures.relativeError(kfac.layerFactors[l].gradientFactor, expectedG) < 1e-12)
            // The seed really advanced: the second update's labels differ from the first seed's.
            let stale = try second.kroneckerFactors(.monteCarlo, samples: 2, seed: 21)
            #expect(KFACFixtures.relativeError(stale[l].gradientFactor, factors2[l].gradientFactor) > 1e-6)
        }
        #expect(kfac.updateCount == 2)
    }

    /// The in-place path (syrk into the averages, input-gradient-only backward) gives the
    /// estimator's factors for every Fisher kind, on a convolutional network too.
    @Test("the in-place statistics equal the estimator's factors", arguments: [CurvatureKind.exact, .monteCarlo, .empirical])
    func inPlaceMatchesEstimator(kind: CurvatureKind) throws {
        let objective = try KFACFixtures.convolutional(Double.self, examples: 5)
        let point = try objective.evaluate(at: KFACFixtures.parameters(for: objective), batch: .all)
        var kfac = try KFACApproximation<Double>(source: CurvatureSource(kind: kind, samples: 3, seed: 8))
        try kfac.updateStatistics(at: point, layers: objective.layers, decay: 0.5)
        let expected = try point.kroneckerFactors(kind, samples: 3, seed: 8)
        for (factors, reference) in zip(kfac.layerFactors, expected) {
            #expect(KFACFixtures.relativeError(factors.inputFactor, reference.inputFactor) < 1e-12)
            #expect(KFACFixtures.relativeError(factors.gradientFactor, reference.gradientFactor) < 1e-12)
            #expect(factors.positionsPerExample == reference.positionsPerExample)
        }
    }

    /// KFC's shapes: a 3×3 convolution from 1 to 2 channels has A of order 1·3·3 + 1 = 10, G of
    /// order 2, and L = 16 positions per example (4×4 output with padding 1).
    @Test("convolution factors have KFC's shapes")
    func convolutionShapes() throws {
        let objective = try KFACFixtures.convolutional(Float.self, outputs: 3, examples: 3)
        let point = try objective.evaluate(at: KFACFixtures.parameters(for: objective), batch: .all)
        var kfac = try KFACApproximation<Float>(source: .monteCarlo(samples: 1, seed: 0))
        try kfac.updateStatistics(at: point, layers: objective.layers, decay: 0)
        let convolution = kfac.layerFactors[0], dense = kfac.layerFactors[1]
        #expect(convolution.inputFactor.rows == 10 && convolution.gradientFactor.rows == 2)
        #expect(convolution.positionsPerExample == 16)
        #expect(dense.inputFactor.rows == 33 && dense.gradientFactor.rows == 3 && dense.positionsPerExample == 1)
        // The bias entry of A is Σ_positions 1 / 1 = L for a convolution, 1 for a dense layer.
        #expect(Swift.abs(convolution.inputFactor[9, 9] - 16) < 1e-5 && Swift.abs(dense.inputFactor[32, 32] - 1) < 1e-6)
        let p = objective.parameterCount
        #expect(try kfac.denseMatrix().rows == p)
    }

    /// With a statistics example limit n the factors are those of the batch's first n examples.
    @Test("an example limit uses the batch's first examples", arguments: [CurvatureKind.exact, .monteCarlo, .empirical])
    func exampleLimit(kind: CurvatureKind) throws {
        for objective in [try KFACFixtures.perceptron(Double.self, examples: 7), try KFACFixtures.convolutional(Double.self, examples: 7)] {
            let parameters = KFACFixtures.parameters(for: objective)
            let point = try objective.evaluate(at: parameters, batch: .all)
            var kfac = try KFACApproximation<Double>(source: CurvatureSource(kind: kind, samples: 2, seed: 5), statisticsExampleLimit: 4)
            try kfac.updateStatistics(at: point, layers: objective.layers, decay: 0)
            let prefix = try objective.evaluate(at: parameters, batch: .examples([0, 1, 2, 3]))
            for (factors, reference) in zip(kfac.layerFactors, try prefix.kroneckerFactors(kind, samples: 2, seed: 5)) {
                #expect(KFACFixtures.relativeError(factors.inputFactor, reference.inputFactor) < 1e-12)
                #expect(KFACFixtures.relativeError(factors.gradientFactor, reference.gradientFactor) < 1e-12)
            }
        }
    }

    @Test("the generic path (kroneckerFactors) and the in-place path agree")
    func genericPathAgrees() throws {
        let objective = try KFACFixtures.perceptron(Float.self, examples: 6)
        let parameters = KFACFixtures.parameters(for: objective)
        var fast = try KFACApproximation<Float>(source: .exact)
        var generic = try KFACApproximation<Float>(source: .exact)
        try fast.updateStatistics(at: try objective.evaluate(at: parameters, batch: .all), layers: objective.layers, decay: 0)
        let opaque = OpaqueObjective(inner: objective)
        try generic.updateStatistics(at: try opaque.evaluate(at: parameters, batch: .all), layers: objective.layers, decay: 0)
        #expect(KFACFixtures.relativeError(try fast.denseMatrix(), try generic.denseMatrix()) < 1e-5)
    }

    /// λ = 0 inverts A and G themselves: fine when they are positive definite (a Gaussian
    /// output; a softmax's G is singular, its rows summing to zero), an error naming the damping
    /// when an input is always zero (A exactly singular) — not a silent huge inverse.
    @Test("zero damping: exact inverses, or an error for singular factors")
    func zeroDamping() throws {
        let network = try Network<Double>.multilayerPerceptron(sizes: [3, 4, 2], activation: .tanh)
        let data: (inputs: Matrix<Double>, targets: Matrix<Double>) = KFACFixtures.data(.gaussian, inputs: 3, outputs: 2, examples: 12, seed: 4)
        var x = data.inputs
        let y = data.targets
        var objective = try NetworkObjective(network: network, likelihood: GaussianLikelihood<Double>(), inputs: x, targets: y)
        let parameters = KFACFixtures.parameters(for: objective)
        var kfac = try KFACApproximation<Double>(source: .exact)
        try kfac.updateStatistics(at: try objective.evaluate(at: parameters, batch: .all), layers: objective.layers, decay: 0)
        try kfac.updateInverse(damping: 0)
        let v: Vector<Double> = TestMatrices.gaussianVector(objective.parameterCount, seed: 8)
        #expect(KFACFixtures.relativeError(KFACFixtures.product(try kfac.denseMatrix(), try kfac.solve(v)), v) < 1e-8)
        for i in 0..<x.rows { x[i, 1] = 0 }
        objective = try NetworkObjective(network: network, likelihood: GaussianLikelihood<Double>(), inputs: x, targets: y)
        var singular = try KFACApproximation<Double>(source: .exact)
        try singular.updateStatistics(at: try objective.evaluate(at: parameters, batch: .all), layers: objective.layers, decay: 0)
        #expect(throws: OptimizerError.self) { try singular.updateInverse(damping: 0) }
        try singular.updateInverse(damping: 1e-6)
    }

    @Test("bad inputs are errors, not crashes")
    func errors() throws {
        #expect(throws: OptimizerError.self) { try KFACApproximation<Double>(source: .ggn) }
        #expect(throws: OptimizerError.self) { try KFACApproximation<Double>(statisticsExampleLimit: 0) }
        var kfac = try KFACApproximation<Double>()
        let parabola = LeastSquaresObjective<Double>.parabola(curvatures: [1, 2], minimum: [0, 0])
        #expect(throws: OptimizerError.self) {
            try kfac.updateStatistics(at: try parabola.evaluate(at: [1, 1], batch: .all), layers: [], decay: 0)
        }
        let objective = try KFACFixtures.perceptron(Double.self)
        let point = try objective.evaluate(at: KFACFixtures.parameters(for: objective), batch: .all)
        #expect(throws: OptimizerError.self) { try kfac.updateInverse(damping: 0.1) }
        try kfac.updateStatistics(at: point, layers: objective.layers, decay: 0)
        #expect(throws: OptimizerError.self) { try kfac.solve(point.gradient) }
        #expect(throws: OptimizerError.self) { try kfac.updateInverse(damping: -1) }
        #expect(throws: OptimizerError.self) { try kfac.updateStatistics(at: point, layers: objective.layers, decay: 1) }
        try kfac.updateInverse(damping: 0.1)
        #expect(throws: OptimizerError.self) { try kfac.solve(Vector(count: 3)) }
    }
}
