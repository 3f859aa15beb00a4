import NGLinearAlgebra

/// Whose step size Shampoo borrows, block by block (Agarwal, Anil, Hazan, Koren & Zhang 2020,
/// "Disentangling adaptive gradient methods from learning rates"): the grafted update keeps
/// Shampoo's direction and takes the norm of another optimizer's update on the same block,
///
///     u_block ← ‖v_block‖ · s_block / ‖s_block‖,
///
/// with s Shampoo's update and v the other optimizer's (before the learning rate). Blocks are
/// parameter tensors: each layer's weight matrix, each layer's bias, and the run of parameters
/// outside the layers. A block whose Shampoo update is zero stays zero.
public enum ShampooGrafting<Scalar: BLASScalar>: Sendable, Equatable, Hashable {
    /// No grafting: Shampoo's own step size.
    case none
    /// SGD's: v = the incoming update (the gradient), so each block's norm is the gradient's.
    case sgd
    /// Adam's (Kingma & Ba 2015, with bias correction): v = m̂/(√v̂ + ε), its moments kept in the state.
    case adam(beta1: Scalar, beta2: Scalar, epsilon: Scalar)

    /// Adam grafting with the usual β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸.
    public static var adam: ShampooGrafting { .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8) }

    /// `none`, `sgd` or `adam`.
    public var name: String {
        switch self {
        case .none: return "none"
        case .sgd: return "sgd"
        case .adam: return "adam"
        }
    }
}

/// The hyperparameters of ``ScaleByShampoo`` (Gupta, Koren & Singer 2018, "Shampoo:
/// preconditioned stochastic tensor optimization").
public struct ShampooSettings<Scalar: BLASScalar>: Sendable, Equatable, Hashable {
    /// ε > 0: the statistics start at ε·I (L₀ = ε·I_m, R₀ = ε·I_n, and ε for the diagonal
    /// version), which keeps the inverse roots bounded by ε^(−1/4) (default 10⁻⁴).
    public var epsilon: Scalar
    /// T ≥ 1: recompute the inverse fourth roots every T steps (default 1; the statistics are
    /// updated every step). Each recomputation is an eigendecomposition of every L and R.
    public var rootUpdateInterval: Int
    /// Whose step size to graft (default none).
    public var grafting: ShampooGrafting<Scalar>

    /// - Parameters: see the properties.
    public init(epsilon: Scalar = 1e-4, rootUpdateInterval: Int = 1, grafting: ShampooGrafting<Scalar> = .none) {
        self.epsilon = epsilon
        self.rootUpdateInterval = rootUpdateInterval
        self.grafting = grafting
    }

    /// Throws unless every setting is in range.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` naming the bad setting.
    public func validate() throws {
        try HyperparameterCheck.positive(epsilon, "epsilon", in: "Shampoo")
        try HyperparameterCheck.count(rootUpdateInterval, "the root update interval", atLeast: 1, in: "Shampoo")
        if case let .adam(beta1, beta2, epsilon) = grafting {
            try HyperparameterCheck.decay(beta1, "the grafted Adam's beta1", in: "Shampoo")
            try HyperparameterCheck.decay(beta2, "the grafted Adam's beta2", in: "Shampoo")
            try HyperparameterCheck.positive(epsilon, "the grafted Adam's epsilon", in: "Shampoo")
        }
    }
}
