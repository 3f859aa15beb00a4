import NGLinearAlgebra

/// The hyperparameters of ``ScaleByAdaHessian`` (Yao, Gholami, Shen, Mustafa, Keutzer &
/// Mahoney 2021, "ADAHESSIAN: an adaptive second order optimizer for machine learning"); the
/// defaults are the paper's and its reference implementation's.
public struct AdaHessianSettings<Scalar: BLASScalar>: Sendable, Equatable, Hashable {
    /// β₁ ∈ [0, 1): decay of the gradient's moving average (default 0.9).
    public var beta1: Scalar
    /// β₂ ∈ [0, 1): decay of the Hessian diagonal's squared moving average (default 0.999).
    public var beta2: Scalar
    /// ε > 0 added to the denominator (default 10⁻⁴).
    public var epsilon: Scalar
    /// k ∈ (0, 1]: the Hessian power; the denominator is (√v̂)^k (default 1; 0.5 interpolates
    /// towards a first-order method).
    public var hessianPower: Scalar
    /// s ≥ 1: Rademacher probes averaged per step (default 1; each costs one Hessian-vector product).
    public var probes: Int
    /// Average |D| over each convolution kernel's kh×kw window (default on; the paper's spatial
    /// averaging). Needs an objective that knows its kernels (``ConvolutionKernelWindows``).
    public var spatialAveraging: Bool
    /// The probes of update t (from 0) are drawn from `SeededGenerator(seed: seed &+ t)`.
    public var seed: UInt64

    /// - Parameters: see the properties.
    public init(
        beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-4, hessianPower: Scalar = 1, probes: Int = 1,
        spatialAveraging: Bool = true, seed: UInt64 = 0
    ) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.hessianPower = hessianPower
        self.probes = probes
        self.spatialAveraging = spatialAveraging
        self.seed = seed
    }

    /// Throws unless every setting is in range.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` naming the bad setting.
    public func validate() throws {
        let owner = "AdaHessian"
        try HyperparameterCheck.decay(beta1, "beta1", in: owner)
        try HyperparameterCheck.decay(beta2, "beta2", in: owner)
        try HyperparameterCheck.positive(epsilon, "epsilon", in: owner)
        guard hessianPower > 0, hessianPower <= 1 else {
            throw OptimizerError.invalidArgument("\(owner): the Hessian power must lie in (0, 1], got \(hessianPower)")
        }
        try HyperparameterCheck.count(probes, "the probe count", atLeast: 1, in: owner)
    }
}
