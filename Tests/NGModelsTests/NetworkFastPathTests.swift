import Foundation
import NGLinearAlgebra
import NGModels
import NGRandom
import NGTestSupport
import Testing

/// The training step's fast paths against direct formulas: activations on batches large enough
/// to run in parallel chunks, the Bernoulli likelihood's fused loss and output gradients (Float
/// through `FastMath`, Double through libm) against a Double reference with extreme logits, and
/// `ForwardPass.lossAndGradient` against the separate loss and gradient.
@Suite struct NetworkFastPathTests {
    /// 300×301 entries: more than two parallel chunks' worth, and not a multiple of the chunking.
    static let rows = 300, columns = 301

    static func logits<T: BLASScalar>(_: T.Type, rows: Int = rows, columns: Int = columns, seed: UInt64) -> Matrix<T> {
        // A spread of magnitudes, including saturated entries and exact zeros.
        var z: Matrix<T> = TestMatrices.gaussian(rows, columns, seed: seed).map { 3 * $0 }
        let extremes: [T] = [0, -0.0, 1e-30, -1e-30, 20, -20, 90, -90, 200, -200, 1e4, -1e4]
        for (index, value) in extremes.enumerated() { z.elements[index * 37] = value }
        return z
    }

    @Test("Float tanh, sigmoid and softplus equal FastMath entry by entry and libm within 6 and 3 ulp; Double equals libm")
    func activations() {
        let x = Self.logits(Float.self, seed: 1)
        let tanh = ActivationFunction.tanh.apply(x), sigmoid = ActivationFunction.sigmoid.apply(x)
        let softplus = ActivationFunction.softplus.apply(x)
        var worst = 0.0
        for i in x.elements.indices {
            let v = x.elements[i]
            #expect(tanh.elements[i] == FastMath.tanh(v))
            #expect(sigmoid.elements[i] == FastMath.logistic(v))
            let exact = Foundation.tanh(Double(v))
            worst = Swift.max(worst, NetworkFastMathTests.ulps(tanh.elements[i], exact))
            let softplusExact = Swift.max(Double(v), 0) + Foundation.log1p(Foundation.exp(-Swift.abs(Double(v))))
            #expect(Swift.abs(Double(softplus.elements[i]) - softplusExact) <= 3 * Double(Float(softplusExact).ulp) + 1e-38)
        }
        #expect(worst <= 6)
        let xd = Self.logits(Double.self, seed: 1)
        let tanhDouble = ActivationFunction.tanh.apply(xd)
        for i in xd.elements.indices { #expect(tanhDouble.elements[i] == Foundation.tanh(xd.elements[i])) }
    }

    @Test("activation derivatives on large batches equal the closed forms entry by entry", arguments: [ActivationFunction.tanh, .sigmoid, .relu, .softplus])
    func derivatives(function: ActivationFunction) throws {
        try check(Float.self, function)
        try check(Double.self, function)
        func check<T: BLASScalar>(_: T.Type, _ function: ActivationFunction) throws {
            let x = Self.logits(T.self, seed: 2)
            let y = function.apply(x)
            let d: Matrix<T> = TestMatrices.gaussian(Self.rows, Self.columns, seed: 3)
            let e: Matrix<T> = TestMatrices.gaussian(Self.rows, Self.columns, seed: 4)
            let first = function.derivativeProduct(input: x, output: y, d)
            let second = function.secondDerivativeProduct(input: x, output: y, d, e)
            for i in x.elements.indices {
                let (xi, yi, di, ei) = (x.elements[i], y.elements[i], d.elements[i], e.elements[i])
                let sigma = function == .softplus ? ActivationFunction.sigmoid.apply(try Matrix(rows: 1, columns: 1, elements: [xi])).elements[0] : 0
                let (expectedFirst, expectedSecond): (T, T?) = switch function {
                case .tanh: ((1 - yi * yi) * di, -2 * yi * (1 - yi * yi) * di * ei)
                case .sigmoid: (yi * (1 - yi) * di, yi * (1 - yi) * (1 - 2 * yi) * di * ei)
                case .relu: (xi > 0 ? di : 0, nil)
                case .softplus: (sigma * di, sigma * (1 - sigma) * di * ei)
                case .identity: (di, nil)
                }
                #expect(first.elements[i] == expectedFirst)
                if let expectedSecond { #expect(second?.elements[i] == expectedSecond) } else { #expect(second == nil) }
            }
        }
    }

    /// Σ softplus(z) − y·z per example and σ(z) − y, in Double from the Double values of the operands.
    static func bernoulliReference<T: BLASScalar>(_ z: Matrix<T>, _ y: Matrix<T>) -> (losses: [Double], gradients: [Double]) {
        var losses = [Double](repeating: 0, count: z.rows), gradients = [Double]()
        for i in 0..<z.rows {
            for j in 0..<z.columns {
                let (logit, target) = (Double(z[i, j]), Double(y[i, j]))
                losses[i] += Swift.max(logit, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(logit))) - target * logit
                gradients.append(1 / (1 + Foundation.exp(-logit)) - target)
            }
        }
        return (losses, gradients)
    }

    @Test("Bernoulli: the fused loss and scaled gradients, the per-example losses and the gradients match a Double reference")
    func bernoulli() throws {
        try check(Float.self, lossTolerance: 1e-5, gradientTolerance: 4e-7)
        try check(Double.self, lossTolerance: 1e-13, gradientTolerance: 1e-15)
        func check<T: BLASScalar>(_: T.Type, lossTolerance: Double, gradientTolerance: Double) throws {
            let z = Self.logits(T.self, rows: 120, columns: 784, seed: 5)
            // Pixel-like targets: mostly 0 or 1, some in between.
            var generator = SeededGenerator(seed: 6)
            let y = Matrix<T>(rows: 120, columns: 784) { _, _ in
                let u = generator.uniform()
                return u < 0.4 ? 0 : u < 0.8 ? 1 : T(generator.uniform())
            }
            let likelihood = BernoulliLikelihood<T>()
            let reference = Self.bernoulliReference(z, y)
            let meanReference = reference.losses.reduce(0, +) / 120
            let scale = T(1) / 120

            let (meanLoss, scaled) = try likelihood.lossAndOutputGradients(outputs: z, targets: y, gradientScale: scale)
            #expect(Swift.abs(Double(meanLoss) - meanReference) <= lossTolerance * Swift.abs(meanReference))
            let losses = try likelihood.negativeLogLikelihoods(outputs: z, targets: y)
            for i in 0..<120 { #expect(Swift.abs(Double(losses[i]) - reference.losses[i]) <= lossTolerance * Swift.abs(reference.losses[i])) }
            let gradients = try likelihood.outputGradients(outputs: z, targets: y)
            for k in z.elements.indices {
                #expect(Swift.abs(Double(gradients.elements[k]) - reference.gradients[k]) <= gradientTolerance)
                #expect(Swift.abs(Double(scaled.elements[k]) - reference.gradients[k] / 120) <= gradientTolerance / 120)
            }
            // The shape is checked.
            #expect(throws: NetworkError.self) {
                try likelihood.lossAndOutputGradients(outputs: z, targets: Matrix(rows: 120, columns: 3), gradientScale: 1)
            }
        }
    }

    @Test("ForwardPass.lossAndGradient equals meanLoss and lossGradient, for the fused (Bernoulli) and default (categorical) paths")
    func lossAndGradient() throws {
        try check(Float.self, BernoulliLikelihood<Float>(), tolerance: 1e-5)
        try check(Double.self, BernoulliLikelihood<Double>(), tolerance: 1e-13)
        try check(Float.self, CategoricalLikelihood<Float>(), tolerance: 1e-5)
        try check(Double.self, GaussianLikelihood<Double>(), tolerance: 1e-13)
        func check<T: BLASScalar, L: Likelihood>(_: T.Type, _ likelihood: L, tolerance: Double) throws where L.Scalar == T {
            let network = try Network<T>.multilayerPerceptron(sizes: [7, 9, 4], activation: .tanh)
            let parameters = NetworkFixtures.parameters(for: network, seed: 7)
            let inputs = NetworkFixtures.inputs(for: network, examples: 11, seed: 8)
            let pass = try network.forward(inputs, parameters: parameters)
            let targets = NetworkFixtures.targets(likelihood, outputs: pass.outputs, seed: 9)
            let (loss, gradient) = try pass.lossAndGradient(likelihood: likelihood, targets: targets)
            let separateLoss = try pass.meanLoss(likelihood: likelihood, targets: targets)
            let separateGradient = try pass.lossGradient(likelihood: likelihood, targets: targets)
            #expect(Swift.abs(Double(loss - separateLoss)) <= tolerance * Swift.max(1, Swift.abs(Double(separateLoss))))
            #expect(TestMatrices.maxDifference(gradient, separateGradient) <= tolerance * Swift.max(1, Double(separateGradient.maxMagnitude)))
            let whole = try network.lossAndGradient(inputs: inputs, targets: targets, parameters: parameters, likelihood: likelihood)
            #expect(whole.loss == loss && whole.gradient == gradient)
        }
    }
}
