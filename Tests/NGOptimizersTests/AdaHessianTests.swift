import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGTestSupport
import Testing

@Suite("AdaHessian")
struct AdaHessianTests {
    /// The mean of z ⊙ (H·z) over many Rademacher probes approaches diag(H) (the dense Hessian
    /// from exact Hessian-vector products): entry j's error stays within 4.5 standard errors,
    /// √(Σ_{k≠j} H_jk² / s).
    @Test("Hutchinson's estimate converges to the Hessian's diagonal")
    func hutchinsonConverges() throws {
        let objective = try KFACFixtures.perceptron(Double.self, sizes: [3, 4, 2], examples: 5, l2: 0.01)
        let point = try objective.evaluate(at: KFACFixtures.parameters(for: objective), batch: .all)
        let hessian = try point.denseCurvature(.hessian, samples: 1, seed: 0)
        let probes = 3000
        let estimate = try HutchinsonDiagonal.estimate(point, .hessian, probes: probes, seed: 12)
        var worst = 0.0
        for j in 0..<hessian.rows {
            let offDiagonal = (0..<hessian.rows).reduce(0.0) { $0 + ($1 == j ? 0 : hessian[j, $1] * hessian[j, $1]) }
            let standardError = (offDiagonal / Double(probes)).squareRoot()
            let error = Swift.abs(estimate[j] - hessian[j, j])
            #expect(error <= 4.5 * standardError + 1e-12, "entry \(j): error \(error), standard error \(standardError)")
            worst = Swift.max(worst, error / Swift.max(standardError, 1e-300))
        }
        // Fewer probes are further off on average: the estimate does converge.
        let rough = try HutchinsonDiagonal.estimate(point, .hessian, probes: 10, seed: 12)
        let roughError = (0..<hessian.rows).reduce(0.0) { $0 + Swift.abs(rough[$1] - hessian[$1, $1]) }
        let fineError = (0..<hessian.rows).reduce(0.0) { $0 + Swift.abs(estimate[$1] - hessian[$1, $1]) }
        #expect(fineError < 0.3 * roughError)
    }

    @Test("a diagonal Hessian is estimated exactly by one probe")
    func diagonalIsExact() throws {
        let objective = LeastSquaresObjective<Double>.parabola(curvatures: [1, 4, 9, 16], minimum: [0, 1, 2, 3])
        let point = try objective.evaluate(at: [1, 1, 1, 1], batch: .all)
        #expect(try HutchinsonDiagonal.estimate(point, .hessian, probes: 1, seed: 99) == Vector([1, 4, 9, 16]))
    }

    @Test("Rademacher probes are ±1, balanced, reproducible per seed")
    func rademacherProbes() {
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5), c = SeededGenerator(seed: 6)
        let count = 10_000
        let z: Vector<Double> = HutchinsonDiagonal.rademacher(count, generator: &a)
        let same: Vector<Double> = HutchinsonDiagonal.rademacher(count, generator: &b)
        let other: Vector<Double> = HutchinsonDiagonal.rademacher(count, generator: &c)
        #expect(z == same)
        #expect(z != other)
        #expect(z.elements.allSatisfy { $0 == 1 || $0 == -1 })
        let mean = z.elements.reduce(0, +) / Double(count)
        #expect(Swift.abs(mean) < 4 / Double(count).squareRoot())
        // Successive probes from one generator differ, across the 64-entry word boundary too.
        let next: Vector<Double> = HutchinsonDiagonal.rademacher(count, generator: &a)
        #expect(next != z)
        let short: Vector<Float> = HutchinsonDiagonal.rademacher(130, generator: &b)
        #expect(short.count == 130 && Set(short.elements.suffix(66)).count == 2)
    }

    /// On ½Σ aⱼ(θⱼ − cⱼ)² one probe gives D = a exactly, so two steps can be computed by hand:
    /// m = β₁m + (1 − β₁)g, v = β₂v + (1 − β₂)a², θ ← θ − α·(m/(1 − β₁ᵗ)) / ((√(v/(1 − β₂ᵗ)))^k + ε).
    @Test("the update follows the formula by hand", arguments: [1.0, 0.5])
    func updateByHand(power: Double) throws {
        let a = [1.0, 4.0, 0.25], c = [1.0, -2.0, 3.0]
        let objective = LeastSquaresObjective<Double>.parabola(curvatures: a, minimum: c)
        let (rate, beta1, beta2, epsilon) = (0.2, 0.8, 0.9, 1e-3)
        let settings = AdaHessianSettings<Double>(beta1: beta1, beta2: beta2, epsilon: epsilon, hessianPower: power)
        var optimizer = try AdaHessian.optimizer(learningRate: rate, settings: settings)
        var parameters: Vector<Double> = [0, 0, 0]
        var expected = [0.0, 0.0, 0.0], m = [0.0, 0.0, 0.0], v = [0.0, 0.0, 0.0]
        for t in 1...2 {
            _ = try optimizer.step(&parameters, objective: objective, batch: .all)
            for j in 0..<3 {
                let g = a[j] * (expected[j] - c[j])
                m[j] = beta1 * m[j] + (1 - beta1) * g
                v[j] = beta2 * v[j] + (1 - beta2) * a[j] * a[j]
                let denominator = Double.pow((v[j] / (1 - Double.pow(beta2, Double(t)))).squareRoot(), power) + epsilon
                expected[j] -= rate * (m[j] / (1 - Double.pow(beta1, Double(t)))) / denominator
            }
            for j in 0..<3 { #expect(Swift.abs(parameters[j] - expected[j]) < 1e-12, "step \(t), entry \(j)") }
        }
    }

    /// For a convolution the estimate is replaced by the mean of |D| over each 3×3 kernel
    /// window; dense layers keep the raw estimate (the same probe, from the same seed).
    @Test("spatial averaging over convolution kernel windows")
    func spatialAveraging() throws {
        let objective = try KFACFixtures.convolutional(Double.self, examples: 4)
        let point = try objective.evaluate(at: KFACFixtures.parameters(for: objective), batch: .all)
        let raw = try HutchinsonDiagonal.estimate(point, .hessian, probes: 1, seed: 40)
        for averaging in [true, false] {
            let transform = try ScaleByAdaHessian<Double>(settings: AdaHessianSettings(spatialAveraging: averaging, seed: 40))
            var state = transform.initialState(parameters: point.parameters)
            var update = point.gradient
            try transform.update(&update, state: &state, point: point, layers: objective.layers)
            let convolution = objective.layers[0], dense = objective.layers[1]
            for start in stride(from: convolution.weightRange.lowerBound, to: convolution.weightRange.upperBound, by: 9) {
                let mean = (start..<(start + 9)).reduce(0.0) { $0 + Swift.abs(raw[$1]) } / 9
                for j in start..<(start + 9) {
                    #expect(Swift.abs(state.hessianDiagonal[j] - (averaging ? mean : raw[j])) < 1e-12)
                }
            }
            for j in convolution.biasRange.lowerBound..<dense.range.upperBound { #expect(state.hessianDiagonal[j] == raw[j]) }
        }
    }

    @Test("trains a small network; bad settings are errors")
    func trainsAndValidates() throws {
        let objective = try KFACFixtures.perceptron(Float.self, sizes: [3, 6, 3], examples: 20)
        var optimizer = try AdaHessian.optimizer(learningRate: Float(0.1), as: Float.self)
        var parameters = KFACFixtures.parameters(for: objective, scale: 1)
        let initial = try objective.loss(at: parameters, batch: .all)
        for _ in 0..<30 { _ = try optimizer.step(&parameters, objective: objective, batch: .all) }
        #expect(try objective.loss(at: parameters, batch: .all) < 0.7 * initial)
        #expect(throws: OptimizerError.self) { try ScaleByAdaHessian<Double>(settings: AdaHessianSettings(hessianPower: 0)) }
        #expect(throws: OptimizerError.self) { try ScaleByAdaHessian<Double>(settings: AdaHessianSettings(probes: 0)) }
        #expect(throws: OptimizerError.self) { try AdaHessian.optimizer(learningRate: 0.0, as: Double.self) }
    }
}
