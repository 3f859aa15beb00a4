import NGLinearAlgebra

/// The hyperparameters of ``LBFGS``.
public struct LBFGSSettings<Scalar: BLASScalar>: Sendable, Equatable {
    /// m ≥ 1, the number of curvature pairs kept.
    public var memory: Int
    /// ε ≥ 0: pairs with sᵀy ≤ ε·‖s‖·‖y‖ are skipped.
    public var curvatureThreshold: Scalar
    /// The line search run along every direction.
    public var lineSearch: StrongWolfeLineSearch<Scalar>

    /// - Parameters:
    ///   - memory: m; 10 — Nocedal & Wright (§7.2) report 3 ≤ m ≤ 20 as usually sufficient, and
    ///     10 is the common default (SciPy, PyTorch use 10 and 100); memory and work grow like m·P.
    ///   - curvatureThreshold: ε; √(machine ε) (1.5·10⁻⁸ in Double, 3.5·10⁻⁴ in Float), the size
    ///     of the rounding in sᵀy relative to ‖s‖·‖y‖ once s and y are computed from differences.
    ///   - lineSearch: strong Wolfe with c₁ = 10⁻⁴, c₂ = 0.9 by default.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for m < 1 or ε < 0.
    public init(memory: Int = 10, curvatureThreshold: Scalar = Scalar.ulpOfOne.squareRoot(), lineSearch: StrongWolfeLineSearch<Scalar>? = nil) throws {
        try HyperparameterCheck.count(memory, "memory", atLeast: 1, in: "LBFGSSettings")
        try HyperparameterCheck.nonNegative(curvatureThreshold, "curvatureThreshold", in: "LBFGSSettings")
        self.memory = memory
        self.curvatureThreshold = curvatureThreshold
        self.lineSearch = try lineSearch ?? StrongWolfeLineSearch()
    }
}
