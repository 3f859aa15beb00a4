import Foundation
import NGLinearAlgebra
import NGModels
import Testing

/// Gradient flows dθ/dt = −F⁻¹∇L (natural) or −∇L (plain) integrated in a parameterization, with
/// the path mapped back to distributions.
enum GaussianFlow {
    enum Direction { case natural, plain }
    enum Scheme { case euler, rungeKutta4 }

    /// The distributions at `checkpoints` evenly spaced times up to step·steps (the last one included).
    static func path<P: GaussianParameterization>(
        _ p: P, from start: MultivariateGaussian, moments: GaussianMoments, step: Double, steps: Int,
        direction: Direction, scheme: Scheme, checkpoints: Int = 5
    ) throws -> [MultivariateGaussian] {
        func velocity(_ theta: Vector<Double>) throws -> Vector<Double> {
            -(direction == .natural ? try p.naturalGradient(at: theta, moments: moments) : try p.gradient(at: theta, moments: moments))
        }
        precondition(steps % checkpoints == 0, "steps must be a multiple of the checkpoints")
        var theta = try p.parameters(of: start)
        var out: [MultivariateGaussian] = []
        for n in 1...steps {
            switch scheme {
            case .euler:
                theta += step * (try velocity(theta))
            case .rungeKutta4:
                let k1 = try velocity(theta)
                let k2 = try velocity(theta + (step / 2) * k1)
                let k3 = try velocity(theta + (step / 2) * k2)
                let k4 = try velocity(theta + step * k3)
                theta += (step / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
            }
            if n % (steps / checkpoints) == 0 { out.append(try p.distribution(at: theta)) }
        }
        return out
    }

    /// The exact natural-gradient flow, the same in every parameterization: with δ₀ = μ₀ − x̄,
    /// μ(t) = x̄ + δ₀e^(−t) and Σ(t) = S + (Σ₀ − S)e^(−t) + δ₀δ₀ᵀ(e^(−t) − e^(−2t)), which solves
    /// dμ/dt = x̄ − μ, dΣ/dt = S + (x̄ − μ)(x̄ − μ)ᵀ − Σ (the closed-form (μ, Σ) natural gradient).
    static func exactNaturalPath(from start: MultivariateGaussian, moments: GaussianMoments, times: [Double]) throws -> [MultivariateGaussian] {
        let d = start.dimension
        let delta = (0..<d).map { start.mean[$0] - moments.mean[$0] }
        return try times.map { t in
            let decay = exp(-t)
            let mean = Vector((0..<d).map { moments.mean[$0] + delta[$0] * decay })
            let covariance = Matrix<Double>(rows: d, columns: d) { i, j in
                moments.covariance[i, j] + (start.covariance[i, j] - moments.covariance[i, j]) * decay
                    + delta[i] * delta[j] * (decay - decay * decay)
            }
            return try MultivariateGaussian(mean: mean, covariance: covariance)
        }
    }

    /// The largest difference of means and covariances between two paths, over their checkpoints.
    static func gap(_ a: [MultivariateGaussian], _ b: [MultivariateGaussian]) -> Double {
        precondition(a.count == b.count)
        return zip(a, b).reduce(0.0) { worst, pair in
            max(worst, StatisticalFixtures.maxDifference(pair.0.mean, pair.1.mean), StatisticalFixtures.maxDifference(pair.0.covariance, pair.1.covariance))
        }
    }
}

/// The invariance of the natural-gradient flow (Amari 1998): integrated in (μ, Σ), (μ, L) and the
/// natural parameters from the same start, the three paths of distributions coincide up to the
/// integrator's error — O(h) for forward Euler, halving with the step, O(h⁴) for Runge–Kutta — and
/// all follow the exact solution; the plain-gradient paths differ by O(1).
@Suite struct GaussianFlowTests {
    static let horizon = 0.5

    static func setting() throws -> (start: MultivariateGaussian, moments: GaussianMoments) {
        let start = try MultivariateGaussian(mean: Vector([1.5, -1]), covariance: Matrix([[2, 0.6], [0.6, 0.8]]))
        let moments = try GaussianMoments(mean: Vector([-0.5, 0.7]), covariance: Matrix([[0.6, -0.3], [-0.3, 1.4]]))
        return (start, moments)
    }

    static func naturalPaths(step: Double, scheme: GaussianFlow.Scheme) throws -> [[MultivariateGaussian]] {
        let (start, moments) = try setting()
        let steps = Int((horizon / step).rounded())
        return [
            try GaussianFlow.path(GaussianMeanCovariance(dimension: 2), from: start, moments: moments, step: step, steps: steps, direction: .natural, scheme: scheme),
            try GaussianFlow.path(GaussianMeanCholesky(dimension: 2), from: start, moments: moments, step: step, steps: steps, direction: .natural, scheme: scheme),
            try GaussianFlow.path(GaussianNaturalParameters(dimension: 2), from: start, moments: moments, step: step, steps: steps, direction: .natural, scheme: scheme),
        ]
    }

    static func exact() throws -> [MultivariateGaussian] {
        let (start, moments) = try setting()
        return try GaussianFlow.exactNaturalPath(from: start, moments: moments, times: (1...5).map { horizon * Double($0) / 5 })
    }

    @Test func eulerNaturalGradientPathsCoincideUpToTheStep() throws {
        let exact = try Self.exact()
        let coarse = try Self.naturalPaths(step: 2e-3, scheme: .euler)
        let fine = try Self.naturalPaths(step: 1e-3, scheme: .euler)
        let names = ["(μ, Σ)", "(μ, L)", "natural"]
        for a in 0..<3 {
            // Each path against the exact flow: first-order error.
            let coarseError = GaussianFlow.gap(coarse[a], exact), fineError = GaussianFlow.gap(fine[a], exact)
            // Forward Euler's global error is C·h with C of order one here (about 3 for these paths).
            #expect(fineError <= 5e-3, "\(names[a]) vs exact: \(fineError)")
            #expect(coarseError / fineError > 1.8 && coarseError / fineError < 2.2, "\(names[a]) vs exact: \(coarseError) → \(fineError)")
            for b in (a + 1)..<3 {
                let coarseGap = GaussianFlow.gap(coarse[a], coarse[b]), fineGap = GaussianFlow.gap(fine[a], fine[b])
                #expect(fineGap <= 5e-3, "\(names[a]) vs \(names[b]): \(fineGap)")
                #expect(coarseGap / fineGap > 1.8 && coarseGap / fineGap < 2.2, "\(names[a]) vs \(names[b]): \(coarseGap) → \(fineGap)")
            }
        }
    }

    @Test func rungeKuttaNaturalGradientPathsCoincideToFourthOrder() throws {
        let exact = try Self.exact()
        let coarse = try Self.naturalPaths(step: 0.05, scheme: .rungeKutta4)
        let fine = try Self.naturalPaths(step: 0.025, scheme: .rungeKutta4)
        for a in 0..<3 {
            let coarseError = GaussianFlow.gap(coarse[a], exact), fineError = GaussianFlow.gap(fine[a], exact)
            // At a 25 times larger step than the Euler test, a gap 100 times smaller.
            #expect(fineError <= 1e-4, "path \(a) vs exact: \(fineError)")
            #expect(coarseError / fineError > 10 && coarseError / fineError < 22, "path \(a): \(coarseError) → \(fineError) (expected ×16)")
            for b in (a + 1)..<3 { #expect(GaussianFlow.gap(fine[a], fine[b]) <= 1e-4) }
        }
    }

    /// The same Euler integration of the plain gradient flow in (μ, Σ) and (μ, L): the paths of
    /// distributions differ by O(1), far more than the natural-gradient paths' O(h) gap.
    @Test func plainGradientPathsDependOnTheParameterization() throws {
        let (start, moments) = try Self.setting()
        let step = 1e-3, steps = Int((Self.horizon / step).rounded())
        let sigmaPath = try GaussianFlow.path(GaussianMeanCovariance(dimension: 2), from: start, moments: moments, step: step, steps: steps, direction: .plain, scheme: .euler)
        let choleskyPath = try GaussianFlow.path(GaussianMeanCholesky(dimension: 2), from: start, moments: moments, step: step, steps: steps, direction: .plain, scheme: .euler)
        let plainGap = GaussianFlow.gap(sigmaPath, choleskyPath)
        let natural = try Self.naturalPaths(step: step, scheme: .euler)
        let naturalGap = GaussianFlow.gap(natural[0], natural[1])
        #expect(plainGap > 0.05, "plain-gradient gap \(plainGap)")
        #expect(plainGap > 100 * naturalGap, "plain \(plainGap) vs natural \(naturalGap)")
    }
}
