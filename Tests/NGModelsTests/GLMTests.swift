import Foundation
import NGLinearAlgebra
import NGModels
import NGRandom
import Testing

/// Batches for the four GLMs: inputs with an intercept column, parameters away from the optimum,
/// and targets drawn from the model at other parameters (so that the gradient is not zero).
enum GLMFixtures {
    static let rows = 36

    static func linear() throws -> (LinearRegression<Double>, Vector<Double>, Matrix<Double>, [Double]) {
        let model = try LinearRegression<Double>(inputDimension: 4, noiseVariance: 0.7)
        let x = StatisticalFixtures.design(rows: rows, features: 3, seed: 11)
        var rng = SeededGenerator(seed: 12)
        let y = try model.sampleTargets(parameters: StatisticalFixtures.vector(4, seed: 13), inputs: x, using: &rng)
        return (model, StatisticalFixtures.vector(4, scale: 0.5, seed: 14), x, y)
    }

    static func logistic() throws -> (LogisticRegression<Double>, Vector<Double>, Matrix<Double>, [Int]) {
        let model = try LogisticRegression<Double>(inputDimension: 4)
        let x = StatisticalFixtures.design(rows: rows, features: 3, seed: 21)
        var rng = SeededGenerator(seed: 22)
        let y = try model.sampleTargets(parameters: StatisticalFixtures.vector(4, seed: 23), inputs: x, using: &rng)
        return (model, StatisticalFixtures.vector(4, scale: 0.7, seed: 24), x, y)
    }

    static func poisson() throws -> (PoissonRegression<Double>, Vector<Double>, Matrix<Double>, [Int]) {
        let model = try PoissonRegression<Double>(inputDimension: 4)
        let x = StatisticalFixtures.design(rows: rows, features: 3, scale: 0.5, seed: 31)
        var rng = SeededGenerator(seed: 32)
        let y = try model.sampleTargets(parameters: StatisticalFixtures.vector(4, scale: 0.5, seed: 33), inputs: x, using: &rng)
        return (model, StatisticalFixtures.vector(4, scale: 0.4, seed: 34), x, y)
    }

    static func softmax(_ parameterization: SoftmaxParameterization) throws -> (SoftmaxRegression<Double>, Vector<Double>, Matrix<Double>, [Int]) {
        let model = try SoftmaxRegression<Double>(classCount: 4, inputDimension: 3, parameterization: parameterization)
        let x = StatisticalFixtures.design(rows: rows, features: 2, seed: 41)
        var rng = SeededGenerator(seed: 42)
        let y = try model.sampleTargets(parameters: StatisticalFixtures.vector(model.parameterCount, seed: 43), inputs: x, using: &rng)
        return (model, StatisticalFixtures.vector(model.parameterCount, scale: 0.6, seed: 44), x, y)
    }
}

/// Gradients, Hessians and the canonical-link identity F = ∇²L against central finite
/// differences; natural-gradient steps against least squares and Newton's method.
@Suite struct GLMDerivativeTests {
    /// ∇L against central differences of L, and ∇²L against central differences of ∇L.
    func checkDerivatives<M: GeneralizedLinearModel>(_ fixture: (M, Vector<Double>, Matrix<Double>, [M.Target])) throws
    where M.Scalar == Double {
        let (model, theta, x, y) = fixture
        let gradient = try model.gradient(parameters: theta, inputs: x, targets: y)
        let numericGradient = try StatisticalFiniteDifferences.gradient(at: theta) {
            try model.negativeLogLikelihood(parameters: $0, inputs: x, targets: y)
        }
        let gradientError = StatisticalFixtures.maxDifference(gradient, numericGradient)
        #expect(gradientError <= 1e-8 * StatisticalFixtures.scale(gradient), "\(model.modelName) gradient: \(gradientError)")

        let hessian = try model.hessian(parameters: theta, inputs: x, targets: y)
        let numericHessian = try StatisticalFiniteDifferences.hessian(at: theta) {
            try model.gradient(parameters: $0, inputs: x, targets: y)
        }
        let hessianError = StatisticalFixtures.maxDifference(hessian, numericHessian)
        #expect(hessianError <= 1e-8 * StatisticalFixtures.scale(hessian), "\(model.modelName) Hessian: \(hessianError)")
        #expect(hessian.asymmetry == 0, "\(model.modelName) Hessian must be exactly symmetric")

        // Per-example gradients average to the gradient, and their Gram matrix is the empirical Fisher.
        let perExample = try model.perExampleGradients(parameters: theta, inputs: x, targets: y)
        #expect(perExample.rows == x.rows && perExample.columns == model.parameterCount)
        for i in [0, x.rows / 2, x.rows - 1] {
            let single = try model.gradient(parameters: theta, inputs: StatisticalFixtures.rowBatch(x, i), targets: [y[i]])
            #expect(StatisticalFixtures.maxDifference(perExample.row(i), single) <= 1e-12 * StatisticalFixtures.scale(single))
        }
        let mean = Vector((0..<perExample.columns).map { j in (0..<perExample.rows).reduce(0.0) { $0 + perExample[$1, j] } / Double(x.rows) })
        #expect(StatisticalFixtures.maxDifference(mean, gradient) <= 1e-12 * StatisticalFixtures.scale(gradient))
        let empirical = try model.empiricalFisher(parameters: theta, inputs: x, targets: y)
        let naiveEmpirical = Matrix<Double>(rows: model.parameterCount, columns: model.parameterCount) { a, b in
            (0..<x.rows).reduce(0.0) { $0 + perExample[$1, a] * perExample[$1, b] } / Double(x.rows)
        }
        #expect(StatisticalFixtures.maxDifference(empirical, naiveEmpirical) <= 1e-12 * StatisticalFixtures.scale(naiveEmpirical))
    }

    @Test func linearRegressionDerivatives() throws { try checkDerivatives(GLMFixtures.linear()) }
    @Test func logisticRegressionDerivatives() throws { try checkDerivatives(GLMFixtures.logistic()) }
    @Test func poissonRegressionDerivatives() throws { try checkDerivatives(GLMFixtures.poisson()) }
    @Test func softmaxRegressionDerivatives() throws {
        try checkDerivatives(GLMFixtures.softmax(.full))
        try checkDerivatives(GLMFixtures.softmax(.lastClassPinned))
    }

    /// The NLL against −log p summed by hand from the textbook densities.
    @Test func negativeLogLikelihoodsMatchTheDensities() throws {
        let (linear, thetaL, xL, yL) = try GLMFixtures.linear()
        let naiveLinear = (0..<xL.rows).reduce(0.0) { sum, i in
            let r = yL[i] - StatisticalFixtures.dot(thetaL.elements, xL.row(i).elements)
            return sum + r * r / (2 * 0.7) + 0.5 * log(2 * Double.pi * 0.7)
        } / Double(xL.rows)
        #expect(abs(try linear.negativeLogLikelihood(parameters: thetaL, inputs: xL, targets: yL) - naiveLinear) <= 1e-12 * max(1, naiveLinear))

        let (logistic, thetaB, xB, yB) = try GLMFixtures.logistic()
        let naiveLogistic = (0..<xB.rows).reduce(0.0) { sum, i in
            let p = 1 / (1 + exp(-StatisticalFixtures.dot(thetaB.elements, xB.row(i).elements)))
            return sum - log(yB[i] == 1 ? p : 1 - p)
        } / Double(xB.rows)
        #expect(abs(try logistic.negativeLogLikelihood(parameters: thetaB, inputs: xB, targets: yB) - naiveLogistic) <= 1e-12 * max(1, naiveLogistic))

        let (poisson, thetaP, xP, yP) = try GLMFixtures.poisson()
        let naivePoisson = (0..<xP.rows).reduce(0.0) { sum, i in
            let rate = exp(StatisticalFixtures.dot(thetaP.elements, xP.row(i).elements))
            // −log(λʸe^(−λ)/y!) with y! by a product.
            let factorial = (0..<yP[i]).reduce(1.0) { $0 * Double($1 + 1) }
            return sum - log(pow(rate, Double(yP[i])) * exp(-rate) / factorial)
        } / Double(xP.rows)
        #expect(abs(try poisson.negativeLogLikelihood(parameters: thetaP, inputs: xP, targets: yP) - naivePoisson) <= 1e-12 * max(1, naivePoisson))

        for parameterization in [SoftmaxParameterization.full, .lastClassPinned] {
            let (softmax, thetaS, xS, yS) = try GLMFixtures.softmax(parameterization)
            let probabilities = GLMReference.softmaxProbabilities(softmax, thetaS, xS)
            let naiveSoftmax = (0..<xS.rows).reduce(0.0) { $0 - log(probabilities[$1][yS[$1]]) } / Double(xS.rows)
            let nll = try softmax.negativeLogLikelihood(parameters: thetaS, inputs: xS, targets: yS)
            #expect(abs(nll - naiveSoftmax) <= 1e-12 * max(1, naiveSoftmax), "\(parameterization)")
            let modelProbabilities = try softmax.probabilities(parameters: thetaS, inputs: xS)
            for i in 0..<xS.rows { for k in 0..<4 { #expect(abs(modelProbabilities[i, k] - probabilities[i][k]) <= 1e-14) } }
        }
    }

    /// For every canonical-link GLM the closed-form Fisher equals the Hessian of the NLL, here the
    /// finite-difference Hessian of the (separately checked) gradient, in both precisions.
    @Test(arguments: StatisticalFixtures.precisions)
    func fisherEqualsHessianForCanonicalLinks(_ type: any BLASScalar.Type) throws {
        try checkFisherEqualsHessian(type)
    }

    func checkFisherEqualsHessian<T: BLASScalar>(_: T.Type) throws {
        let tolerance = T.self == Float.self ? 2e-5 : 1e-8
        func check<M: GeneralizedLinearModel, N: GeneralizedLinearModel>(
            _ double: (M, Vector<Double>, Matrix<Double>, [M.Target]), _ precise: N, _ targets: [N.Target]
        ) throws where M.Scalar == Double, N.Scalar == T {
            let (model, theta, x, y) = double
            // Both precisions compute the same NLL and gradient (the Float targets of linear regression are rounded).
            let reference = try model.gradient(parameters: theta, inputs: x, targets: y)
            let gradient = try precise.gradient(parameters: theta.converted(to: T.self), inputs: x.converted(to: T.self), targets: targets)
            #expect(StatisticalFixtures.maxDifference(gradient, reference) <= tolerance * StatisticalFixtures.scale(reference), "\(T.self) \(model.modelName) gradient")
            let nll = try model.negativeLogLikelihood(parameters: theta, inputs: x, targets: y)
            let preciseNLL = try precise.negativeLogLikelihood(parameters: theta.converted(to: T.self), inputs: x.converted(to: T.self), targets: targets)
            #expect(abs(Double(preciseNLL) - nll) <= tolerance * max(1, abs(nll)), "\(T.self) \(model.modelName) NLL")
            let numericHessian = try StatisticalFiniteDifferences.hessian(at: theta) { try model.gradient(parameters: $0, inputs: x, targets: y) }
            let fisher = try precise.fisher(parameters: theta.converted(to: T.self), inputs: x.converted(to: T.self))
            let error = StatisticalFixtures.maxDifference(fisher, numericHessian)
            #expect(error <= tolerance * StatisticalFixtures.scale(numericHessian), "\(T.self) \(model.modelName): \(error)")
            // The Fisher does not depend on the targets: the Hessian with any targets is the same matrix.
            let hessian = try precise.hessian(parameters: theta.converted(to: T.self), inputs: x.converted(to: T.self), targets: targets)
            #expect(StatisticalFixtures.maxDifference(hessian, numericHessian) <= tolerance * StatisticalFixtures.scale(numericHessian))
        }
        let linear = try GLMFixtures.linear()
        try check(linear, LinearRegression<T>(inputDimension: 4, noiseVariance: 0.7), linear.3.map { T($0) })
        let logistic = try GLMFixtures.logistic()
        try check(logistic, LogisticRegression<T>(inputDimension: 4), logistic.3)
        let poisson = try GLMFixtures.poisson()
        try check(poisson, PoissonRegression<T>(inputDimension: 4), poisson.3)
        for parameterization in [SoftmaxParameterization.full, .lastClassPinned] {
            let softmax = try GLMFixtures.softmax(parameterization)
            try check(softmax, SoftmaxRegression<T>(classCount: 4, inputDimension: 3, parameterization: parameterization), softmax.3)
        }
    }

    /// For linear regression the undamped natural-gradient step from any θ lands on the
    /// least-squares solution: the normal equations XᵀXθ = Xᵀy solved by Cholesky, whose residual
    /// is orthogonal to the columns of X.
    @Test func linearRegressionNaturalGradientStepIsLeastSquares() throws {
        let (model, _, x, y) = try GLMFixtures.linear()
        let xtx = Matrix<Double>(rows: 4, columns: 4) { a, b in (0..<x.rows).reduce(0.0) { $0 + x[$1, a] * x[$1, b] } }
        let xty = Vector((0..<4).map { a in (0..<x.rows).reduce(0.0) { $0 + x[$1, a] * y[$1] } })
        let leastSquares = try Cholesky(xtx).solve(xty)
        let residual = (0..<x.rows).map { y[$0] - StatisticalFixtures.dot(leastSquares.elements, x.row($0).elements) }
        for a in 0..<4 {
            #expect(abs((0..<x.rows).reduce(0.0) { $0 + x[$1, a] * residual[$1] }) <= 1e-10, "least-squares residual ⟂ column \(a)")
        }
        for seed in [UInt64(1), 2, 3] {
            let start = StatisticalFixtures.vector(4, scale: 3, seed: seed)
            let step = try model.naturalGradient(parameters: start, inputs: x, targets: y)
            let landed = start - step
            #expect(StatisticalFixtures.maxDifference(landed, leastSquares) <= 1e-10 * StatisticalFixtures.scale(leastSquares), "start seed \(seed)")
        }
        // Damping shrinks the step: (F + λI)⁻¹∇ solves the damped system.
        let start = StatisticalFixtures.vector(4, seed: 9)
        let damped = try model.naturalGradient(parameters: start, inputs: x, targets: y, damping: 0.5)
        let fisher = try model.fisher(parameters: start, inputs: x)
        let gradient = try model.gradient(parameters: start, inputs: x, targets: y)
        #expect(StatisticalFixtures.maxDifference(fisher.addingToDiagonal(0.5) * damped, gradient) <= 1e-12 * StatisticalFixtures.scale(gradient))
    }

    /// Natural-gradient (= Newton) iteration on logistic regression reaches a zero gradient, at a
    /// point that random perturbations do not improve (a minimum), with quadratic convergence.
    @Test func logisticNaturalGradientIterationReachesZeroGradient() throws {
        let model = try LogisticRegression<Double>(inputDimension: 4)
        let x = StatisticalFixtures.design(rows: 300, features: 3, seed: 51)
        var rng = SeededGenerator(seed: 52)
        let y = try model.sampleTargets(parameters: Vector([1, -0.5, 0.8, 0.2]), inputs: x, using: &rng)
        var theta = Vector<Double>(count: 4)
        var norms: [Double] = []
        for _ in 0..<30 {
            let gradient = try model.gradient(parameters: theta, inputs: x, targets: y)
            norms.append(gradient.norm)
            if gradient.norm < 1e-13 { break }
            theta -= try model.naturalGradient(parameters: theta, inputs: x, targets: y)
        }
        #expect(norms.last! < 1e-13, "gradient norms \(norms)")
        #expect(norms.count <= 10, "Newton converges in a handful of steps: \(norms)")
        // Quadratic convergence: once small, each norm is at most about the square of the previous.
        // (Linear convergence at any useful rate would fail this for a previous norm below 1e-3.)
        for k in 1..<norms.count where norms[k - 1] < 1e-3 && norms[k] > 1e-14 {
            #expect(norms[k] <= 100 * norms[k - 1] * norms[k - 1], "step \(k): \(norms)")
        }
        let best = try model.negativeLogLikelihood(parameters: theta, inputs: x, targets: y)
        for seed in UInt64(60)..<UInt64(70) {
            let nearby = theta + StatisticalFixtures.vector(4, scale: 1e-3, seed: seed)
            #expect(try model.negativeLogLikelihood(parameters: nearby, inputs: x, targets: y) > best)
        }
    }

    /// The full softmax parameterization is flat along 1_K ⊗ v: the likelihood does not change,
    /// the gradient has no component there, and the Fisher annihilates it; the pinned one is the
    /// full one with the last row at zero, and its Fisher is positive definite.
    @Test func softmaxParameterizationsAndTheShiftDirection() throws {
        let (full, theta, x, y) = try GLMFixtures.softmax(.full)
        let d = 3, classes = 4
        let shift = Vector((0..<(classes * d)).map { [0.3, -1.1, 0.7][$0 % d] })
        let nll = try full.negativeLogLikelihood(parameters: theta, inputs: x, targets: y)
        #expect(abs(try full.negativeLogLikelihood(parameters: theta + shift, inputs: x, targets: y) - nll) <= 1e-12)
        let gradient = try full.gradient(parameters: theta, inputs: x, targets: y)
        #expect(abs(try gradient.dot(shift)) <= 1e-13)
        let fisher = try full.fisher(parameters: theta, inputs: x)
        #expect((fisher * shift).maxMagnitude <= 1e-13 * StatisticalFixtures.scale(fisher))
        let spectrum = try SymmetricEigendecomposition(fisher).eigenvalues
        #expect(spectrum[d - 1] <= 1e-13 && spectrum[d] > 1e-3, "d = \(d) zero eigenvalues: \(spectrum)")
        // The damped step solves (F + λI)x = g and stays orthogonal to the flat directions.
        let step = try full.naturalGradient(parameters: theta, inputs: x, targets: y, damping: 1e-3)
        #expect(StatisticalFixtures.maxDifference(fisher.addingToDiagonal(1e-3) * step, gradient) <= 1e-10)
        #expect(abs(try step.dot(shift)) <= 1e-9)

        // Pinned = full with the last weight row at zero.
        let pinned = try SoftmaxRegression<Double>(classCount: classes, inputDimension: d, parameterization: .lastClassPinned)
        let free = Vector(Array(theta.elements[0..<((classes - 1) * d)]))
        let padded = Vector(free.elements + [Double](repeating: 0, count: d))
        #expect(abs(try pinned.negativeLogLikelihood(parameters: free, inputs: x, targets: y)
            - full.negativeLogLikelihood(parameters: padded, inputs: x, targets: y)) <= 1e-14)
        let pinnedGradient = try pinned.gradient(parameters: free, inputs: x, targets: y)
        let fullGradient = try full.gradient(parameters: padded, inputs: x, targets: y)
        #expect(StatisticalFixtures.maxDifference(pinnedGradient, Vector(Array(fullGradient.elements[0..<free.count]))) <= 1e-15)
        let pinnedFisher = try pinned.fisher(parameters: free, inputs: x)
        let fullFisher = try full.fisher(parameters: padded, inputs: x)
        let leading = Matrix<Double>(rows: free.count, columns: free.count) { fullFisher[$0, $1] }
        #expect(StatisticalFixtures.maxDifference(pinnedFisher, leading) <= 1e-15)
        #expect(try SymmetricEigendecomposition(pinnedFisher).eigenvalues[0] > 1e-3)
        _ = try pinned.naturalGradient(parameters: free, inputs: x, targets: y)
    }

    /// Bad input is a thrown error naming the problem, never a crash.
    @Test func badInputIsAClearError() throws {
        let (logistic, theta, x, y) = try GLMFixtures.logistic()
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return "no error"
        }
        #expect(message { _ = try logistic.gradient(parameters: Vector([1, 2]), inputs: x, targets: y) }.contains("parameters has the wrong shape"))
        #expect(message { _ = try logistic.gradient(parameters: theta, inputs: x, targets: Array(y.dropLast())) }.contains("targets has the wrong shape"))
        #expect(message { _ = try logistic.gradient(parameters: theta, inputs: x, targets: [2] + y.dropFirst()) }.contains("target 0 is 2, expected a label 0 or 1"))
        var poisoned = x
        poisoned[3, 1] = .nan
        #expect(message { _ = try logistic.fisher(parameters: theta, inputs: poisoned) }.contains("inputs has a NaN or infinite entry at index 13"))
        #expect(message { _ = try logistic.fisher(parameters: theta, inputs: Matrix(rows: 0, columns: 4)) }.contains("the batch is empty"))
        #expect(message { _ = try logistic.naturalGradient(parameters: theta, inputs: x, targets: y, damping: -1) }.contains("damping must be finite and ≥ 0"))
        #expect(message { _ = try logistic.fisher(parameters: theta, inputs: Matrix(rows: 3, columns: 5)) }.contains("inputs has the wrong shape"))

        let (softmax, thetaS, xS, yS) = try GLMFixtures.softmax(.full)
        #expect(message { _ = try softmax.gradient(parameters: thetaS, inputs: xS, targets: [4] + yS.dropFirst()) }.contains("class index in 0..<4"))
        let (poisson, thetaP, xP, yP) = try GLMFixtures.poisson()
        #expect(message { _ = try poisson.gradient(parameters: thetaP, inputs: xP, targets: [-1] + yP.dropFirst()) }.contains("a count ≥ 0"))
        var rng = SeededGenerator(seed: 1)
        #expect(message { _ = try poisson.sampleTargets(parameters: Vector([0, 0, 0, 800]), inputs: xP, using: &rng) }.contains("too large to sample"))
        let (linear, thetaL, xL, yL) = try GLMFixtures.linear()
        #expect(message { _ = try linear.gradient(parameters: thetaL, inputs: xL, targets: [.infinity] + yL.dropFirst()) }.contains("a finite real number"))
        #expect(message { _ = try LinearRegression<Double>(inputDimension: 3, noiseVariance: 0) }.contains("noise variance must be finite and positive"))
        #expect(message { _ = try SoftmaxRegression<Double>(classCount: 1, inputDimension: 3) }.contains("class count must be at least 2"))
        // A rank-deficient design (a zero column) with no damping: a singular Fisher, reported.
        let repeated = Matrix<Double>(rows: 10, columns: 2) { i, j in j == 0 ? Double(i) : 0 }
        let singular = try LinearRegression<Double>(inputDimension: 2)
        #expect(message { _ = try singular.naturalGradient(parameters: Vector([0, 0]), inputs: repeated, targets: (0..<10).map(Double.init)) }
            .contains("not positive definite"))
    }
}

/// Reference probabilities computed by plain loops, independent of the models' kernels.
enum GLMReference {
    /// Row i: P(y = k | xᵢ) for k = 0..<K, with the pinned class's logit 0 when the model pins it.
    static func softmaxProbabilities(_ model: SoftmaxRegression<Double>, _ theta: Vector<Double>, _ x: Matrix<Double>) -> [[Double]] {
        let d = model.inputDimension, classes = model.classCount
        return (0..<x.rows).map { i in
            let logits = (0..<classes).map { k in
                k < model.weightRows ? StatisticalFixtures.dot(Array(theta.elements[(k * d)..<((k + 1) * d)]), x.row(i).elements) : 0
            }
            let exponentials = logits.map { exp($0) }
            let total = exponentials.reduce(0, +)
            return exponentials.map { $0 / total }
        }
    }
}
