import NGLinearAlgebra
import NGModels

/// Fitting a Gaussian N(μ, Σ) to data moments in two coordinate systems — (μ, vech Σ) and
/// (μ, vech L) with Σ = LLᵀ — with gradient descent and with natural-gradient descent, using the
/// closed-form gradients and Fisher informations of `NGModels` (``GaussianMeanCovariance``,
/// ``GaussianMeanCholesky``). The distance between the runs is KL(N_A ‖ N_B) between the two
/// fitted Gaussians after each step.
public enum InvarianceGaussianRuns {
    /// θ ← θ − h·u with u = ∇L (GD) or u = F⁻¹∇L (NGD, undamped), in both parameterizations from
    /// the same start distribution; a step leaving the domain (Σ not positive definite) ends both.
    /// - Throws: errors of the start distribution.
    public static func trace(
        kind: InvarianceOptimizer, stepSize h: Double, steps: Int, start: MultivariateGaussian, moments: GaussianMoments
    ) throws -> InvarianceTrace {
        precondition(kind != .kfac, "K-FAC needs layers; the Gaussian has none")
        let covariance = try GaussianMeanCovariance(dimension: start.dimension)
        let cholesky = try GaussianMeanCholesky(dimension: start.dimension)
        var a = try covariance.parameters(of: start), b = try cholesky.parameters(of: start)
        var distances = [0.0]
        var stopped: Int?
        for step in stride(from: 1, through: steps, by: 1) {
            do {
                let stepA = kind == .naturalGradient ? try covariance.naturalGradient(at: a, moments: moments) : try covariance.gradient(at: a, moments: moments)
                let stepB = kind == .naturalGradient ? try cholesky.naturalGradient(at: b, moments: moments) : try cholesky.gradient(at: b, moments: moments)
                try a.add(stepA, scaledBy: -h)
                try b.add(stepB, scaledBy: -h)
                let distance = try covariance.distribution(at: a).kullbackLeiblerDivergence(to: try cholesky.distribution(at: b))
                distances.append(Swift.max(0, distance))
            } catch {
                stopped = step
                break
            }
        }
        return InvarianceTrace(map: InvarianceExperiment.gaussianName, optimizer: kind, stepSize: h, distances: distances, stoppedAtStep: stopped)
    }
}
