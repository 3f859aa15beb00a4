import NGLinearAlgebra
import NGOptimizers
import Testing

/// The named first-order optimizers: their trajectories on a parabola against the update rules
/// written out here with their documented defaults, the sign convention, and that no optimizer
/// can stand in for another.
@Suite("FirstOrder optimizers")
struct FirstOrderOptimizerTests {
    /// J(θ) = ½·Σ aᵢ(θᵢ − cᵢ)², ∇J = a⊙(θ − c).
    static let curvatures = [0.5, 2.0, 8.0]
    static let minimum = [0.0, 0.5, -1.0]
    static let start = [1.0, -1.0, 2.0]

    static func gradient(_ theta: [Double]) -> [Double] { (0..<3).map { curvatures[$0] * (theta[$0] - minimum[$0]) } }

    /// A reference update rule: the parameter trajectory from `start` over `steps` steps.
    struct Reference: Sendable {
        let name: String
        let trajectory: @Sendable (Int) -> [[Double]]
    }

    /// Runs a per-coordinate rule θ ← θ − step(g, t, θ), keeping its own state in the closure.
    static func trajectory(steps: Int, _ rule: (_ gradient: [Double], _ t: Int, _ theta: [Double]) -> [Double]) -> [[Double]] {
        var theta = start
        var path = [[Double]]()
        for t in 1...steps {
            let delta = rule(gradient(theta), t, theta)
            theta = (0..<3).map { theta[$0] - delta[$0] }
            path.append(theta)
        }
        return path
    }

    /// The update rules with the defaults the documentation states.
    static let references: [Reference] = [
        Reference(name: "sgd") { steps in trajectory(steps: steps) { g, _, _ in g.map { 1e-2 * $0 } } },
        Reference(name: "momentum") { steps in
            var v = [0.0, 0, 0]
            return trajectory(steps: steps) { g, _, _ in
                v = (0..<3).map { 0.9 * v[$0] + g[$0] }
                return v.map { 1e-2 * $0 }
            }
        },
        Reference(name: "nesterov") { steps in
            var v = [0.0, 0, 0]
            return trajectory(steps: steps) { g, _, _ in
                v = (0..<3).map { 0.9 * v[$0] + g[$0] }
                return (0..<3).map { 1e-2 * (g[$0] + 0.9 * v[$0]) }
            }
        },
        Reference(name: "adam") { steps in adamTrajectory(steps: steps, weightDecay: 0) },
        Reference(name: "adamw") { steps in adamTrajectory(steps: steps, weightDecay: 1e-2) },
        Reference(name: "rmsprop") { steps in
            var s = [0.0, 0, 0]
            return trajectory(steps: steps) { g, _, _ in
                s = (0..<3).map { 0.99 * s[$0] + 0.01 * g[$0] * g[$0] }
                return (0..<3).map { 1e-2 * g[$0] / (s[$0].squareRoot() + 1e-8) }
            }
        },
        Reference(name: "adagrad") { steps in
            var sum = [0.0, 0, 0]
            return trajectory(steps: steps) { g, _, _ in
                sum = (0..<3).map { sum[$0] + g[$0] * g[$0] }
                return (0..<3).map { 1e-2 * g[$0] / (sum[$0].squareRoot() + 1e-10) }
            }
        },
    ]

    /// Adam (Kingma & Ba Alg. 1, α = 10⁻³, β = 0.9, 0.999, ε = 10⁻⁸) plus α·w·θ.
    static func adamTrajectory(steps: Int, weightDecay w: Double) -> [[Double]] {
        var m = [0.0, 0, 0]
        var v = [0.0, 0, 0]
        return trajectory(steps: steps) { g, t, theta in
            m = (0..<3).map { 0.9 * m[$0] + 0.1 * g[$0] }
            v = (0..<3).map { 0.999 * v[$0] + 0.001 * g[$0] * g[$0] }
            return (0..<3).map { i in
                let mHat = m[i] / (1 - Double.pow(0.9, Double(t)))
                let vHat = v[i] / (1 - Double.pow(0.999, Double(t)))
                return 1e-3 * (mHat / (vHat.squareRoot() + 1e-8) + w * theta[i])
            }
        }
    }

    /// Every named constructor with its defaults, in the order of `references`.
    static func optimizers<T: BLASScalar>(_: T.Type) throws -> [any Optimizer<T>] {
        [
            try FirstOrder.sgd(as: T.self), try FirstOrder.momentum(as: T.self), try FirstOrder.momentum(nesterov: true, as: T.self),
            try FirstOrder.adam(as: T.self), try FirstOrder.adamW(as: T.self), try FirstOrder.rmsprop(as: T.self),
            try FirstOrder.adagrad(as: T.self),
        ]
    }

    static func run<T: BLASScalar>(_ optimizer: any Optimizer<T>, steps: Int) throws -> [[Double]] {
        var optimizer = optimizer
        let objective = LeastSquaresObjective<T>.parabola(curvatures: curvatures.map { T($0) }, minimum: minimum.map { T($0) })
        var theta = Vector(start.map { T($0) })
        var path = [[Double]]()
        for _ in 0..<steps {
            _ = try optimizer.step(&theta, objective: objective, batch: .all)
            path.append(theta.elements.map { Double($0) })
        }
        return path
    }

    /// Each named optimizer follows its own rule with the documented defaults, in both
    /// precisions, and its name is the reference's.
    @Test(arguments: FirstOrderFixtures.precisions)
    func trajectoriesMatchTheRules(_ type: any BLASScalar.Type) throws { try checkTrajectories(type) }

    func checkTrajectories<T: BLASScalar>(_: T.Type) throws {
        let optimizers = try Self.optimizers(T.self)
        #expect(optimizers.count == Self.references.count)
        for (optimizer, reference) in zip(optimizers, Self.references) {
            #expect(optimizer.name == reference.name)
            let error = FirstOrderFixtures.relativeError(try Self.run(optimizer, steps: 4), reference.trajectory(4))
            #expect(error < (T.self == Float.self ? 1e-5 : 1e-13), "\(reference.name): relative error \(error)")
        }
    }

    /// Swapping any optimizer for another is detected: optimizer i follows reference j only when
    /// i = j, by a margin far above rounding.
    @Test func noOptimizerFollowsAnothersRule() throws {
        let paths = try Self.optimizers(Double.self).map { try Self.run($0, steps: 4) }
        for (i, path) in paths.enumerated() {
            for (j, reference) in Self.references.enumerated() where i != j {
                let error = FirstOrderFixtures.relativeError(path, reference.trajectory(4))
                #expect(error > 1e-6, "\(Self.references[i].name) follows \(reference.name)'s rule (difference \(error))")
            }
        }
    }

    /// The sign convention: every baseline's first step goes downhill, (θ₁ − θ₀)·∇J(θ₀) < 0,
    /// and SGD's is exactly −α·∇J(θ₀).
    @Test func firstStepsGoAgainstTheGradient() throws {
        let g = Self.gradient(Self.start)
        for optimizer in try Self.optimizers(Double.self) {
            let theta1 = try Self.run(optimizer, steps: 1)[0]
            let slope = (0..<3).map { (theta1[$0] - Self.start[$0]) * g[$0] }.reduce(0, +)
            #expect(slope < 0, "\(optimizer.name) moved uphill")
            for i in 0..<3 where optimizer.name == "sgd" { #expect(theta1[i] == Self.start[i] - 1e-2 * g[i]) }
        }
    }

    /// Adam's first step moves each coordinate by ≈ α whatever the gradient's scale, while SGD's
    /// step scales with the gradient: scaling the curvatures by 10⁻³…10³ leaves Adam's step
    /// unchanged and multiplies SGD's.
    @Test func adamFirstStepIsScaleFree() throws {
        for scale in [1e-3, 1.0, 1e3] {
            let objective = LeastSquaresObjective<Double>.parabola(curvatures: Self.curvatures.map { $0 * scale }, minimum: Self.minimum)
            var adam = try FirstOrder.adam(learningRate: 1e-3, as: Double.self)
            var sgd = try FirstOrder.sgd(learningRate: 1e-3, as: Double.self)
            var adamTheta = Vector(Self.start)
            var sgdTheta = Vector(Self.start)
            _ = try adam.step(&adamTheta, objective: objective, batch: .all)
            _ = try sgd.step(&sgdTheta, objective: objective, batch: .all)
            for i in 0..<3 {
                let gradient = scale * Self.gradient(Self.start)[i]
                // |Δ| = α·|g|/(|g| + ε), within α·ε/|g| ≤ α·2·10⁻⁵ of α here.
                #expect(Swift.abs(Swift.abs(adamTheta[i] - Self.start[i]) - 1e-3) < 1e-7, "scale \(scale), coordinate \(i)")
                #expect(Swift.abs(Swift.abs(sgdTheta[i] - Self.start[i]) - 1e-3 * Swift.abs(gradient)) < 1e-12 * Swift.max(1, Swift.abs(gradient)))
            }
        }
    }

    /// Decoupled weight decay acts where the gradient vanishes: at the minimum of J, Adam stays
    /// put and AdamW shrinks θ by (1 − α·w) per step.
    @Test func adamWDecaysAtTheMinimum() throws {
        let objective = LeastSquaresObjective<Double>.parabola(curvatures: Self.curvatures, minimum: [1, -2, 3])
        var adam = try FirstOrder.adam(learningRate: 0.1, as: Double.self)
        var adamW = try FirstOrder.adamW(learningRate: 0.1, weightDecay: 0.5, as: Double.self)
        var adamTheta = Vector<Double>([1, -2, 3])
        var adamWTheta = adamTheta
        _ = try adam.step(&adamTheta, objective: objective, batch: .all)
        let report = try adamW.step(&adamWTheta, objective: objective, batch: .all)
        #expect(report.loss == 0)
        #expect(adamTheta == [1, -2, 3])
        for (value, original) in zip(adamWTheta.elements, [1.0, -2, 3]) { #expect(Swift.abs(value - 0.95 * original) < 1e-15) }
        #expect(adamW.state?.0.0.count == 1)
    }

    /// With `.weightsOnly`, AdamW on a network leaves the biases alone.
    @Test func adamWWeightsOnlySparesBiases() throws {
        let problem = try OptimizerTable.linearNetworkParabola()
        var optimizer = try FirstOrder.adamW(learningRate: 0.1, weightDecay: 0.5, mask: .weightsOnly, as: Double.self)
        var theta = problem.minimum
        _ = try optimizer.step(&theta, objective: problem.objective, batch: .all)
        // The gradient at the minimum is rounding (≈ 10⁻¹⁵), which Adam turns into moves ≤ α·|g|/ε ≈ 10⁻⁸.
        for j in 0..<4 { #expect(Swift.abs(theta[j] - 0.95 * problem.minimum[j]) < 1e-7, "weight \(j)") }
        #expect(Swift.abs(theta[4] - problem.minimum[4]) < 1e-7, "bias")
    }

    @Test func badHyperparametersThrow() {
        #expect(throws: OptimizerError.self) { try FirstOrder.sgd(learningRate: 0, as: Double.self) }
        #expect(throws: OptimizerError.self) { try FirstOrder.sgd(learningRate: -1, as: Double.self) }
        #expect(throws: OptimizerError.self) { try FirstOrder.adam(learningRate: .nan, as: Float.self) }
        #expect(throws: OptimizerError.self) { try FirstOrder.momentum(momentum: 1, as: Double.self) }
        #expect(throws: OptimizerError.self) { try FirstOrder.adamW(weightDecay: -1, as: Double.self) }
        #expect(throws: OptimizerError.self) { try FirstOrder.rmsprop(decay: 1, as: Double.self) }
        #expect(throws: OptimizerError.self) { try FirstOrder.adagrad(epsilon: 0, as: Double.self) }
        do {
            _ = try FirstOrder.adam(learningRate: -0.5, as: Double.self)
        } catch {
            #expect("\(error)".contains("learningRate") && "\(error)".contains("-0.5"))
        }
    }
}
