import NGLinearAlgebra

/// Shampoo then the learning rate.
public typealias ShampooOptimizer<Scalar: BLASScalar> = TransformOptimizer<Chain<ScaleByShampoo<Scalar>, ScaleByLearningRate<Scalar>>>

/// Shampoo (Gupta, Koren & Singer 2018) as a named optimizer: θ ← θ − α·u with u the
/// ``ScaleByShampoo`` update, L^(−1/4)·G·R^(−1/4) per weight matrix and diagonal AdaGrad for
/// vectors, optionally grafted to SGD's or Adam's step size per tensor (Agarwal et al. 2020).
///
/// ```swift
/// var optimizer = try Shampoo.optimizer(learningRate: 1e-3, settings: ShampooSettings(grafting: .adam), as: Float.self)
/// ```
public enum Shampoo {
    /// - Parameters:
    ///   - learningRate: α > 0; 0.1 by default. Shampoo's update does not scale with the
    ///     gradient (like AdaGrad's): the first update of a weight matrix whose gradient has
    ///     rank one has spectral norm ≈ 1, and a vector's entries are ≈ ±1. With grafting the
    ///     update has the grafted optimizer's scale, so use its learning rates (10⁻³ for Adam).
    ///   - settings: ε, the root update interval and grafting.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` naming a bad hyperparameter.
    public static func optimizer<Scalar: BLASScalar>(
        learningRate: Scalar = 0.1, settings: ShampooSettings<Scalar> = ShampooSettings(), as _: Scalar.Type = Scalar.self
    ) throws -> ShampooOptimizer<Scalar> {
        try HyperparameterCheck.positive(learningRate, "the learning rate", in: "Shampoo")
        return TransformOptimizer(name: "shampoo", try ScaleByShampoo(settings: settings).then(ScaleByLearningRate(learningRate)))
    }
}
