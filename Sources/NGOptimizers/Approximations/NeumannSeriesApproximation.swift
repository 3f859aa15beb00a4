import NGLinearAlgebra
import NGModels

/// A truncated Neumann series for the damped inverse of another approximation's curvature:
///
///     (F̃ + λI)⁻¹ ≈ S_K = (1/c)·Σ_{k=0}^{K} (I − (F̃ + λI)/c)^k,     c ≥ λ_max(F̃ + λI),
///
/// applied by Horner's rule, x ← v + (I − A/c)·x, K times, with K + 1 products by the base's
/// F̃ and no factorization (Neumann series preconditioning: Dubois, Greenbaum & Rodrigue 1979;
/// in second-order optimization e.g. Agarwal, Bullins & Hazan 2017, LiSSA; Krishnan, Xiao &
/// Saurous 2018). With A = F̃ + λI positive definite and c ≥ λ_max(A), the eigenvalues μ of A
/// map to (1/μ)·(1 − (1 − μ/c)^{K+1}), so S_K → A⁻¹ monotonically, and the residual is
///
///     ‖A·S_K·v − v‖ = ‖(I − A/c)^{K+1}·v‖ ≤ (1 − μ_min/c)^{K+1}·‖v‖:
///
/// a higher order K is closer, at a rate set by the condition number; λ > 0 bounds it.
///
/// The base is any ``CurvatureApproximation`` — a structured one, or the exact curvature-vector
/// product (``MatrixFreeCurvatureApproximation``, ``init(order:base:scale:safetyFactor:lanczosDimension:)``
/// with `.exact`); statistics updates are forwarded to it. c is either given, or estimated at
/// each inverse update as `safetyFactor`·(θ + ‖r‖) from the top Ritz pair (θ, residual r) of a
/// Lanczos run on A (a Ritz value is a lower bound of λ_max; the series still converges for any
/// c > λ_max/2, so the safety margin only keeps the convergence monotone).
///
/// ``multiply(_:)`` and ``denseMatrix()`` are the base's F̃ — the matrix whose damped inverse
/// is approximated. ``solve(_:)`` is therefore **not** the exact inverse of F̃ + λI; the
/// truncation error is the residual above (``denseInverse()`` gives S_K itself, for tests).
public struct NeumannSeriesApproximation<Base: CurvatureApproximation>: CurvatureApproximation {
    public typealias Scalar = Base.Scalar
    /// The approximation whose curvature is inverted.
    public private(set) var base: Base
    /// K ≥ 0, the highest power in the series.
    public let order: Int
    /// A fixed scale c, or `nil` to estimate c at each inverse update.
    public let fixedScale: Scalar?
    /// The factor > 1 on the estimated λ_max.
    public let safetyFactor: Scalar
    /// The Krylov dimension of the λ_max estimate.
    public let lanczosDimension: Int
    /// The λ of the last inverse update.
    public private(set) var damping: Scalar = 0
    /// The c of the last inverse update.
    public private(set) var scale: Scalar?
    /// P, once known.
    public private(set) var parameterCount: Int?

    /// - Parameters:
    ///   - order: K ≥ 0 (K = 0 is v/c, a scaled gradient step).
    ///   - base: the approximation whose F̃ is inverted.
    ///   - scale: c, or `nil` (default) to estimate it by Lanczos at each inverse update.
    ///   - safetyFactor: the margin on the estimate, ≥ 1 (default 1.05).
    ///   - lanczosDimension: the Krylov dimension of the estimate (default 20, at most P).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for a negative order, a scale that is not
    ///   positive and finite, a safety factor below 1, or a Krylov dimension below 1.
    public init(order: Int, base: Base, scale: Scalar? = nil, safetyFactor: Scalar = 1.05, lanczosDimension: Int = 20) throws {
        guard order >= 0 else { throw OptimizerError.invalidArgument("Neumann series: the order must be ≥ 0, got \(order)") }
        if let scale, !(scale > 0 && scale.isFinite) {
            throw OptimizerError.invalidArgument("Neumann series: the scale c must be positive and finite, got \(scale)")
        }
        guard safetyFactor >= 1, safetyFactor.isFinite else {
            throw OptimizerError.invalidArgument("Neumann series: the safety factor must be ≥ 1, got \(safetyFactor)")
        }
        guard lanczosDimension >= 1 else {
            throw OptimizerError.invalidArgument("Neumann series: the Lanczos dimension must be at least 1, got \(lanczosDimension)")
        }
        self.base = base
        self.order = order
        self.fixedScale = scale
        self.safetyFactor = safetyFactor
        self.lanczosDimension = lanczosDimension
    }

    public var name: String { "neumann:\(order):\(base.name)" }

    public mutating func updateStatistics<P: EvaluatedObjective>(at point: P, layers: [LayerParameterLayout], decay: Scalar) throws
    where P.Scalar == Scalar {
        try base.updateStatistics(at: point, layers: layers, decay: decay)
        parameterCount = point.parameters.count
    }

    /// Records λ and sets the scale c (the base's own inverse is not needed: the series only
    /// multiplies by its F̃).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` before any statistics, for a negative
    ///   damping, or when the estimated λ_max(F̃ + λI) is not positive; errors of the base and of Lanczos.
    public mutating func updateInverse(damping: Scalar) throws {
        try CurvatureStatistics.validate(damping: damping, name)
        guard let p = parameterCount else { throw CurvatureStatistics.noStatistics(name) }
        if let fixedScale {
            scale = fixedScale
        } else {
            let base = self.base
            let pairs = try Lanczos.eigenpairs(
                count: 1, dimension: p, which: .largest, options: LanczosOptions(maximumDimension: Swift.min(p, lanczosDimension))
            ) { v in
                var y = try base.multiply(v)
                if damping > 0 { try y.add(v, scaledBy: damping) }
                return y
            }
            let largest = pairs.eigenvalues[0] + pairs.residualNorms[0]
            guard largest > 0, largest.isFinite else {
                throw OptimizerError.invalidArgument("\(name): the largest eigenvalue of F̃ + λI is estimated as \(largest); need a positive definite matrix")
            }
            scale = safetyFactor * largest
        }
        self.damping = damping
    }

    /// S_K·v by Horner's rule: K products by F̃.
    public func solve(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard let scale, let parameterCount else { throw CurvatureStatistics.noInverse(name) }
        try CurvatureStatistics.validate(v, count: parameterCount, name)
        // x ← v + x − (F̃x + λx)/c, starting from x = v.
        var x = v
        for _ in 0..<order {
            var next = try base.multiply(x)
            next.scale(by: -1 / scale)
            try next.add(x, scaledBy: 1 - damping / scale)
            try next.add(v)
            x = next
        }
        x.scale(by: 1 / scale)
        return x
    }

    /// The base's F̃·v.
    public func multiply(_ v: Vector<Scalar>) throws -> Vector<Scalar> { try base.multiply(v) }

    /// The base's F̃ (the matrix whose damped inverse is approximated).
    public func denseMatrix() throws -> Matrix<Scalar> { try base.denseMatrix() }

    /// The series S_K as a P×P matrix, from P solves (a test oracle).
    public func denseInverse() throws -> Matrix<Scalar> {
        guard let parameterCount else { throw CurvatureStatistics.noInverse(name) }
        let p = parameterCount
        var matrix = Matrix<Scalar>(rows: p, columns: p)
        var unit = Vector<Scalar>(count: p)
        for j in 0..<p {
            unit[j] = 1
            let column = try solve(unit)
            unit[j] = 0
            for i in 0..<p { matrix[i, j] = column[i] }
        }
        return matrix
    }

    /// The base's memory (the series itself keeps only scalars).
    public var memoryBytes: Int { base.memoryBytes }
}

extension NeumannSeriesApproximation {
    /// The series on the exact curvature-vector product of `source` (conjugate gradient is not
    /// used: the base only multiplies).
    /// - Throws: as ``init(order:base:scale:safetyFactor:lanczosDimension:)`` and ``MatrixFreeCurvatureApproximation/init(source:relativeTolerance:maximumIterations:)``.
    public init<S: BLASScalar>(order: Int, exact source: CurvatureSource, scale: S? = nil) throws
    where Base == MatrixFreeCurvatureApproximation<S> {
        try self.init(order: order, base: try MatrixFreeCurvatureApproximation<S>(source: source), scale: scale)
    }
}
