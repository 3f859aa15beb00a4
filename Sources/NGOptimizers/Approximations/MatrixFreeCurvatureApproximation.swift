import NGLinearAlgebra
import NGModels

/// The exact curvature without forming it: (C + λI)⁻¹·v by conjugate gradient on the
/// curvature-vector products `point.curvatureProduct(kind, ·)` of the last point seen.
///
/// The preconditioner of truncated-Newton and Hessian-free methods (Martens 2010; Schraudolph
/// 2002 for the products): each CG iteration costs one curvature-vector product (about two
/// passes through the network for the Fisher and GGN, four for the Hessian), memory is O(P).
///
/// **No running average.** A product closure belongs to one point (one forward pass), and sums
/// of closures of past points would keep every past pass alive, so matrix-free statistics
/// cannot be averaged: ``updateStatistics(at:layers:decay:)`` validates `decay` and then
/// ignores it, keeping the product of the **current** point only (a copy of the evaluated
/// point, with its forward pass). Monte-Carlo labels are redrawn at each update (seed + n).
///
/// CG needs C + λI positive definite: with the Hessian (indefinite) or a singular Fisher and
/// λ = 0 a solve can meet non-positive curvature, which is thrown, not divided by.
public struct MatrixFreeCurvatureApproximation<Scalar: BLASScalar>: CurvatureApproximation {
    /// Which matrix is applied.
    public let source: CurvatureSource
    /// CG's relative residual tolerance ‖b − A·x‖ ≤ tol·‖b‖.
    public let relativeTolerance: Scalar
    /// CG's iteration cap (`nil`: 10·P).
    public let maximumIterations: Int?
    /// The λ of the last inverse update.
    public private(set) var damping: Scalar = 0
    /// The number of statistics updates so far (the Monte-Carlo seed offset).
    public private(set) var updateCount = 0
    /// P, once a point has been seen.
    public private(set) var parameterCount: Int?
    /// v ↦ C·v at the last point.
    private var product: ((Vector<Scalar>) throws -> Vector<Scalar>)?

    /// - Parameters:
    ///   - source: the curvature kind and, for the Monte-Carlo Fisher, samples and seed.
    ///   - relativeTolerance: CG's stopping tolerance (default 10⁻⁴ in Float, 10⁻¹⁰ in Double).
    ///   - maximumIterations: CG's iteration cap (default 10·P).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for a sample count below 1, a tolerance
    ///   that is not positive and finite, or a cap below 1.
    public init(source: CurvatureSource = .exact, relativeTolerance: Scalar? = nil, maximumIterations: Int? = nil) throws {
        try source.validate("matrix-free approximation")
        let tolerance = relativeTolerance ?? Scalar(Scalar.self == Float.self ? 1e-4 : 1e-10)
        guard tolerance > 0, tolerance.isFinite else {
            throw OptimizerError.invalidArgument("matrix-free approximation: the CG tolerance must be positive and finite, got \(tolerance)")
        }
        if let maximumIterations, maximumIterations < 1 {
            throw OptimizerError.invalidArgument("matrix-free approximation: the CG iteration cap must be at least 1, got \(maximumIterations)")
        }
        self.source = source
        self.relativeTolerance = tolerance
        self.maximumIterations = maximumIterations
    }

    public var name: String { "matrix-free:\(source.kind.rawValue)" }

    /// Keeps the product closure of `point` (`decay` is validated and ignored: see the type's documentation).
    public mutating func updateStatistics<P: EvaluatedObjective>(at point: P, layers: [LayerParameterLayout], decay: Scalar) throws
    where P.Scalar == Scalar {
        try CurvatureStatistics.validate(decay: decay, name)
        let (kind, samples, seed) = (source.kind, source.samples, source.seed(forUpdate: updateCount))
        let current = point
        product = { v in try current.curvatureProduct(kind, v, samples: samples, seed: seed) }
        parameterCount = point.parameters.count
        updateCount += 1
    }

    /// Records λ (there is nothing to factor).
    public mutating func updateInverse(damping: Scalar) throws {
        try CurvatureStatistics.validate(damping: damping, name)
        guard product != nil else { throw CurvatureStatistics.noStatistics(name) }
        self.damping = damping
    }

    /// (C + λI)⁻¹·v by conjugate gradient from x₀ = 0.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` before any statistics, for a v of the
    ///   wrong length, or when CG meets non-positive curvature (raise the damping); errors of
    ///   the products and of CG.
    public func solve(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard let product, let parameterCount else { throw CurvatureStatistics.noStatistics(name) }
        try CurvatureStatistics.validate(v, count: parameterCount, name)
        let damping = self.damping
        let options = ConjugateGradientOptions<Scalar>(relativeTolerance: relativeTolerance, maximumIterations: maximumIterations)
        let result = try ConjugateGradient.solve(v, options: options) { x in
            var y = try product(x)
            if damping > 0 { try y.add(x, scaledBy: damping) }
            return y
        }
        if result.termination == .nonPositiveCurvature {
            throw OptimizerError.invalidArgument(
                "\(name): conjugate gradient met non-positive curvature \(result.nonPositiveCurvature.map { "\($0)" } ?? "") "
                    + "in the damped \(source.kind.displayName) with λ = \(damping); raise the damping")
        }
        return result.solution
    }

    public func multiply(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard let product, let parameterCount else { throw CurvatureStatistics.noStatistics(name) }
        try CurvatureStatistics.validate(v, count: parameterCount, name)
        return try product(v)
    }

    /// C column by column from P products (a test oracle; O(P²) memory).
    public func denseMatrix() throws -> Matrix<Scalar> {
        guard let product, let parameterCount else { throw CurvatureStatistics.noStatistics(name) }
        let p = parameterCount
        var matrix = Matrix<Scalar>(rows: p, columns: p)
        var unit = Vector<Scalar>(count: p)
        for j in 0..<p {
            unit[j] = 1
            let column = try product(unit)
            unit[j] = 0
            for i in 0..<p { matrix[i, j] = column[i] }
        }
        return matrix
    }

    /// The approximation itself holds no matrices: 0. (The kept point's forward pass — its
    /// activations — is owned by the objective's evaluation and not counted here.)
    public var memoryBytes: Int { 0 }
}
