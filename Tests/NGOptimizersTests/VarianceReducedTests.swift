import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGTestSupport
import Testing

/// SVRG's variance-reduced gradient: unbiased over minibatches, far less variable near the
/// snapshot, and with a constant step size converging linearly where plain SGD stalls.
@Suite("VarianceReduced: SVRG gradients and convergence")
struct VarianceReducedTests {
    /// The batches of a seeded partition of 0..<n into batches of `size` (n divisible by size).
    static func partition(_ n: Int, size: Int, seed: UInt64) -> [[Int]] {
        var generator = SeededGenerator(seed: seed)
        let order = generator.permutation(n)
        return stride(from: 0, to: n, by: size).map { Array(order[$0..<($0 + size)]) }
    }

    func checkUnbiased<T: BLASScalar>(_: T.Type) throws {
        let objective = try HessianFreeFixtures.linearRegression(examples: 40, features: 4, outputs: 2, seed: 3, as: T.self)
        let count = objective.parameterCount
        let snapshotParameters = Vector<T>(HessianFreeFixtures.gaussian(count, seed: 4))
        let parameters = Vector<T>(HessianFreeFixtures.gaussian(count, seed: 5))
        let reduced = try VarianceReducedObjective(base: objective, snapshot: VarianceReductionSnapshot(objective: objective, at: snapshotParameters))
        let batches = Self.partition(40, size: 5, seed: 6)
        var mean = Vector<Double>(count: count)
        for batch in batches {
            let estimate = try reduced.evaluate(at: parameters, batch: .examples(batch)).gradient
            try mean.add(estimate.converted(to: Double.self), scaledBy: 1 / Double(batches.count))
        }
        let full = try objective.evaluate(at: parameters, batch: .all).gradient.converted(to: Double.self)
        let scale = full.maxMagnitude
        #expect(TestMatrices.maxDifference(mean, full) <= (T.self == Float.self ? 1e-5 : 1e-13) * Swift.max(scale, 1))
        // At the snapshot itself every minibatch gives the full gradient.
        let atSnapshot = try reduced.evaluate(at: snapshotParameters, batch: .examples(batches[0])).gradient
        let fullAtSnapshot = try objective.evaluate(at: snapshotParameters, batch: .all).gradient
        #expect(TestMatrices.maxDifference(atSnapshot, fullAtSnapshot) <= (T.self == Float.self ? 1e-5 : 1e-13) * Swift.max(Double(fullAtSnapshot.maxMagnitude), 1))
        // The loss estimate Ĵ_B averages to J(θ) as well, and equals `loss(at:batch:)`.
        var meanLoss = 0.0
        for batch in batches {
            let point = try reduced.evaluate(at: parameters, batch: .examples(batch))
            meanLoss += Double(point.loss) / Double(batches.count)
            #expect(point.loss == (try reduced.loss(at: parameters, batch: .examples(batch))))
        }
        let fullLoss = Double(try objective.loss(at: parameters, batch: .all))
        #expect(Swift.abs(meanLoss - fullLoss) <= (T.self == Float.self ? 1e-5 : 1e-13) * Swift.max(fullLoss, 1))
        // Curvature is the minibatch's at θ, unchanged; on the full batch nothing changes at all.
        let plain = try objective.evaluate(at: parameters, batch: .examples(batches[1]))
        let wrapped = try reduced.evaluate(at: parameters, batch: .examples(batches[1]))
        #expect(wrapped.base.loss == plain.loss)
        let v = Vector<T>(HessianFreeFixtures.gaussian(count, seed: 7))
        #expect(try wrapped.curvatureProduct(.ggn, v, samples: 1, seed: 0) == plain.curvatureProduct(.ggn, v, samples: 1, seed: 0))
        let whole = try reduced.evaluate(at: parameters, batch: .all)
        #expect(whole.gradient == (try objective.evaluate(at: parameters, batch: .all).gradient))
        #expect(whole.loss == (try objective.loss(at: parameters, batch: .all)))
    }

    @Test("the corrected minibatch loss has the variance-reduced gradient as its gradient (finite differences)")
    func lossMatchesGradient() throws {
        let objective = try HessianFreeFixtures.logisticRegression(seed: 14)
        let count = objective.parameterCount
        let snapshotParameters = Vector(HessianFreeFixtures.gaussian(count, seed: 15, as: Double.self))
        let parameters = Vector(HessianFreeFixtures.gaussian(count, seed: 16, as: Double.self))
        let reduced = try VarianceReducedObjective(base: objective, snapshot: VarianceReductionSnapshot(objective: objective, at: snapshotParameters))
        let batch = Batch.examples([1, 5, 9, 30])
        let direction = Vector(HessianFreeFixtures.gaussian(count, seed: 17, as: Double.self))
        let h = 1e-5
        let slope = (try reduced.loss(at: parameters + h * direction, batch: batch) - reduced.loss(at: parameters - h * direction, batch: batch)) / (2 * h)
        let gradient = try reduced.evaluate(at: parameters, batch: batch).gradient
        #expect(Swift.abs(slope - (try gradient.dot(direction))) <= 1e-7 * Swift.max(1, Swift.abs(slope)))
        // …which differs from the plain minibatch gradient's slope.
        let plainSlope = try objective.evaluate(at: parameters, batch: batch).gradient.dot(direction)
        #expect(Swift.abs(slope - plainSlope) > 1e-3)
    }

    @Test("the variance-reduced gradient averaged over a partition into minibatches is the full gradient")
    func unbiased() throws {
        try checkUnbiased(Double.self)
        try checkUnbiased(Float.self)
    }

    @Test("near the snapshot its variance across minibatches is far below the plain minibatch gradient's")
    func varianceReduction() throws {
        let objective = try HessianFreeFixtures.logisticRegression(seed: 10)
        let count = objective.parameterCount
        let snapshotParameters = Vector(HessianFreeFixtures.gaussian(count, seed: 11, as: Double.self))
        var parameters = snapshotParameters
        try parameters.add(Vector(HessianFreeFixtures.gaussian(count, seed: 12)), scaledBy: 0.01)
        let reduced = try VarianceReducedObjective(base: objective, snapshot: VarianceReductionSnapshot(objective: objective, at: snapshotParameters))
        let full = try objective.evaluate(at: parameters, batch: .all).gradient
        var plainVariance = 0.0
        var reducedVariance = 0.0
        let batches = Self.partition(objective.exampleCount, size: 4, seed: 13)
        for batch in batches {
            let plain = try objective.evaluate(at: parameters, batch: .examples(batch)).gradient - full
            let estimate = try reduced.evaluate(at: parameters, batch: .examples(batch)).gradient - full
            plainVariance += try plain.dot(plain) / Double(batches.count)
            reducedVariance += try estimate.dot(estimate) / Double(batches.count)
        }
        // The estimate's deviation is (H_B − H)(θ − θ̃) + O(‖θ − θ̃‖²), of order 0.01 of the
        // plain deviation: the variance ratio is of order 10⁻⁴.
        #expect(plainVariance > 0)
        #expect(reducedVariance < 1e-3 * plainVariance, "variance: reduced \(reducedVariance), plain \(plainVariance)")
    }

    /// The minimizer by Newton's method on the full data, with the dense Hessian and Cholesky.
    static func newtonOptimum(_ objective: NetworkObjective<Double, BernoulliLikelihood<Double>>) throws -> Vector<Double> {
        var parameters = Vector<Double>(count: objective.parameterCount)
        for _ in 0..<50 {
            let point = try objective.evaluate(at: parameters, batch: .all)
            let newtonStep = try Cholesky(try point.denseCurvature(.hessian, samples: 1, seed: 0)).solve(point.gradient)
            try parameters.add(newtonStep, scaledBy: -1)
            if newtonStep.norm < 1e-15 { break }
        }
        return parameters
    }

    /// ‖θ − θ*‖ after every epoch of minibatch steps (batch 4, a fresh seeded permutation each epoch).
    static func epochErrors<Opt: Optimizer>(
        _ optimizer: inout Opt, objective: NetworkObjective<Double, BernoulliLikelihood<Double>>, optimum: Vector<Double>, epochs: Int,
        batchSize: Int = 4
    ) throws -> [Double] where Opt.Scalar == Double {
        var parameters = Vector<Double>(count: objective.parameterCount)
        var generator = SeededGenerator(seed: 99)
        var errors = [Double]()
        for _ in 0..<epochs {
            let order = generator.permutation(objective.exampleCount)
            for start in stride(from: 0, to: order.count, by: batchSize) {
                _ = try optimizer.step(&parameters, objective: objective, batch: .examples(Array(order[start..<(start + batchSize)])))
            }
            errors.append((parameters - optimum).norm)
        }
        return errors
    }

    @Test("SGD with SVRG converges linearly to the optimum of L2 logistic regression; plain SGD with the same step stalls")
    func svrgConvergesWhereSGDStalls() throws {
        let objective = try HessianFreeFixtures.logisticRegression(seed: 20)
        let optimum = try Self.newtonOptimum(objective)
        #expect(try objective.evaluate(at: optimum, batch: .all).gradient.norm < 1e-12)
        let learningRate = 0.3
        var svrg = try VarianceReducedOptimizer(HessianFreeFixtures.gradientDescent(learningRate))
        let svrgErrors = try Self.epochErrors(&svrg, objective: objective, optimum: optimum, epochs: 40)
        var sgd = HessianFreeFixtures.gradientDescent(learningRate)
        let sgdErrors = try Self.epochErrors(&sgd, objective: objective, optimum: optimum, epochs: 40)

        #expect(svrgErrors.last! < 1e-12, "SVRG errors per epoch: \(svrgErrors)")
        // Linear convergence: every five passes the error falls at least tenfold, until rounding.
        for epoch in stride(from: 0, to: 35, by: 5) where svrgErrors[epoch] > 1e-11 {
            #expect(svrgErrors[epoch + 5] < 0.1 * svrgErrors[epoch], "epochs \(epoch)→\(epoch + 5): \(svrgErrors[epoch]) → \(svrgErrors[epoch + 5])")
        }
        // Plain SGD with the same step hovers at its noise floor: far from θ*, no better at the end than midway.
        #expect(sgdErrors.suffix(20).min()! > 1e-3, "SGD errors per epoch: \(sgdErrors)")
        #expect(sgdErrors.last! > 0.1 * sgdErrors[19])
    }

    @Test("wrapped around Hessian-free on minibatches, SVRG converges to the optimum where plain HF stalls; snapshots every m steps")
    func wrapsPreconditionedOptimizer() throws {
        // Minibatch HF with a fixed λ = 1: each step preconditions with the damped Gauss–Newton
        // matrix of 8 examples. (With Levenberg–Marquardt adaptation the variance-reduced loss is
        // modelled so well that λ falls towards 0 and each step fully minimizes one minibatch's
        // objective, which does not converge; a fixed λ or a damping floor is needed.)
        let objective = try HessianFreeFixtures.logisticRegression(seed: 21)
        let optimum = try Self.newtonOptimum(objective)
        let hessianFree = try HessianFree<Double>(settings: HessianFreeSettings(initialDamping: 1, dampingAdaptation: nil))
        var reduced = try VarianceReducedOptimizer(hessianFree, snapshotInterval: 8)
        var plain = hessianFree
        #expect(reduced.name == "svrg-hessian-free")
        var reducedParameters = Vector<Double>(count: objective.parameterCount)
        var plainParameters = reducedParameters
        var generator = SeededGenerator(seed: 5)
        var refreshes = [Int]()
        var plainErrors = [Double]()
        for step in 0..<128 {
            let batch = Batch.examples(Array(generator.permutation(objective.exampleCount).prefix(8)))
            let report = try reduced.step(&reducedParameters, objective: objective, batch: batch)
            if report.diagnostics["snapshot_refreshed"] == 1 { refreshes.append(step) }
            _ = try plain.step(&plainParameters, objective: objective, batch: batch)
            plainErrors.append((plainParameters - optimum).norm)
        }
        #expect(refreshes == Array(stride(from: 0, to: 128, by: 8)))
        #expect((reducedParameters - optimum).norm < 1e-8)
        #expect(plainErrors.suffix(64).min()! > 1e-2)
        #expect(throws: OptimizerError.self) { try VarianceReducedOptimizer(HessianFreeFixtures.gradientDescent(0.1), snapshotInterval: 0) }
    }
}
