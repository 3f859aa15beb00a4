import NGLinearAlgebra
import NGOptimizers

/// Undamped Newton's method, θ ← θ − H⁻¹·∇J, solved through H's eigendecomposition so that an
/// indefinite Hessian is used as it is (Q·diag(1/μᵢ)·Qᵀ). It steps to the stationary point of
/// the local quadratic model whatever its kind, so near a saddle point it is attracted to the
/// saddle (Dauphin et al. 2014, "Identifying and attacking the saddle point problem") — the
/// behaviour the package's damped ``Newton`` (which rejects steps that raise J) avoids. Shown
/// in the landscape experiment for that contrast; not an optimizer to train with.
struct LandscapePureNewton: Optimizer {
    typealias Scalar = Double
    var name: String { "newton (undamped)" }

    mutating func step<O: Objective>(_ parameters: inout Vector<Double>, objective: O, batch: Batch) throws -> StepReport
    where O.Scalar == Double {
        let point = try objective.evaluate(at: parameters, batch: batch)
        let hessian = try point.denseCurvature(.hessian, samples: 1, seed: 0)
        let decomposition = try SymmetricEigendecomposition(hessian)
        let q = decomposition.eigenvectors
        var projected = try q.multiplied(by: point.gradient, transposingSelf: true)
        for i in 0..<projected.count {
            let mu = decomposition.eigenvalues[i]
            guard mu != 0 else { throw OptimizerError.nonFinite("undamped Newton: the Hessian is singular") }
            projected[i] /= mu
        }
        let step = try q.multiplied(by: projected)
        try parameters.add(step, scaledBy: -1)
        return StepReport(loss: Double(point.loss))
    }
}
