import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGTestSupport
import Testing

@Suite("NaturalGradientDescent: steps")
struct NaturalGradientDescentTests {
    /// F̃ = I and λ = 0: the same iterates as SGD (`ScaleByLearningRate` alone), bit for bit, on
    /// changing minibatches.
    func identityIsSGD<T: BLASScalar>(_: T.Type) throws {
        let objective = try ApproximationFixtures.objective(T.self, examples: 8, l2: T(0.01))
        let start = ApproximationFixtures.parameters(for: objective)
        var ngd = try NaturalGradientDescent(
            approximation: IdentityApproximation<T>(), settings: NaturalGradientDescentSettings(learningRate: T(0.3), damping: 0))
        var sgd = TransformOptimizer(name: "sgd", ScaleByLearningRate<T>(T(0.3)))
        var (a, b) = (start, start)
        let batches: [Batch] = [.examples([0, 1, 2]), .all, .examples([5, 7]), .examples([3, 4, 6, 1]), .all]
        for batch in batches {
            let reportA = try ngd.step(&a, objective: objective, batch: batch)
            let reportB = try sgd.step(&b, objective: objective, batch: batch)
            #expect(a == b)
            #expect(reportA.loss == reportB.loss)
            #expect(reportA.diagnostics["step_scale"] == 1)
            #expect(reportA.diagnostics["damping"] == 0)
        }
        #expect(a != start)
    }

    @Test func identityIsSGDDouble() throws { try identityIsSGD(Double.self) }
    @Test func identityIsSGDFloat() throws { try identityIsSGD(Float.self) }

    /// Exact NGD on a parabola (Fisher = JᵀJ = Hessian) reaches the minimum in one unit step.
    @Test func parabolaInOneStep() throws {
        let parabola = LeastSquaresObjective<Double>.parabola(curvatures: [1, 10, 100, 0.5], minimum: [1, -2, 3, 0.25])
        var ngd = try NaturalGradientDescent(
            approximation: ExactCurvatureApproximation<Double>(source: .exact), settings: NaturalGradientDescentSettings(damping: 0))
        var theta = Vector<Double>([5, 5, 5, 5])
        _ = try ngd.step(&theta, objective: parabola, batch: .all)
        #expect(TestMatrices.maxDifference(theta, Vector([1, -2, 3, 0.25])) < 1e-14)
    }

    /// A linear network with a Gaussian likelihood is a quadratic with Fisher = Hessian: one
    /// exact NGD step lands where the gradient vanishes (the least-squares solution).
    func linearGaussianInOneStep<T: BLASScalar>(_: T.Type) throws {
        let network = try Network<T>.multilayerPerceptron(sizes: [3, 2], activation: .identity)
        var generator = SeededGenerator(seed: 21)
        let inputs = Matrix<T>(rows: 12, columns: 3) { _, _ in T(generator.normal()) }
        let targets = Matrix<T>(rows: 12, columns: 2) { _, _ in T(generator.normal()) }
        let objective = try NetworkObjective(network: network, likelihood: GaussianLikelihood<T>(), inputs: inputs, targets: targets)
        var theta = network.initialParameters(generator: &generator)
        let before = try objective.evaluate(at: theta, batch: .all).gradient.norm
        var ngd = try NaturalGradientDescent(
            approximation: ExactCurvatureApproximation<T>(source: .exact), settings: NaturalGradientDescentSettings(damping: 0))
        _ = try ngd.step(&theta, objective: objective, batch: .all)
        let after = try objective.evaluate(at: theta, batch: .all).gradient.norm
        #expect(Double(after) < (T.self == Float.self ? 1e-5 : 1e-13) * Swift.max(1, Double(before)), "‖∇J‖ \(before) → \(after)")
    }

    @Test func linearGaussianInOneStepDouble() throws { try linearGaussianInOneStep(Double.self) }
    @Test func linearGaussianInOneStepFloat() throws { try linearGaussianInOneStep(Float.self) }

    /// NGD with the exact Fisher on logistic regression (a d→1 network with a Bernoulli
    /// likelihood) reaches the optimum of a direct Newton solve on the closed-form
    /// `LogisticRegression` model, to 1e-9 relative.
    @Test func logisticRegressionReachesTheNewtonOptimum() throws {
        let (n, d) = (60, 3)
        var generator = SeededGenerator(seed: 5)
        let x = Matrix<Double>(rows: n, columns: d) { _, _ in generator.normal() }
        let beta = [1.0, -2.0, 0.5], intercept = 0.3
        let labels: [Int] = (0..<n).map { i in
            let eta = (0..<d).reduce(intercept) { $0 + x[i, $1] * beta[$1] }
            return generator.uniform() < 1 / (1 + Double.exp(-eta)) ? 1 : 0
        }
        // The reference: Newton's method on LogisticRegression with an intercept column.
        let model = try LogisticRegression<Double>(inputDimension: d + 1)
        let design = x.appendingInterceptColumn()
        var newton = Vector<Double>(count: d + 1)
        for _ in 0..<50 {
            let gradient = try model.gradient(parameters: newton, inputs: design, targets: labels)
            let step = try Cholesky(try model.hessian(parameters: newton, inputs: design, targets: labels)).solve(gradient)
            try newton.add(step, scaledBy: -1)
        }
        let finalGradient = try model.gradient(parameters: newton, inputs: design, targets: labels).norm
        try #require(finalGradient < 1e-13, "the data must have a finite optimum (not separable): ‖∇‖ = \(finalGradient)")

        // NGD: weights then bias, the same order as [x | 1].
        let network = try Network<Double>.multilayerPerceptron(sizes: [d, 1], activation: .identity)
        let targets = Matrix<Double>(rows: n, columns: 1) { i, _ in Double(labels[i]) }
        let objective = try NetworkObjective(network: network, likelihood: BernoulliLikelihood<Double>(), inputs: x, targets: targets)
        var ngd = try NaturalGradientDescent(
            approximation: ExactCurvatureApproximation<Double>(source: .exact),
            settings: NaturalGradientDescentSettings(learningRate: 1, damping: 0, curvatureDecay: 0))
        var theta = Vector<Double>(count: d + 1)
        for _ in 0..<30 { _ = try ngd.step(&theta, objective: objective, batch: .all) }
        let error = (theta - newton).norm / newton.norm
        #expect(error < 1e-9, "relative distance to the Newton optimum \(error)")
    }

    /// The KL bound scales the step so that ½ΔᵀF̃Δ = δ when it is active, along the unclipped direction.
    @Test func klClippingBoundsTheStep() throws {
        let (objective, point) = try ApproximationFixtures.point(Double.self)
        let start = point.parameters
        let fisher = try point.denseCurvature(.exact, samples: 1, seed: 0)
        let damping = 0.1
        let unclipped = -1 * (try Cholesky(fisher.addingToDiagonal(damping)).solve(point.gradient))
        let unclippedKL = try unclipped.dot(fisher * unclipped) / 2
        let bound = unclippedKL / 10
        var ngd = try NaturalGradientDescent(
            approximation: ExactCurvatureApproximation<Double>(source: .exact),
            settings: NaturalGradientDescentSettings(learningRate: 1, damping: damping, klBound: bound))
        var theta = start
        let report = try ngd.step(&theta, objective: objective, batch: .all)
        let delta = theta - start
        let kl = try delta.dot(fisher * delta) / 2
        #expect(abs(kl - bound) < 1e-10 * bound)
        let scale = try #require(report.diagnostics["step_scale"])
        #expect(abs(scale - (1.0 / 10).squareRoot()) < 1e-12)
        #expect(TestMatrices.maxDifference(delta, scale * unclipped) < 1e-12)
        // An inactive bound leaves the step alone.
        var loose = try NaturalGradientDescent(
            approximation: ExactCurvatureApproximation<Double>(source: .exact),
            settings: NaturalGradientDescentSettings(learningRate: 1, damping: damping, klBound: unclippedKL * 2))
        var free = start
        #expect(try loose.step(&free, objective: objective, batch: .all).diagnostics["step_scale"] == 1)
        #expect(TestMatrices.maxDifference(free - start, unclipped) < 1e-12)
    }

    /// Heavy-ball momentum with F̃ = I is the textbook recursion v ← μv − α∇J, θ ← θ + v.
    @Test func momentumIsHeavyBall() throws {
        let objective = try ApproximationFixtures.objective(Double.self)
        var theta = ApproximationFixtures.parameters(for: objective)
        var reference = theta
        var velocity = Vector<Double>(count: theta.count)
        var ngd = try NaturalGradientDescent(
            approximation: IdentityApproximation<Double>(), settings: NaturalGradientDescentSettings(learningRate: 0.2, damping: 0, momentum: 0.9))
        for _ in 0..<6 {
            _ = try ngd.step(&theta, objective: objective, batch: .all)
            let gradient = try objective.evaluate(at: reference, batch: .all).gradient
            velocity = Vector((0..<velocity.count).map { 0.9 * velocity[$0] - 0.2 * gradient[$0] })
            reference = reference + velocity
        }
        #expect(TestMatrices.maxDifference(theta, reference) < 1e-13)
    }

    /// Statistics every T₁ steps and inverses every T₂ steps, with the settings' decay and the
    /// current damping.
    @Test func schedulesFollowTheIntervals() throws {
        let objective = try ApproximationFixtures.objective(Double.self)
        var theta = ApproximationFixtures.parameters(for: objective)
        var ngd = try NaturalGradientDescent(
            approximation: NaturalGradientDescentCountingApproximation(base: try DiagonalApproximation<Double>(source: .empirical)),
            settings: NaturalGradientDescentSettings(
                learningRate: 0.1, damping: 0.5, curvatureDecay: 0.9, curvatureUpdateInterval: 2, inverseUpdateInterval: 5))
        for _ in 0..<10 { _ = try ngd.step(&theta, objective: objective, batch: .all) }
        #expect(ngd.approximation.statisticsDecays == [0.9, 0.9, 0.9, 0.9, 0.9])
        #expect(ngd.approximation.inverseDampings == [0.5, 0.5])
        #expect(ngd.state.step == 10)
    }

    @Test func invalidSettingsAndNonFiniteLossThrow() throws {
        let identity = IdentityApproximation<Double>()
        #expect(throws: OptimizerError.self) { try NaturalGradientDescent(approximation: identity, settings: .init(learningRate: 0)) }
        #expect(throws: OptimizerError.self) { try NaturalGradientDescent(approximation: identity, settings: .init(damping: -1)) }
        #expect(throws: OptimizerError.self) { try NaturalGradientDescent(approximation: identity, settings: .init(curvatureDecay: 1)) }
        #expect(throws: OptimizerError.self) { try NaturalGradientDescent(approximation: identity, settings: .init(inverseUpdateInterval: 0)) }
        #expect(throws: OptimizerError.self) { try NaturalGradientDescent(approximation: identity, settings: .init(momentum: 1)) }
        #expect(throws: OptimizerError.self) { try NaturalGradientDescent(approximation: identity, settings: .init(klBound: 0)) }
        #expect(throws: OptimizerError.self) {
            try NaturalGradientDescent(approximation: identity, settings: .init(dampingAdaptation: LevenbergMarquardtDamping(interval: 0)))
        }
        #expect(throws: OptimizerError.self) {
            try NaturalGradientDescent(approximation: identity, settings: .init(damping: 0, dampingAdaptation: LevenbergMarquardtDamping()))
        }
        var ngd = try NaturalGradientDescent(approximation: identity)
        var theta = Vector<Double>([.nan, 0])
        #expect(throws: OptimizerError.self) {
            try ngd.step(&theta, objective: LeastSquaresObjective<Double>.parabola(curvatures: [1, 1], minimum: [0, 0]), batch: .all)
        }
        #expect(ngd.state.step == 0)
    }
}

/// A pass-through approximation that records the statistics decays and inverse dampings it is given.
struct NaturalGradientDescentCountingApproximation<Base: CurvatureApproximation>: CurvatureApproximation {
    typealias Scalar = Base.Scalar
    var base: Base
    var statisticsDecays: [Scalar] = []
    var inverseDampings: [Scalar] = []

    init(base: Base) { self.base = base }

    var name: String { "counting:\(base.name)" }

    mutating func updateStatistics<P: EvaluatedObjective>(at point: P, layers: [LayerParameterLayout], decay: Scalar) throws
    where P.Scalar == Scalar {
        statisticsDecays.append(decay)
        try base.updateStatistics(at: point, layers: layers, decay: decay)
    }

    mutating func updateInverse(damping: Scalar) throws {
        inverseDampings.append(damping)
        try base.updateInverse(damping: damping)
    }

    func solve(_ v: Vector<Scalar>) throws -> Vector<Scalar> { try base.solve(v) }
    func multiply(_ v: Vector<Scalar>) throws -> Vector<Scalar> { try base.multiply(v) }
    func denseMatrix() throws -> Matrix<Scalar> { try base.denseMatrix() }
    var memoryBytes: Int { base.memoryBytes }
}
