import NGLinearAlgebra
import NGModels

/// The exact curvature as a dense P×P matrix, solved by Cholesky: F̃ = the running average of
/// `point.denseCurvature(kind)`, (F̃ + λI)⁻¹·v = L⁻ᵀL⁻¹·v with L·Lᵀ = F̃ + λI.
///
/// The reference preconditioner for small models (up to a few thousand parameters): natural
/// gradient descent with it and the exact Fisher is the method of Amari (1998); with the GGN it
/// is damped Gauss-Newton, with the Hessian damped Newton. Memory O(P²), a statistics update
/// costs what `denseCurvature` costs (a few backward passes and a P×P syrk for the Fisher
/// kinds, P Hessian-vector products for the Hessian), an inverse update O(P³/3), a solve O(P²).
/// For larger models use ``MatrixFreeCurvatureApproximation`` (conjugate gradient on
/// curvature-vector products) or one of the structured approximations.
///
/// The statistics are averaged, S ← decay·S + (1 − decay)·C(θₜ), with C(θₜ) of the
/// ``CurvatureSource``'s kind; Monte-Carlo labels are redrawn at each update (seed + n).
public struct ExactCurvatureApproximation<Scalar: BLASScalar>: CurvatureApproximation {
    /// Which matrix is estimated.
    public let source: CurvatureSource
    /// The averaged curvature S (P×P), undamped.
    public private(set) var statistics: Matrix<Scalar>?
    /// The factorization of S + λI from the last inverse update.
    public private(set) var factorization: Cholesky<Scalar>?
    /// The λ of the last inverse update.
    public private(set) var damping: Scalar = 0
    /// The number of statistics updates so far (the Monte-Carlo seed offset).
    public private(set) var updateCount = 0

    /// - Parameter source: the curvature kind and, for the Monte-Carlo Fisher, samples and seed.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for a sample count below 1.
    public init(source: CurvatureSource = .exact) throws {
        try source.validate("exact approximation")
        self.source = source
    }

    public var name: String { "exact:\(source.kind.rawValue)" }

    public mutating func updateStatistics<P: EvaluatedObjective>(at point: P, layers: [LayerParameterLayout], decay: Scalar) throws
    where P.Scalar == Scalar {
        try CurvatureStatistics.validate(decay: decay, name)
        let current = try point.denseCurvature(source.kind, samples: source.samples, seed: source.seed(forUpdate: updateCount))
        try CurvatureStatistics.average(&statistics, current, decay: decay)
        updateCount += 1
    }

    /// Factors S + λI by Cholesky.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` before any statistics, for a negative
    ///   damping, or when S + λI is not positive definite (a singular Fisher with λ = 0, an
    ///   indefinite Hessian), with the remedy in the message.
    public mutating func updateInverse(damping: Scalar) throws {
        try CurvatureStatistics.validate(damping: damping, name)
        guard let statistics else { throw CurvatureStatistics.noStatistics(name) }
        do {
            factorization = try Cholesky(statistics.addingToDiagonal(damping))
        } catch LinearAlgebraError.notPositiveDefinite {
            throw OptimizerError.invalidArgument(
                "\(name): the damped \(source.kind.displayName) F̃ + \(damping)·I is not positive definite; raise the damping"
                    + (source.kind == .hessian ? " or clip the eigenvalues (EigenvalueClippingApproximation)" : ""))
        }
        self.damping = damping
    }

    public func solve(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard let factorization else { throw CurvatureStatistics.noInverse(name) }
        try CurvatureStatistics.validate(v, count: factorization.order, name)
        return try factorization.solve(v)
    }

    public func multiply(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard let statistics else { throw CurvatureStatistics.noStatistics(name) }
        try CurvatureStatistics.validate(v, count: statistics.rows, name)
        return try statistics.multiplied(by: v)
    }

    public func denseMatrix() throws -> Matrix<Scalar> {
        guard let statistics else { throw CurvatureStatistics.noStatistics(name) }
        return statistics
    }

    /// The statistics and the Cholesky factor: 2·P² scalars once both exist.
    public var memoryBytes: Int {
        ((statistics?.elements.count ?? 0) + (factorization?.lower.elements.count ?? 0)) * MemoryLayout<Scalar>.size
    }
}
