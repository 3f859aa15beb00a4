import NGLinearAlgebra
import NGModels
import NGOptimizers
import Testing

@Suite("HessianFreeScratch") struct HessianFreeScratch {
    @Test func explore() throws {
        let makers: [(String, () throws -> any Optimizer<Double>)] = [
            ("hf", { try HessianFree<Double>() }),
            ("hf-l1e-3", { try HessianFree<Double>(settings: HessianFreeSettings(initialDamping: 1e-3)) }),
            ("ksd", { try KrylovSubspaceDescent<Double>() }),
            ("ksd-l1e-3", { try KrylovSubspaceDescent<Double>(settings: KrylovSubspaceDescentSettings(initialDamping: 1e-3)) }),
        ]
        for (name, make) in makers {
            var o = try make()
            let p = OptimizerTable.parabola()
            let r1 = try OptimizerTable.run(&o, on: p, steps: 2000) { try p.objective.loss(at: $0, batch: .all) < 1e-8 }
            o = try make()
            let n = try OptimizerTable.linearNetworkParabola()
            let r2 = try OptimizerTable.run(&o, on: n, steps: 2000) { try n.objective.loss(at: $0, batch: .all) < 1e-8 }
            o = try make()
            let rb = OptimizerTable.rosenbrock()
            let r3 = try OptimizerTable.run(&o, on: rb, steps: 5000) { ($0 - rb.minimum).norm < 1e-3 }
            print("TABLE", name, r1.steps, r1.problems, r2.steps, r2.problems, r3.steps, r3.problems, (r3.parameters - rb.minimum).norm)
        }
    }
}
