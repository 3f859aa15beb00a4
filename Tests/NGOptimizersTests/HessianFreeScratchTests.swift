import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import Testing

@Suite("HessianFreeScratch") struct HessianFreeScratch {
    @Test func explore() throws {
        let objective = try HessianFreeFixtures.logisticRegression(seed: 20)
        let optimum = try VarianceReducedTests.newtonOptimum(objective)
        for lr in [0.2, 0.3, 0.5, 0.8] {
            var svrg = try VarianceReducedOptimizer(HessianFreeFixtures.gradientDescent(lr))
            let e = try VarianceReducedTests.epochErrors(&svrg, objective: objective, optimum: optimum, epochs: 40)
            var sgd = HessianFreeFixtures.gradientDescent(lr)
            let f = try VarianceReducedTests.epochErrors(&sgd, objective: objective, optimum: optimum, epochs: 40)
            print("lr", lr, "svrg", stride(from: 0, to: 40, by: 5).map { e[$0] }, e.last!, "sgd", stride(from: 0, to: 40, by: 5).map { f[$0] })
        }
        let o2 = try HessianFreeFixtures.logisticRegression(seed: 21)
        let opt2 = try VarianceReducedTests.newtonOptimum(o2)
        for vr in [true, false] {
            var p = Vector<Double>(count: o2.parameterCount)
            var g = SeededGenerator(seed: 5)
            var base = try HessianFree<Double>(settings: HessianFreeSettings(initialDamping: 0.1))
            var opt = try VarianceReducedOptimizer(base, snapshotInterval: 8)
            var errs = [Double]()
            for step in 0..<64 {
                let batch = Array(g.permutation(o2.exampleCount).prefix(8))
                let r = vr ? try opt.step(&p, objective: o2, batch: .examples(batch)) : try base.step(&p, objective: o2, batch: .examples(batch))
                if step % 8 == 7 { errs.append((p - opt2).norm); print(vr, r.diagnostics.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")) }
            }
            print("HF vr", vr, errs)
        }
    }
}
