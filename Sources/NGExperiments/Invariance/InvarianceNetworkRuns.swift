import Foundation
import NGLinearAlgebra
import NGModels
import NGOptimizers

/// The optimizers `invariance` runs in both coordinate systems.
public enum InvarianceOptimizer: String, Sendable, CaseIterable {
    /// θ ← θ − α·∇J.
    case gradientDescent = "GD"
    /// θ ← θ − h·(F + λI)⁻¹∇J with the dense exact Fisher, tiny λ: Euler steps of the natural-gradient flow.
    case naturalGradient = "exact NGD"
    /// θ ← θ − h·(G ⊗ A + λI)⁻¹∇J per layer (exact expectation in G, exact damping).
    case kfac = "K-FAC"
}

/// The distance between two runs of the same optimizer on the same model in two coordinate
/// systems, step by step: the mean over the training inputs of KL(p_A(·|x) ‖ p_B(·|x)) between
/// the two runs' categorical predictive distributions (nats).
public struct InvarianceTrace: Sendable {
    /// The map ("per-weight rescaling", "affine input map", "Gaussian (μ, Σ) vs (μ, L)").
    public var map: String
    public var optimizer: InvarianceOptimizer
    /// The step size (learning rate) of both runs.
    public var stepSize: Double
    /// distances[t] after t steps (distances[0] = 0 up to rounding: both start at the same model).
    public var distances: [Double]
    /// The step at which either run stopped (a throw or a non-finite loss), nil when neither did.
    public var stoppedAtStep: Int?

    /// The distance after the last step both runs took.
    public var finalDistance: Double { distances.last ?? .nan }
}

/// Runs of a network model in its original coordinates and in reparameterized ones.
public enum InvarianceNetworkRuns {
    /// The optimizer of `kind` with step `h` and damping λ.
    public static func optimizer(_ kind: InvarianceOptimizer, stepSize h: Double, damping: Double) throws -> any Optimizer<Double> {
        let settings = NaturalGradientDescentSettings<Double>(learningRate: h, damping: damping, curvatureDecay: 0)
        switch kind {
        case .gradientDescent: return try FirstOrder.sgd(learningRate: h, as: Double.self)
        case .naturalGradient: return try NaturalGradientDescent(approximation: try ExactCurvatureApproximation<Double>(source: .exact), settings: settings)
        case .kfac:
            return try NaturalGradientDescent(approximation: try KFACApproximation<Double>(source: .exact, inverseMethod: .exactDamping), settings: settings)
        }
    }

    /// Runs `kind` for `steps` steps on A from θ_A and on B from θ_B (the same model), and
    /// measures the predictive KL after every step with the two output functions.
    public static func trace<A: Objective, B: Objective>(
        map: String, kind: InvarianceOptimizer, stepSize: Double, damping: Double, steps: Int,
        a: A, from startA: Vector<Double>, outputsA: (Vector<Double>) throws -> Matrix<Double>,
        b: B, from startB: Vector<Double>, outputsB: (Vector<Double>) throws -> Matrix<Double>
    ) throws -> InvarianceTrace where A.Scalar == Double, B.Scalar == Double {
        var pointsA = [Vector<Double>](), pointsB = [Vector<Double>]()
        let runA = try CurvatureTrainingPath.run(
            try optimizer(kind, stepSize: stepSize, damping: damping), label: kind.rawValue, objective: a, from: startA, steps: steps
        ) { _, theta in pointsA.append(theta) }
        let runB = try CurvatureTrainingPath.run(
            try optimizer(kind, stepSize: stepSize, damping: damping), label: kind.rawValue, objective: b, from: startB, steps: steps
        ) { _, theta in pointsB.append(theta) }
        let count = min(pointsA.count, pointsB.count)
        let distances = try (0..<count).map { t in
            try meanPredictiveKL(outputsA(pointsA[t]), outputsB(pointsB[t]))
        }
        let stopped = [runA.stoppedAtStep, runB.stoppedAtStep].compactMap { $0 }.min()
        return InvarianceTrace(map: map, optimizer: kind, stepSize: stepSize, distances: distances, stoppedAtStep: stopped)
    }

    /// The mean KL between the predictive distributions of two N×K output matrices: Bernoulli
    /// with logit z for K = 1, categorical with logits z (softmax) otherwise.
    public static func meanPredictiveKL(_ z: Matrix<Double>, _ zPrime: Matrix<Double>) throws -> Double {
        guard z.columns == 1 else { return try meanCategoricalKL(z, zPrime) }
        var total = 0.0
        for i in 0..<z.rows {
            // log σ(z) = −log(1 + e^(−z)), computed stably.
            func logSigmoid(_ x: Double) -> Double { x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x)) }
            let (a, b) = (z.elements[i], zPrime.elements[i])
            let p = exp(logSigmoid(a))
            total += p * (logSigmoid(a) - logSigmoid(b)) + (1 - p) * (logSigmoid(-a) - logSigmoid(-b))
        }
        return Swift.max(0, total / Double(z.rows))
    }

    /// (1/N)·Σᵢ KL(softmax(zᵢ) ‖ softmax(z′ᵢ)) for two N×K logit matrices.
    public static func meanCategoricalKL(_ z: Matrix<Double>, _ zPrime: Matrix<Double>) throws -> Double {
        let likelihood = CategoricalLikelihood<Double>()
        let logP = likelihood.logProbabilities(outputs: z), logQ = likelihood.logProbabilities(outputs: zPrime)
        var total = 0.0
        for index in logP.elements.indices {
            let p = exp(logP.elements[index])
            total += p * (logP.elements[index] - logQ.elements[index])
        }
        return Swift.max(0, total / Double(z.rows))
    }
}
