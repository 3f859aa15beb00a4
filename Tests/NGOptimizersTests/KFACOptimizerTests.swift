import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGTestSupport
import Testing

@Suite("KFAC optimizer")
struct KFACOptimizerTests {
    /// A learnable classification problem: 4 features, 3 classes from a random linear teacher,
    /// 60 examples, a [4, 8, 3] tanh network.
    static func classification(examples: Int = 60) throws -> NetworkObjective<Double, CategoricalLikelihood<Double>> {
        var generator = SeededGenerator(seed: 77)
        let x = Matrix<Double>(rows: examples, columns: 4) { _, _ in generator.normal() }
        let teacher = Matrix<Double>(rows: 4, columns: 3) { _, _ in generator.normal() }
        let scores = x * teacher
        let labels = (0..<examples).map { i in (0..<3).max { scores[i, $0] < scores[i, $1] }! }
        let y = Matrix<Double>(rows: examples, columns: 3) { i, j in labels[i] == j ? 1 : 0 }
        let network = try Network<Double>.multilayerPerceptron(sizes: [4, 8, 3], activation: .tanh)
        return try NetworkObjective(network: network, likelihood: CategoricalLikelihood<Double>(), inputs: x, targets: y)
    }

    static func run<O: Optimizer, J: Objective>(_ optimizer: inout O, _ objective: J, from start: Vector<Double>, steps: Int) throws -> Vector<Double>
    where O.Scalar == Double, J.Scalar == Double {
        var parameters = start
        for _ in 0..<steps { _ = try optimizer.step(&parameters, objective: objective, batch: .all) }
        return parameters
    }

    // MARK: Progress

    /// Per step, K-FAC (quadratic-model α and μ, adaptive λ) beats SGD at the best of five
    /// learning rates spanning two decades: a quarter of its loss after 10 steps (≈ a tenth here).
    @Test("decreases the loss faster per step than SGD at a tuned learning rate")
    func fasterThanSGD() throws {
        let objective = try Self.classification()
        let start = KFACFixtures.parameters(for: objective, seed: 1, scale: 1)
        let steps = 10
        var bestSGD = Double.infinity
        for rate in [0.1, 0.3, 1.0, 3.0, 10.0] {
            var sgd = try FirstOrder.sgd(learningRate: rate, as: Double.self)
            let loss = try objective.loss(at: Self.run(&sgd, objective, from: start, steps: steps), batch: .all)
            if loss.isFinite { bestSGD = Swift.min(bestSGD, loss) }
        }
        var kfac = try KFAC<Double>(settings: KFACSettings(damping: 1e-2, fisherEstimate: .exact))
        let kfacLoss = try objective.loss(at: Self.run(&kfac, objective, from: start, steps: steps), batch: .all)
        let initial = try objective.loss(at: start, batch: .all)
        #expect(kfacLoss < 0.25 * bestSGD, "K-FAC \(kfacLoss) vs best SGD \(bestSGD) after \(steps) steps (from \(initial))")
    }

    @Test("trains a convolutional network (KFC factors)")
    func convolutional() throws {
        let objective = try KFACFixtures.convolutional(Double.self, examples: 12)
        let start = KFACFixtures.parameters(for: objective, scale: 1)
        var kfac = try KFAC<Double>(settings: KFACSettings(fisherEstimate: .monteCarlo(samples: 1)))
        let end = try Self.run(&kfac, objective, from: start, steps: 15)
        let (before, after) = (try objective.loss(at: start, batch: .all), try objective.loss(at: end, batch: .all))
        #expect(after < 0.5 * before, "loss \(before) → \(after)")
        #expect(kfac.state.memoryBytes > 0)
    }

    // MARK: One step against a dense computation

    /// With T₂ = 1 and no momentum, one step is −α·(blockdiag F̃_d)⁻¹∇J, F̃_d built here from
    /// the estimator's factors with explicit Kronecker loops, γ² = λ + η (η the L2 coefficient)
    /// and π from the traces, solved by Gaussian elimination.
    func expectOneStepDense<T: BLASScalar>(_: T.Type, method: KFACInverseMethod) throws {
        let l2: T = 0.01, damping: T = 0.05, rate: T = 0.7
        let objective = try KFACFixtures.perceptron(T.self, sizes: [3, 5, 3], examples: 8, l2: l2)
        let start = KFACFixtures.parameters(for: objective)
        var kfac = try KFAC<T>(settings: KFACSettings(
            stepRule: .fixed(learningRate: rate, momentum: 0), damping: damping, dampingAdaptation: nil, inverseUpdateInterval: 1,
            fisherEstimate: .exact, inverseMethod: method))
        var parameters = start
        _ = try kfac.step(&parameters, objective: objective, batch: .all)
        let point = try objective.evaluate(at: start, batch: .all)
        let strength = Double(damping + l2)
        var blocks = [Matrix<T>]()
        for factors in try point.kroneckerFactors(.exact, samples: 1, seed: 0) {
            let (a, g) = (factors.inputFactor, factors.gradientFactor)
            switch method {
            case .factoredTikhonov:
                let meanA = (0..<a.rows).reduce(0.0) { $0 + Double(a[$1, $1]) } / Double(a.rows)
                let meanG = (0..<g.rows).reduce(0.0) { $0 + Double(g[$1, $1]) } / Double(g.rows)
                let (pi, gamma) = ((meanA / meanG).squareRoot(), strength.squareRoot())
                let dampedA = Matrix<T>(rows: a.rows, columns: a.columns) { i, j in a[i, j] + (i == j ? T(pi * gamma) : 0) }
                let dampedG = Matrix<T>(rows: g.rows, columns: g.columns) { i, j in g[i, j] + (i == j ? T(gamma / pi) : 0) }
                blocks.append(KFACFixtures.toFlatOrder(KFACFixtures.kronecker(dampedG, dampedA), layout: factors.layout))
            case .exactDamping:
                let block = KFACFixtures.toFlatOrder(KFACFixtures.kronecker(g, a), layout: factors.layout)
                blocks.append(block.addingToDiagonal(T(strength)))
            }
        }
        let damped = KFACFixtures.blockDiagonal(blocks, layers: objective.layers, parameterCount: objective.parameterCount)
        let natural = KFACFixtures.gaussianSolve(damped, point.gradient)
        let expected = Vector((0..<start.count).map { -Double(rate) * natural[$0] })
        let step = Vector((0..<start.count).map { Double(parameters[$0] - start[$0]) })
        let error = KFACFixtures.relativeError(step, expected)
        #expect(error < KFACFixtures.tolerance(T.self), "\(method): the step misses −α·F̃_d⁻¹∇J by \(error)")
    }

    @Test("one step with T₂ = 1 is −α·(blockdiag F̃_damped)⁻¹∇J (Float)")
    func oneStepFloat() throws { try expectOneStepDense(Float.self, method: .factoredTikhonov) }

    @Test("one step with T₂ = 1 is −α·(blockdiag F̃_damped)⁻¹∇J (Double, both inverse methods)")
    func oneStepDouble() throws {
        try expectOneStepDense(Double.self, method: .factoredTikhonov)
        try expectOneStepDense(Double.self, method: .exactDamping)
    }

    /// The in-place statistics path and the generic `kroneckerFactors` path take the same steps.
    @Test("the network fast path and the generic path take the same steps")
    func fastPathEqualsGenericPath() throws {
        for objective in [try KFACFixtures.perceptron(Double.self, examples: 9), try KFACFixtures.convolutional(Double.self, examples: 6)] {
            let start = KFACFixtures.parameters(for: objective)
            let settings = KFACSettings<Double>(inverseUpdateInterval: 2, fisherEstimate: .monteCarlo(samples: 2))
            var fast = try KFAC<Double>(settings: settings), generic = try KFAC<Double>(settings: settings)
            let a = try Self.run(&fast, objective, from: start, steps: 4)
            let b = try Self.run(&generic, OpaqueObjective(inner: objective), from: start, steps: 4)
            #expect(KFACFixtures.relativeError(a, b) < 1e-10)
        }
    }

    // MARK: Quadratic model

    /// α, μ make the model's gradient vanish along both directions, checked with dense
    /// products: Δᵀ((C + λI)δ + g) = 0 and δ₀ᵀ((C + λI)δ + g) = 0.
    @Test("the quadratic-model α and μ solve the 2×2 system")
    func quadraticModel() throws {
        let c: Matrix<Double> = TestMatrices.spd(6, conditionNumber: 30, seed: 3)
        let g: Vector<Double> = TestMatrices.gaussianVector(6, seed: 4)
        let proposal: Vector<Double> = TestMatrices.gaussianVector(6, seed: 5)
        let previous: Vector<Double> = TestMatrices.gaussianVector(6, seed: 6)
        let damping = 0.3
        let (cProposal, cPrevious) = (KFACFixtures.product(c, proposal), KFACFixtures.product(c, previous))
        func dot(_ x: Vector<Double>, _ y: Vector<Double>) -> Double { zip(x.elements, y.elements).reduce(0) { $0 + $1.0 * $1.1 } }
        let products = KFACQuadraticModel.Products(
            proposalCurvature: dot(proposal, cProposal), proposalNormSquared: dot(proposal, proposal), gradientDotProposal: dot(g, proposal),
            previous: (dot(previous, cProposal), dot(previous, cPrevious), dot(previous, proposal), dot(previous, previous), dot(g, previous)))
        let (alpha, mu) = try KFACQuadraticModel.stepSizes(products, damping: damping)
        let delta = Vector((0..<6).map { alpha * proposal[$0] + mu * previous[$0] })
        let cDelta = KFACFixtures.product(c, delta)
        let modelGradient = Vector((0..<6).map { cDelta[$0] + damping * delta[$0] + g[$0] })
        #expect(Swift.abs(dot(proposal, modelGradient)) < 1e-12 * (1 + g.norm * proposal.norm))
        #expect(Swift.abs(dot(previous, modelGradient)) < 1e-12 * (1 + g.norm * previous.norm))
        // The model change from the products is ½δᵀ(C + λI)δ + gᵀδ computed densely.
        let change = KFACQuadraticModel.change(products, learningRate: alpha, momentum: mu, damping: damping)
        #expect(Swift.abs(change - (dot(delta, cDelta) / 2 + damping * dot(delta, delta) / 2 + dot(g, delta))) < 1e-12)
        // Parallel directions leave μ undetermined: μ = 0 and α minimizes along Δ alone.
        var parallel = products
        parallel.previous = (2 * products.proposalCurvature, 4 * products.proposalCurvature, 2 * products.proposalNormSquared,
                             4 * products.proposalNormSquared, 2 * products.gradientDotProposal)
        let alone = try KFACQuadraticModel.stepSizes(parallel, damping: damping)
        #expect(alone.momentum == 0)
        #expect(Swift.abs(alone.learningRate + dot(g, proposal) / (dot(proposal, cProposal) + damping * dot(proposal, proposal))) < 1e-12)
        #expect(throws: OptimizerError.self) {
            try KFACQuadraticModel.stepSizes(KFACQuadraticModel.Products<Double>(proposalCurvature: 0, proposalNormSquared: 0, gradientDotProposal: 1), damping: 0)
        }
    }

    /// Two steps of the optimizer: the second step's α and μ are those of the 2×2 system built
    /// here from the running-average factors (decay ½ at the second update), the exact Fisher
    /// at θ₁ and the first step δ₀ — and the step is α·Δ + μ·δ₀.
    @Test("the optimizer's α and μ match a direct 2×2 solve")
    func quadraticModelInOptimizer() throws {
        let objective = try KFACFixtures.perceptron(Double.self, sizes: [3, 4, 3], examples: 7)
        let damping = 0.1
        var kfac = try KFAC<Double>(settings: KFACSettings(damping: damping, dampingAdaptation: nil, inverseUpdateInterval: 1, fisherEstimate: .exact))
        let start = KFACFixtures.parameters(for: objective)
        var parameters = start
        _ = try kfac.step(&parameters, objective: objective, batch: .all)
        let first = parameters
        let report = try kfac.step(&parameters, objective: objective, batch: .all)
        let previous = Vector((0..<start.count).map { first[$0] - start[$0] })
        var reference = try KFACApproximation<Double>(source: .exact)
        try reference.updateStatistics(at: try objective.evaluate(at: start, batch: .all), layers: objective.layers, decay: 0)
        let point = try objective.evaluate(at: first, batch: .all)
        try reference.updateStatistics(at: point, layers: objective.layers, decay: 0.5)
        try reference.updateInverse(damping: damping)
        let proposal = -(try reference.solve(point.gradient))
        let c = try point.denseCurvature(.exact, samples: 1, seed: 0)
        func dot(_ x: Vector<Double>, _ y: Vector<Double>) -> Double { zip(x.elements, y.elements).reduce(0) { $0 + $1.0 * $1.1 } }
        let (cd, cp) = (KFACFixtures.product(c, proposal), KFACFixtures.product(c, previous))
        let system = try Matrix<Double>([
            [dot(proposal, cd) + damping * dot(proposal, proposal), dot(previous, cd) + damping * dot(previous, proposal)],
            [dot(previous, cd) + damping * dot(previous, proposal), dot(previous, cp) + damping * dot(previous, previous)],
        ])
        let solution = KFACFixtures.gaussianSolve(system, Vector([-dot(point.gradient, proposal), -dot(point.gradient, previous)]))
        let (alpha, mu) = (try #require(report.diagnostics["learning_rate"]), try #require(report.diagnostics["momentum"]))
        #expect(Swift.abs(alpha - solution[0]) < 1e-8 * Swift.abs(solution[0]), "α \(alpha) vs \(solution[0])")
        #expect(Swift.abs(mu - solution[1]) < 1e-8 * (Swift.abs(solution[1]) + 1e-3), "μ \(mu) vs \(solution[1])")
        let step = Vector((0..<start.count).map { parameters[$0] - first[$0] })
        let expected = Vector((0..<start.count).map { solution[0] * proposal[$0] + solution[1] * previous[$0] })
        #expect(KFACFixtures.relativeError(step, expected) < 1e-8)
    }

    // MARK: Damping adaptation

    /// ρ = (J(θ + δ) − J(θ)) / (½δᵀCδ + ∇Jᵀδ) computed densely; λ follows the rule ρ < ¼ ⇒ λ/ω,
    /// ρ > ¾ ⇒ ω·λ (ω = 19/20 for T₃ = 1), else unchanged. Several learning rates put ρ in
    /// every regime.
    @Test("Levenberg–Marquardt raises and lowers λ as ρ says")
    func levenbergMarquardt() throws {
        let objective = try KFACFixtures.perceptron(Double.self, sizes: [3, 6, 3], examples: 10)
        let start = KFACFixtures.parameters(for: objective, scale: 2)
        let point = try objective.evaluate(at: start, batch: .all)
        let c = try point.denseCurvature(.exact, samples: 1, seed: 0)
        let initial = 0.01
        var raised = false, lowered = false, kept = false
        for rate in [0.05, 0.3, 0.6, 1.0, 1.5, 2.0, 4.0] {
            var kfac = try KFAC<Double>(settings: KFACSettings(
                stepRule: .fixed(learningRate: rate, momentum: 0), damping: initial,
                dampingAdaptation: LevenbergMarquardtDamping(interval: 1), fisherEstimate: .exact))
            var parameters = start
            let report = try kfac.step(&parameters, objective: objective, batch: .all)
            let delta = Vector((0..<start.count).map { parameters[$0] - start[$0] })
            let cDelta = KFACFixtures.product(c, delta)
            let predicted = (0..<start.count).reduce(0.0) { $0 + delta[$1] * cDelta[$1] / 2 + point.gradient[$1] * delta[$1] }
            let actual = try objective.loss(at: parameters, batch: .all) - point.loss
            let expected: Double
            if predicted < 0 {
                let rho = actual / predicted
                #expect(Swift.abs(try #require(report.diagnostics["rho"]) - rho) < 1e-8 * (1 + Swift.abs(rho)), "α = \(rate)")
                expected = rho < 0.25 ? initial / 0.95 : (rho > 0.75 ? initial * 0.95 : initial)
            } else {
                // Past the model's minimum: ρ is undefined; a rise of J raises λ.
                #expect(report.diagnostics["rho"] == nil)
                expected = actual > 0 ? initial / 0.95 : initial
            }
            #expect(Swift.abs(kfac.state.damping - expected) < 1e-15, "α = \(rate): predicted \(predicted), actual \(actual), λ = \(kfac.state.damping)")
            raised = raised || expected > initial
            lowered = lowered || expected < initial
            kept = kept || expected == initial
        }
        #expect(raised && lowered && kept, "the learning rates should put ρ in every regime")
    }

    // MARK: Other settings

    @Test("KL clipping scales α so that α²·∇Jᵀ·F̃_d⁻¹·∇J = κ")
    func klClipping() throws {
        let objective = try KFACFixtures.perceptron(Double.self, examples: 8)
        let start = KFACFixtures.parameters(for: objective)
        let clip = 1e-4
        var kfac = try KFAC<Double>(settings: KFACSettings(
            stepRule: .fixed(learningRate: 1, momentum: 0.9), dampingAdaptation: nil, fisherEstimate: .exact, klClip: clip))
        var parameters = start
        let report = try kfac.step(&parameters, objective: objective, batch: .all)
        let scale = try #require(report.diagnostics["kl_scale"])
        let alpha = try #require(report.diagnostics["learning_rate"])
        #expect(scale < 1 && Swift.abs(alpha - scale) < 1e-15)
        // δ = −α·F̃_d⁻¹∇J on the first step, so α²·∇Jᵀ F̃_d⁻¹ ∇J = −α·∇Jᵀδ.
        let gradient = try objective.evaluate(at: start, batch: .all).gradient
        let quadratic = -alpha * (0..<start.count).reduce(0.0) { $0 + gradient[$1] * (parameters[$1] - start[$1]) }
        #expect(Swift.abs(quadratic - clip) < 1e-10 * clip)
    }

    @Test("a fixed seed gives the same run; another seed another run")
    func determinism() throws {
        let objective = try KFACFixtures.perceptron(Float.self, examples: 12)
        let start = KFACFixtures.parameters(for: objective)
        func run(seed: UInt64) throws -> Vector<Float> {
            var kfac = try KFAC<Float>(settings: KFACSettings(fisherEstimate: .monteCarlo(samples: 1), statisticsExampleLimit: 8, seed: seed))
            var parameters = start
            for _ in 0..<5 { _ = try kfac.step(&parameters, objective: objective, batch: .all) }
            return parameters
        }
        #expect(try run(seed: 3) == run(seed: 3))
        #expect(try run(seed: 3) != run(seed: 4))
    }

    @Test("fixed learning rate and momentum: δ = −α·F̃⁻¹∇J + μ·δ₀, inverses every T₂ steps")
    func fixedRuleWithMomentum() throws {
        let objective = try KFACFixtures.perceptron(Double.self, examples: 8)
        let start = KFACFixtures.parameters(for: objective)
        var kfac = try KFAC<Double>(settings: .fixed(learningRate: 0.2, momentum: 0.5, damping: 0.1))
        var parameters = start
        _ = try kfac.step(&parameters, objective: objective, batch: .all)
        let first = parameters
        let inverseDamping = kfac.state.inverseDamping
        let preconditionedBefore = kfac.state.preconditioned
        _ = try kfac.step(&parameters, objective: objective, batch: .all)
        #expect(kfac.state.inverseDamping == inverseDamping)
        #expect(kfac.state.statisticsUpdates == 2)
        let expected = Vector((0..<start.count).map { -0.2 * kfac.state.preconditioned[$0] + 0.5 * (first[$0] - start[$0]) })
        let step = Vector((0..<start.count).map { parameters[$0] - first[$0] })
        #expect(KFACFixtures.relativeError(step, expected) < 1e-12)
        #expect(preconditionedBefore != kfac.state.preconditioned)
        let losses = try (0..<10).map { _ in try kfac.step(&parameters, objective: objective, batch: .all).loss }
        #expect(losses.last! < losses.first!)
    }

    @Test("bad settings and objectives without layers are errors")
    func errors() throws {
        #expect(throws: OptimizerError.self) { try KFAC<Double>(settings: .fixed(learningRate: 0)) }
        #expect(throws: OptimizerError.self) { try KFAC<Double>(settings: KFACSettings(damping: -1)) }
        #expect(throws: OptimizerError.self) { try KFAC<Double>(settings: KFACSettings(inverseUpdateInterval: 0)) }
        #expect(throws: OptimizerError.self) { try KFAC<Double>(settings: KFACSettings(fisherEstimate: .monteCarlo(samples: 0))) }
        #expect(throws: OptimizerError.self) { try KFAC<Double>(settings: KFACSettings(modelCurvature: .hessian)) }
        var kfac = try KFAC<Double>()
        var parameters: Vector<Double> = [0, 0]
        #expect(throws: OptimizerError.self) {
            try kfac.step(&parameters, objective: LeastSquaresObjective<Double>.parabola(curvatures: [1, 2], minimum: [1, 1]), batch: .all)
        }
    }
}
