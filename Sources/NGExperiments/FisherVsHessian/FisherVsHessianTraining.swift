import NGLinearAlgebra
import NGModels
import NGOptimizers

/// The training half of `fisher-vs-hessian`: the same model from the same start, full batch,
/// with natural-gradient descent (the exact Fisher), Newton's method (the Hessian) and Adam.
///
/// - NGD: Δ = −(F + λI)⁻¹∇J with the dense exact Fisher of the current point (no averaging),
///   λ adapted by Levenberg–Marquardt every step, and for networks a KL trust region
///   ½ΔᵀFΔ ≤ δ (Martens & Grosse 2015, §6.5; Ba, Grosse & Martens 2017) so that the unit step
///   cannot jump across the landscape while λ is still adapting.
/// - Newton: the package's damped Newton (``Newton``): Δ = −(H + λI)⁻¹∇J with the dense
///   Hessian; an indefinite H + λI fails to factor and a step that raises J is rejected, and λ
///   grows until both pass — the Levenberg–Marquardt treatment of negative curvature.
/// - Adam: Kingma & Ba's defaults with the given learning rate, `adamStepFactor` times as many
///   (cheap) steps.
public struct FisherVsHessianTraining: Sendable {
    /// The three runs, NGD, Newton, Adam.
    public var paths: [CurvatureTrainingPath]

    /// Trains `objective` from `initial` with the three optimizers.
    /// - Parameters:
    ///   - steps: NGD and Newton steps.
    ///   - adamSteps: Adam steps.
    ///   - adamLearningRate: α of Adam.
    ///   - ngdDamping: λ₀ of NGD (and of Newton).
    ///   - klBound: δ of NGD's trust region, nil for none.
    /// - Throws: errors of setting the optimizers up or of evaluating the start.
    public init<L: Likelihood>(
        objective: NetworkObjective<Double, L>, initial: Vector<Double>, steps: Int, adamSteps: Int, adamLearningRate: Double,
        ngdDamping: Double, klBound: Double?
    ) throws where L.Scalar == Double {
        let settings = NaturalGradientDescentSettings<Double>(
            learningRate: 1, damping: ngdDamping, curvatureDecay: 0, dampingAdaptation: LevenbergMarquardtDamping(interval: 1), klBound: klBound)
        let ngd = try NaturalGradientDescent(approximation: try ExactCurvatureApproximation<Double>(source: .exact), settings: settings)
        let newton = try Newton<Double>(settings: try NewtonSettings(kind: .hessian, initialDamping: ngdDamping))
        let adam = try FirstOrder.adam(learningRate: adamLearningRate, as: Double.self)
        paths = [
            try CurvatureTrainingPath.run(ngd, label: "NGD (exact Fisher)", objective: objective, from: initial, steps: steps),
            try CurvatureTrainingPath.run(newton, label: "Newton (damped Hessian)", objective: objective, from: initial, steps: steps),
            try CurvatureTrainingPath.run(adam, label: "Adam (lr \(adamLearningRate))", objective: objective, from: initial, steps: adamSteps),
        ]
    }

    /// The NGD run (the experiment's "trained" point is its end).
    public var naturalGradient: CurvatureTrainingPath { paths[0] }
}
