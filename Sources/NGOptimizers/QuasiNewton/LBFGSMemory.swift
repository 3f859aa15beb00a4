import NGLinearAlgebra

/// The m most recent curvature pairs of L-BFGS and the two-loop recursion that applies the
/// implicit inverse-Hessian approximation they define (Nocedal & Wright 2006, "Numerical
/// optimization", 2nd ed., §7.2, Alg. 7.4).
///
/// With pairs (sᵢ, yᵢ) = (θᵢ₊₁ − θᵢ, ∇Jᵢ₊₁ − ∇Jᵢ) and ρᵢ = 1/(yᵢᵀsᵢ), the approximation is the
/// BFGS update applied to H₀ = γI once per stored pair, oldest first:
///
///     H ← (I − ρ·s·yᵀ)·H·(I − ρ·y·sᵀ) + ρ·s·sᵀ,     γ = sᵀy / yᵀy of the newest pair (eq. 7.20)
///
/// (γ = 1 with no pairs). H stays positive definite as long as every stored pair has sᵀy > 0;
/// ``append(step:gradientChange:)`` therefore skips pairs with sᵀy ≤ ε·‖s‖·‖y‖ (ε the
/// `curvatureThreshold`), which also guards against pairs dominated by rounding.
public struct LBFGSMemory<Scalar: BLASScalar>: Sendable, Equatable {
    /// One stored pair.
    public struct Pair: Sendable, Equatable {
        /// s = θₖ₊₁ − θₖ.
        public let step: Vector<Scalar>
        /// y = ∇Jₖ₊₁ − ∇Jₖ.
        public let gradientChange: Vector<Scalar>
        /// ρ = 1/(yᵀs) > 0.
        public let inverseCurvature: Scalar
    }

    /// m ≥ 1, the most pairs kept.
    public let capacity: Int
    /// ε ≥ 0 of the curvature test sᵀy > ε·‖s‖·‖y‖.
    public let curvatureThreshold: Scalar
    /// The stored pairs, oldest first (at most `capacity`).
    public private(set) var pairs: [Pair] = []

    /// - Parameters:
    ///   - capacity: m ≥ 1.
    ///   - curvatureThreshold: ε ≥ 0.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for m < 1 or ε < 0.
    public init(capacity: Int, curvatureThreshold: Scalar) throws {
        try HyperparameterCheck.count(capacity, "memory", atLeast: 1, in: "LBFGSMemory")
        try HyperparameterCheck.nonNegative(curvatureThreshold, "curvatureThreshold", in: "LBFGSMemory")
        self.capacity = capacity
        self.curvatureThreshold = curvatureThreshold
    }

    /// Stores (s, y), dropping the oldest pair when full, unless sᵀy ≤ ε·‖s‖·‖y‖ (or any of it
    /// is not finite).
    /// - Returns: whether the pair was stored.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` when s and y differ in length, or differ
    ///   from the stored pairs'.
    @discardableResult
    public mutating func append(step s: Vector<Scalar>, gradientChange y: Vector<Scalar>) throws -> Bool {
        guard s.count == y.count, pairs.first.map({ $0.step.count == s.count }) ?? true else {
            throw OptimizerError.invalidArgument(
                "LBFGSMemory: a pair of lengths \(s.count) and \(y.count) does not fit pairs of length \(pairs.first?.step.count ?? s.count)")
        }
        let curvature = try s.dot(y)
        let scale = s.norm * y.norm
        guard curvature.isFinite, scale.isFinite, curvature > curvatureThreshold * scale, curvature > 0 else { return false }
        if pairs.count == capacity { pairs.removeFirst() }
        pairs.append(Pair(step: s, gradientChange: y, inverseCurvature: 1 / curvature))
        return true
    }

    /// Forgets every pair (after a failed line search or a non-descent direction).
    public mutating func removeAll() { pairs.removeAll() }

    /// γ = sᵀy / yᵀy of the newest pair, the scaling of H₀ = γI (1 with no pairs).
    public var initialScaling: Scalar {
        guard let newest = pairs.last else { return 1 }
        let yNorm = newest.gradientChange.norm
        let gamma = 1 / (newest.inverseCurvature * yNorm * yNorm)
        return gamma.isFinite && gamma > 0 ? gamma : 1
    }

    /// H·v by the two-loop recursion (Alg. 7.4), 4·m·P multiply-adds:
    ///
    ///     q ← v;  for i = newest…oldest: aᵢ = ρᵢ·sᵢᵀq,  q ← q − aᵢ·yᵢ
    ///     r ← γ·q; for i = oldest…newest: b = ρᵢ·yᵢᵀr,  r ← r + (aᵢ − b)·sᵢ
    ///
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` when v's length differs from the pairs'.
    public func inverseHessianProduct(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        if let first = pairs.first, first.step.count != v.count {
            throw OptimizerError.invalidArgument("LBFGSMemory: a vector of length \(v.count) for pairs of length \(first.step.count)")
        }
        var q = v
        var coefficients = [Scalar](repeating: 0, count: pairs.count)
        for i in pairs.indices.reversed() {
            let a = pairs[i].inverseCurvature * (try pairs[i].step.dot(q))
            coefficients[i] = a
            try q.add(pairs[i].gradientChange, scaledBy: -a)
        }
        q.scale(by: initialScaling)
        for i in pairs.indices {
            let b = pairs[i].inverseCurvature * (try pairs[i].gradientChange.dot(q))
            try q.add(pairs[i].step, scaledBy: coefficients[i] - b)
        }
        return q
    }
}
