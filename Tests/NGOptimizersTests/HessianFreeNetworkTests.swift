import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGTestSupport
import Testing

/// Hessian-free optimization on networks: faster per step than gradient descent, curvature
/// minibatches, the diagonal preconditioner, Float runs.
@Suite("HessianFree: networks, curvature batches, preconditioner")
struct HessianFreeNetworkTests {
    @Test("on a small tanh classifier HF lowers the loss faster per step than the best-tuned gradient descent")
    func fasterPerStepThanSGD() throws {
        let (objective, start) = try HessianFreeFixtures.blobClassifier(seed: 31, as: Double.self)
        let steps = 15
        var hessianFree = try HessianFree<Double>()
        let hfLosses = try HessianFreeFixtures.losses(&hessianFree, objective: objective, start: start, steps: steps)
        var bestSGD = Double.infinity
        for learningRate in [0.03, 0.1, 0.3, 1, 3] as [Double] {
            var sgd = HessianFreeFixtures.gradientDescent(learningRate)
            let final = try HessianFreeFixtures.losses(&sgd, objective: objective, start: start, steps: steps).last!
            if final.isFinite { bestSGD = Swift.min(bestSGD, final) }
        }
        let initial = try objective.loss(at: start, batch: .all)
        // With the line search every accepted step lowers the loss (a rejected one keeps it).
        for (before, after) in zip([initial] + hfLosses, hfLosses) { #expect(after <= before) }
        #expect(hfLosses.last! < bestSGD, "HF \(hfLosses.last!) vs best SGD \(bestSGD) after \(steps) steps")
        // HF gets to gradient descent's 15-step loss in at most half as many steps.
        let stepsToMatch = try #require(hfLosses.firstIndex { $0 <= bestSGD }) + 1
        #expect(stepsToMatch <= steps / 2, "HF needs \(stepsToMatch) steps to reach SGD's \(steps)-step loss")
    }

    @Test("HF trains in Float too")
    func floatNetwork() throws {
        let (objective, start) = try HessianFreeFixtures.blobClassifier(seed: 32, as: Float.self)
        var optimizer = try HessianFree<Float>()
        let losses = try HessianFreeFixtures.losses(&optimizer, objective: objective, start: start, steps: 10)
        let initial = Double(try objective.loss(at: start, batch: .all))
        #expect(losses.allSatisfy { $0.isFinite })
        #expect(losses.last! < 0.5 * initial)
    }

    @Test("HF with minibatches and a curvature subset lowers the full-data loss")
    func minibatchesWithCurvatureSubset() throws {
        let (objective, start) = try HessianFreeFixtures.blobClassifier(seed: 33, l2: 1e-3, as: Double.self)
        var optimizer = try HessianFree<Double>(settings: HessianFreeSettings(curvatureBatchFraction: 0.5, preconditionerExponent: 0.75, seed: 7))
        var generator = SeededGenerator(seed: 9)
        var parameters = start
        for _ in 0..<20 {
            let batch = Array(generator.permutation(objective.exampleCount).prefix(40))
            let report = try optimizer.step(&parameters, objective: objective, batch: .examples(batch))
            #expect(report.diagnostics["curvature_batch_size"] == 20)
        }
        #expect(try objective.loss(at: parameters, batch: .all) < 0.5 * (try objective.loss(at: start, batch: .all)))
    }

    @Test("the curvature minibatch is a seeded subset of the gradient batch of the requested size")
    func curvatureMinibatchSelection() throws {
        let batch = Batch.examples([3, 8, 15, 16, 23, 42, 50, 77])
        let subset = try CurvatureMinibatch.select(from: batch, exampleCount: 100, fraction: 0.25, seed: 1)
        guard case let .examples(chosen) = subset else {
            Issue.record("expected a list of examples")
            return
        }
        #expect(chosen.count == 2)
        #expect(Set(chosen).isSubset(of: [3, 8, 15, 16, 23, 42, 50, 77]))
        #expect(Set(chosen).count == chosen.count)
        #expect(try CurvatureMinibatch.select(from: batch, exampleCount: 100, fraction: 0.25, seed: 1) == subset)
        // Different seeds draw different subsets (a handful of seeds cannot all collide).
        let draws = try Set((0..<8).map { seed -> [Int] in
            guard case let .examples(e) = try CurvatureMinibatch.select(from: batch, exampleCount: 100, fraction: 0.25, seed: UInt64(seed)) else { return [] }
            return e
        })
        #expect(draws.count > 1)

        guard case let .examples(fromAll) = try CurvatureMinibatch.select(from: .all, exampleCount: 10, fraction: 0.5, seed: 2) else {
            Issue.record("expected a list of examples")
            return
        }
        #expect(fromAll.count == 5 && Set(fromAll).count == 5 && fromAll.allSatisfy { (0..<10).contains($0) })
        #expect(try CurvatureMinibatch.select(from: batch, exampleCount: 100, fraction: 1, seed: 3) == batch)
        #expect(throws: OptimizerError.self) { try CurvatureMinibatch.select(from: batch, exampleCount: 100, fraction: 1.5, seed: 0) }
    }

    func checkPreconditioner<T: BLASScalar>(_: T.Type) throws {
        let gradients = TestMatrices.gaussian(7, 5, seed: 12, as: T.self)
        let damping: T = 0.3
        let preconditioner = try MartensDiagonalPreconditioner(perExampleGradients: gradients, damping: damping, exponent: 0.75)
        let r = TestMatrices.gaussianVector(5, seed: 13, as: T.self)
        let z = preconditioner.apply(r)
        for j in 0..<5 {
            var meanSquare = 0.0
            for i in 0..<7 { meanSquare += Double(gradients[i, j]) * Double(gradients[i, j]) }
            meanSquare /= 7
            let expected = Double.pow(meanSquare + Double(damping), 0.75)
            let tolerance = T.self == Float.self ? 1e-5 : 1e-13
            #expect(Swift.abs(Double(preconditioner.diagonal[j]) - expected) <= tolerance * expected)
            #expect(Swift.abs(Double(z[j]) - Double(r[j]) / expected) <= tolerance * Swift.abs(Double(r[j]) / expected) + tolerance)
        }
    }

    @Test("the diagonal preconditioner is (mean gᵢ² + λ)^ξ and applies its inverse")
    func preconditionerFormula() throws {
        try checkPreconditioner(Double.self)
        try checkPreconditioner(Float.self)
        // A zero column with λ = 0 is left unpreconditioned instead of dividing by zero.
        let zeroColumn = try Matrix<Double>([[1, 0], [2, 0]])
        let preconditioner = try MartensDiagonalPreconditioner(perExampleGradients: zeroColumn, damping: 0)
        #expect(preconditioner.diagonal[1] == 1)
        #expect(throws: OptimizerError.self) { try MartensDiagonalPreconditioner(perExampleGradients: zeroColumn, damping: -1) }
    }
}
