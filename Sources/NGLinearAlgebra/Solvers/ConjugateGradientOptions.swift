/// Settings of a ``ConjugateGradient`` solve.
///
/// The defaults stop at a relative residual ‖b − A·x‖ ≤ 10⁻⁶·‖b‖ in Double (10⁻⁴ in Float), or
/// after 10·n iterations; Hessian-free optimization (Martens 2010) instead caps the iterations
/// (e.g. 50–250), warm-starts from the previous step's solution, and stops on the relative
/// progress of the quadratic model (``progressTolerance``).
public struct ConjugateGradientOptions<Scalar: BLASScalar> {
    /// Stop when ‖r‖ ≤ `relativeTolerance`·‖b‖ (r = b − A·x, Euclidean norms).
    public var relativeTolerance: Scalar
    /// Stop when ‖r‖ ≤ `absoluteTolerance` (whichever bound is larger applies).
    public var absoluteTolerance: Scalar
    /// The most iterations (operator applications after the initial residual); `nil` means 10·n.
    public var maximumIterations: Int?
    /// The preconditioner applied as z = M⁻¹·r, which must be symmetric positive definite
    /// (e.g. the inverse diagonal of A, Jacobi); `nil` means none.
    public var preconditioner: ((Vector<Scalar>) throws -> Vector<Scalar>)?
    /// The starting point x₀, e.g. the previous solution for a warm start; `nil` means x₀ = 0
    /// (which saves one operator application).
    public var initialGuess: Vector<Scalar>?
    /// Which iterates to keep in ``ConjugateGradientResult/iterates`` (for Martens' backtracking).
    public var storedIterates: ConjugateGradientIterateStorage
    /// Martens' (2010, §4.4) relative-progress stopping rule on the quadratic model
    /// φ(x) = ½·xᵀA·x − bᵀx: stop at iteration i when i > k, φ(xᵢ) < 0 and
    /// (φ(xᵢ) − φ(xᵢ₋ₖ)) / φ(xᵢ) < k·ε, with k = max(10, ⌈i/10⌉) and ε this value
    /// (Martens uses 5·10⁻⁴); `nil` disables the rule.
    public var progressTolerance: Scalar?

    /// Options with the given settings; see the properties for their meaning.
    public init(
        relativeTolerance: Scalar = Scalar(Scalar.self == Float.self ? 1e-4 : 1e-6),
        absoluteTolerance: Scalar = 0,
        maximumIterations: Int? = nil,
        preconditioner: ((Vector<Scalar>) throws -> Vector<Scalar>)? = nil,
        initialGuess: Vector<Scalar>? = nil,
        storedIterates: ConjugateGradientIterateStorage = .none,
        progressTolerance: Scalar? = nil
    ) {
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.maximumIterations = maximumIterations
        self.preconditioner = preconditioner
        self.initialGuess = initialGuess
        self.storedIterates = storedIterates
        self.progressTolerance = progressTolerance
    }
}

/// Which conjugate-gradient iterates xᵢ a solve keeps (iteration 0 is the starting point).
///
/// Martens (2010, §4.6) stores the iterates at i = ⌈γʲ⌉ for γ = 1.3 and, when the final one
/// does not reduce the true objective, backtracks to the earlier ones: `.geometric(ratio: 1.3)`.
public enum ConjugateGradientIterateStorage: Sendable, Equatable {
    /// Keep none (only the final ``ConjugateGradientResult/solution``).
    case none
    /// Keep every iterate, x₀ included.
    case all
    /// Keep the iterates at these iteration numbers (those reached).
    case at(Set<Int>)
    /// Keep the iterates at ⌈ratioʲ⌉ for j = 0, 1, 2, … (ratio > 1), plus the final one.
    case geometric(ratio: Double)

    /// Throws unless the settings are usable.
    func validate() throws {
        if case let .geometric(ratio) = self, !(ratio > 1 && ratio.isFinite) {
            throw LinearAlgebraError.invalidArgument("ConjugateGradient: storedIterates .geometric needs a finite ratio > 1, got \(ratio)")
        }
        if case let .at(iterations) = self, let negative = iterations.first(where: { $0 < 0 }) {
            throw LinearAlgebraError.invalidArgument("ConjugateGradient: storedIterates .at has a negative iteration \(negative)")
        }
    }

    /// Whether `iteration` is one of the values ⌈ratioʲ⌉, j = 0, 1, 2, … (compared in Double,
    /// so that a large ratio cannot overflow an integer conversion).
    static func isGeometric(_ iteration: Int, ratio: Double) -> Bool {
        let target = Double(iteration)
        var power = 1.0
        while power.rounded(.up) < target { power *= ratio }
        return power.rounded(.up) == target
    }
}
