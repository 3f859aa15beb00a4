import NGLinearAlgebra
import NGModels
import NGOptimizers
import Testing

/// Each first-order transform against its update formulas, evaluated here by explicit scalar
/// loops in Double over a few steps (independent of the implementation), in both precisions.
@Suite("FirstOrder transforms")
struct FirstOrderTransformTests {
    typealias Fixtures = FirstOrderFixtures

    // MARK: Momentum

    @Test(arguments: Fixtures.precisions)
    func momentumMatchesFormulas(_ type: any BLASScalar.Type) throws { try checkMomentum(type) }

    func checkMomentum<T: BLASScalar>(_: T.Type) throws {
        let mu = Double(T(0.9))
        let g = Fixtures.rounded(Fixtures.gradients, as: T.self)
        // v ← μv + g; heavy ball u = v, Nesterov u = g + μv.
        var velocity = [Double](repeating: 0, count: 4)
        var heavyBall = [[Double]]()
        var nesterov = [[Double]]()
        for gradient in g {
            velocity = (0..<4).map { mu * velocity[$0] + gradient[$0] }
            heavyBall.append(velocity)
            nesterov.append((0..<4).map { gradient[$0] + mu * velocity[$0] })
        }
        let heavyBallUpdates = try Fixtures.updates(ScaleByMomentum<T>(momentum: 0.9, nesterov: false))
        let nesterovUpdates = try Fixtures.updates(ScaleByMomentum<T>(momentum: 0.9, nesterov: true))
        #expect(Fixtures.relativeError(heavyBallUpdates, heavyBall) < Fixtures.tolerance(T.self))
        #expect(Fixtures.relativeError(nesterovUpdates, nesterov) < Fixtures.tolerance(T.self))
        // The two differ as the formulas say: the first Nesterov update is (1 + μ)·g, the heavy ball's g.
        for i in 0..<4 {
            #expect(Swift.abs(nesterovUpdates[0][i] - (1 + mu) * g[0][i]) <= Fixtures.tolerance(T.self) * Swift.max(1, Swift.abs(g[0][i])))
            #expect(Swift.abs(heavyBallUpdates[0][i] - g[0][i]) <= Fixtures.tolerance(T.self) * Swift.max(1, Swift.abs(g[0][i])))
        }
        #expect(Fixtures.relativeError(heavyBallUpdates, nesterov) > 0.1)
    }

    @Test func momentumZeroIsIdentity() throws {
        let updates = try Fixtures.updates(ScaleByMomentum<Double>(momentum: 0))
        #expect(updates == Fixtures.gradients)
    }

    // MARK: Adam

    @Test(arguments: Fixtures.precisions)
    func adamMatchesFormulas(_ type: any BLASScalar.Type) throws { try checkAdam(type) }

    func checkAdam<T: BLASScalar>(_: T.Type) throws {
        let (beta1, beta2, epsilon) = (Double(T(0.9)), Double(T(0.999)), Double(T(1e-8)))
        let g = Fixtures.rounded(Fixtures.gradients, as: T.self)
        var m = [Double](repeating: 0, count: 4)
        var v = [Double](repeating: 0, count: 4)
        var expected = [[Double]]()
        for (index, gradient) in g.enumerated() {
            let t = Double(index + 1)
            m = (0..<4).map { beta1 * m[$0] + (1 - beta1) * gradient[$0] }
            v = (0..<4).map { beta2 * v[$0] + (1 - beta2) * gradient[$0] * gradient[$0] }
            expected.append((0..<4).map { i in
                let mHat = m[i] / (1 - Double.pow(beta1, t))
                let vHat = v[i] / (1 - Double.pow(beta2, t))
                return mHat / (vHat.squareRoot() + epsilon)
            })
        }
        let transform = try ScaleByAdam<T>()
        let updates = try Fixtures.updates(transform)
        #expect(Fixtures.relativeError(updates, expected) < Fixtures.tolerance(T.self), "\(updates) vs \(expected)")
        // The state after three steps: t = 3 and the moments of the formulas.
        let point = try Fixtures.point(at: [1, -1, 2, 0.5], as: T.self)
        var state = transform.initialState(parameters: point.parameters)
        for gradient in g {
            var update = Vector(gradient.map { T($0) })
            try transform.update(&update, state: &state, point: point, layers: [])
        }
        #expect(state.count == 3)
        #expect(Fixtures.relativeError([state.firstMoment.elements.map { Double($0) }], [m]) < Fixtures.tolerance(T.self))
        #expect(Fixtures.relativeError([state.secondMoment.elements.map { Double($0) }], [v]) < Fixtures.tolerance(T.self))
    }

    /// Bias correction at step 1: m̂ = g and v̂ = g², so u = g/(|g| + ε) — magnitude 1 per
    /// coordinate whatever the gradient's scale (0 for a zero gradient). Without the correction
    /// u would be (1 − β₁)·g/(√(1 − β₂)·|g|) ≈ 3.16·sign(g).
    @Test(arguments: Fixtures.precisions)
    func adamFirstStepIsSignLike(_ type: any BLASScalar.Type) throws { try checkAdamFirstStep(type) }

    func checkAdamFirstStep<T: BLASScalar>(_: T.Type) throws {
        for scale in [1e-3, 1.0, 1e3] {
            let gradient = [0.5, -2.0, 0.01, 0.0].map { $0 * scale }
            let update = try Fixtures.updates(ScaleByAdam<T>(), gradients: [gradient])[0]
            for (u, g) in zip(update, gradient) {
                let expected = g == 0 ? 0 : (g > 0 ? 1.0 : -1.0)
                // |g|/(|g| + ε) differs from 1 by ε/|g| ≤ 10⁻⁸/10⁻⁵.
                #expect(Swift.abs(u - expected) < 2e-3, "scale \(scale): u = \(u) for g = \(g)")
            }
        }
    }

    // MARK: RMSProp

    @Test(arguments: Fixtures.precisions)
    func rmspropMatchesFormulas(_ type: any BLASScalar.Type) throws { try checkRMSProp(type) }

    func checkRMSProp<T: BLASScalar>(_: T.Type) throws {
        let (rho, epsilon) = (Double(T(0.9)), Double(T(1e-6)))
        let g = Fixtures.rounded(Fixtures.gradients, as: T.self)
        var meanSquare = [Double](repeating: 0, count: 4)
        var mean = [Double](repeating: 0, count: 4)
        var plain = [[Double]]()
        var centered = [[Double]]()
        for gradient in g {
            meanSquare = (0..<4).map { rho * meanSquare[$0] + (1 - rho) * gradient[$0] * gradient[$0] }
            mean = (0..<4).map { rho * mean[$0] + (1 - rho) * gradient[$0] }
            plain.append((0..<4).map { gradient[$0] / (meanSquare[$0].squareRoot() + epsilon) })
            centered.append((0..<4).map { gradient[$0] / ((meanSquare[$0] - mean[$0] * mean[$0]).squareRoot() + epsilon) })
        }
        let plainUpdates = try Fixtures.updates(ScaleByRMSProp<T>(decay: 0.9, epsilon: 1e-6))
        let centeredUpdates = try Fixtures.updates(ScaleByRMSProp<T>(decay: 0.9, epsilon: 1e-6, centered: true))
        // Centering subtracts m² from ν: in Float the difference loses a few digits.
        #expect(Fixtures.relativeError(plainUpdates, plain) < Fixtures.tolerance(T.self))
        #expect(Fixtures.relativeError(centeredUpdates, centered) < 100 * Fixtures.tolerance(T.self))
        #expect(Fixtures.relativeError(plainUpdates, centered) > 0.05)
    }

    // MARK: AdaGrad

    @Test(arguments: Fixtures.precisions)
    func adagradMatchesFormulas(_ type: any BLASScalar.Type) throws { try checkAdagrad(type) }

    func checkAdagrad<T: BLASScalar>(_: T.Type) throws {
        let (initial, epsilon) = (Double(T(0.1)), Double(T(1e-10)))
        let g = Fixtures.rounded(Fixtures.gradients, as: T.self)
        var sum = [Double](repeating: initial, count: 4)
        var expected = [[Double]]()
        for gradient in g {
            sum = (0..<4).map { sum[$0] + gradient[$0] * gradient[$0] }
            expected.append((0..<4).map { gradient[$0] / (sum[$0].squareRoot() + epsilon) })
        }
        let updates = try Fixtures.updates(ScaleByAdagrad<T>(initialAccumulator: 0.1))
        #expect(Fixtures.relativeError(updates, expected) < Fixtures.tolerance(T.self))
    }

    // MARK: Weight decay and clipping

    @Test(arguments: Fixtures.precisions)
    func decayedWeightsMatchFormula(_ type: any BLASScalar.Type) throws { try checkDecayedWeights(type) }

    func checkDecayedWeights<T: BLASScalar>(_: T.Type) throws {
        let theta = [1.0, -1.0, 2.0, 0.5]
        let w = Double(T(0.01))
        let g = Fixtures.rounded(Fixtures.gradients, as: T.self)
        let all = try Fixtures.updates(AddDecayedWeights<T>(weightDecay: 0.01), parameters: theta)
        #expect(Fixtures.relativeError(all, g.map { u in (0..<4).map { u[$0] + w * theta[$0] } }) < Fixtures.tolerance(T.self))
        let mask = [true, false, false, true]
        let masked = try Fixtures.updates(AddDecayedWeights<T>(weightDecay: 0.01, mask: .custom(mask)), parameters: theta)
        #expect(Fixtures.relativeError(masked, g.map { u in (0..<4).map { u[$0] + (mask[$0] ? w * theta[$0] : 0) } }) < Fixtures.tolerance(T.self))
    }

    /// `.weightsOnly` decays the layers' weights and leaves their biases, read from the layout.
    @Test func decayedWeightsFollowTheLayers() throws {
        let network = try Network<Double>.multilayerPerceptron(sizes: [2, 3, 1], activation: .tanh)
        let layers = network.parameterLayouts
        let theta = (0..<network.parameterCount).map { Double($0 + 1) }
        let point = try Fixtures.point(at: theta, as: Double.self)
        let transform = try AddDecayedWeights<Double>(weightDecay: 0.5, mask: .weightsOnly)
        var update = Vector<Double>(count: theta.count)
        var none: Void = ()
        try transform.update(&update, state: &none, point: point, layers: layers)
        // Layer 1: weights 0..<6, bias 6..<9; layer 2: weights 9..<12, bias 12.
        let weightIndices = Set(Array(0..<6) + Array(9..<12))
        for j in 0..<theta.count { #expect(update[j] == (weightIndices.contains(j) ? 0.5 * theta[j] : 0), "entry \(j)") }
        // Without layers `.weightsOnly` is meaningless, and a custom mask must fit.
        #expect(throws: OptimizerError.self) { try transform.update(&update, state: &none, point: point, layers: []) }
        let short = try AddDecayedWeights<Double>(mask: .custom([true]))
        #expect(throws: OptimizerError.self) { try short.update(&update, state: &none, point: point, layers: []) }
    }

    @Test func clipByGlobalNormRescalesLongUpdates() throws {
        let clip = try ClipByGlobalNorm<Double>(maxNorm: 1)
        let long = try Fixtures.updates(clip, gradients: [[3, 4, 0, 0]])[0]
        #expect(long.map { Swift.abs($0) }.reduce(0, +) > 0)
        #expect(Swift.abs(long[0] - 0.6) < 1e-15 && Swift.abs(long[1] - 0.8) < 1e-15)
        let short = try Fixtures.updates(clip, gradients: [[0.3, -0.4, 0, 0]])[0]
        #expect(short == [0.3, -0.4, 0, 0])
        #expect(throws: OptimizerError.self) { try Fixtures.updates(clip, gradients: [[.nan, 0, 0, 0]]) }
    }

    // MARK: Validation

    @Test func badHyperparametersThrow() {
        #expect(throws: OptimizerError.self) { try ScaleByMomentum<Double>(momentum: 1) }
        #expect(throws: OptimizerError.self) { try ScaleByMomentum<Double>(momentum: -0.1) }
        #expect(throws: OptimizerError.self) { try ScaleByAdam<Double>(beta1: 1) }
        #expect(throws: OptimizerError.self) { try ScaleByAdam<Double>(beta2: .nan) }
        #expect(throws: OptimizerError.self) { try ScaleByAdam<Double>(epsilon: 0) }
        #expect(throws: OptimizerError.self) { try ScaleByRMSProp<Double>(decay: 1.5) }
        #expect(throws: OptimizerError.self) { try ScaleByAdagrad<Double>(initialAccumulator: -1) }
        #expect(throws: OptimizerError.self) { try AddDecayedWeights<Double>(weightDecay: -1) }
        #expect(throws: OptimizerError.self) { try ClipByGlobalNorm<Double>(maxNorm: .infinity) }
    }

    /// A state created for P parameters refuses an update of another length.
    @Test func stateLengthIsChecked() throws {
        let transform = try ScaleByAdam<Double>()
        let point = try Fixtures.point(at: [1, 2, 3], as: Double.self)
        var state = transform.initialState(parameters: Vector(count: 4))
        var update = Vector<Double>([1, 2, 3])
        #expect(throws: OptimizerError.self) { try transform.update(&update, state: &state, point: point, layers: []) }
    }
}
