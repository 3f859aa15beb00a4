import NGLinearAlgebra
import NGModels

/// F̃ = blockdiag(C₁₁, …, C_LL): the curvature's dense diagonal blocks, one per layer, each
/// solved by Cholesky.
///
/// The layer-wise ("block-diagonal") natural gradient (Kurita 1994; Martens & Grosse 2015, §4.3
/// compare K-FAC's block-diagonal form to it): the curvature between layers is dropped, the
/// curvature within a layer kept exactly. Memory and an inverse update cost Σᵢ nᵢ² and Σᵢ nᵢ³/3
/// for blocks of nᵢ parameters (a layer's weight and bias), instead of P² and P³/3.
///
/// The blocks are the parameter ranges of `objective.layers` (``LayerParameterLayout/range``);
/// parameters no layer covers form blocks of their own, and an objective without layers is one
/// block (the exact curvature). Each block Cᵢᵢ is computed
/// - from the square root S of a Fisher kind when the point has one
///   (``CurvatureSquareRootProviding``): Cᵢᵢ = SᵢᵀSᵢ + λ₂·Mᵢ with Sᵢ the columns of the block — one
///   syrk on the per-example gradient columns, no P×P matrix;
/// - otherwise (GGN and Hessian of networks) from the dense curvature, restricted to the block.
///
/// The statistics are running averages of the blocks; Monte-Carlo labels are redrawn at each
/// update (seed + n).
public struct BlockDiagonalApproximation<Scalar: BLASScalar>: CurvatureApproximation {
    /// Which matrix's blocks are estimated.
    public let source: CurvatureSource
    /// The parameter ranges of the blocks, fixed by the first statistics update.
    public private(set) var blockRanges: [Range<Int>] = []
    /// The averaged blocks Cᵢᵢ, undamped.
    public private(set) var statistics: [Matrix<Scalar>]?
    /// The factorizations of Cᵢᵢ + λI from the last inverse update.
    public private(set) var factorizations: [Cholesky<Scalar>]?
    /// The number of statistics updates so far (the Monte-Carlo seed offset).
    public private(set) var updateCount = 0

    /// - Parameter source: the curvature kind (default the exact Fisher).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for a sample count below 1.
    public init(source: CurvatureSource = .exact) throws {
        try source.validate("block-diagonal approximation")
        self.source = source
    }

    public var name: String { "block-diagonal:\(source.kind.rawValue)" }

    /// P (the end of the last block).
    var parameterCount: Int { blockRanges.last?.upperBound ?? 0 }

    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for a decay outside [0, 1) or when the
    ///   parameter count or the layers changed since the first update; errors of the curvature.
    public mutating func updateStatistics<P: EvaluatedObjective>(at point: P, layers: [LayerParameterLayout], decay: Scalar) throws
    where P.Scalar == Scalar {
        try CurvatureStatistics.validate(decay: decay, name)
        let ranges = CurvatureStatistics.parameterBlocks(layers, parameterCount: point.parameters.count)
        if statistics != nil, ranges != blockRanges {
            throw OptimizerError.invalidArgument("\(name): the parameter blocks changed between updates (\(blockRanges) → \(ranges))")
        }
        blockRanges = ranges
        let current = try CurvatureStatistics.blocks(
            point, source.kind, samples: source.samples, seed: source.seed(forUpdate: updateCount), blocks: ranges)
        if var averaged = statistics, decay > 0 {
            for i in averaged.indices {
                averaged[i].scale(by: decay)
                try averaged[i].add(current[i], scaledBy: 1 - decay)
            }
            statistics = averaged
        } else {
            statistics = current
        }
        updateCount += 1
    }

    /// Factors each Cᵢᵢ + λI by Cholesky.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` before any statistics, for a negative
    ///   damping, or when a damped block is not positive definite (naming the block).
    public mutating func updateInverse(damping: Scalar) throws {
        try CurvatureStatistics.validate(damping: damping, name)
        guard let statistics else { throw CurvatureStatistics.noStatistics(name) }
        var factors = [Cholesky<Scalar>]()
        factors.reserveCapacity(statistics.count)
        for (index, block) in statistics.enumerated() {
            do {
                factors.append(try Cholesky(block.addingToDiagonal(damping)))
            } catch LinearAlgebraError.notPositiveDefinite {
                throw OptimizerError.invalidArgument(
                    "\(name): block \(index) (parameters \(blockRanges[index])) plus \(damping)·I is not positive definite; raise the damping")
            }
        }
        factorizations = factors
    }

    public func solve(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard let factorizations else { throw CurvatureStatistics.noInverse(name) }
        try CurvatureStatistics.validate(v, count: parameterCount, name)
        var out = Vector<Scalar>(count: v.count)
        for (range, factor) in zip(blockRanges, factorizations) {
            let x = try factor.solve(Vector(Array(v.elements[range])))
            out.elements.replaceSubrange(range, with: x.elements)
        }
        return out
    }

    public func multiply(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard let statistics else { throw CurvatureStatistics.noStatistics(name) }
        try CurvatureStatistics.validate(v, count: parameterCount, name)
        var out = Vector<Scalar>(count: v.count)
        for (range, block) in zip(blockRanges, statistics) {
            let y = try block.multiplied(by: Vector(Array(v.elements[range])))
            out.elements.replaceSubrange(range, with: y.elements)
        }
        return out
    }

    public func denseMatrix() throws -> Matrix<Scalar> {
        guard let statistics else { throw CurvatureStatistics.noStatistics(name) }
        let p = parameterCount
        var matrix = Matrix<Scalar>(rows: p, columns: p)
        for (range, block) in zip(blockRanges, statistics) {
            for i in 0..<range.count {
                for j in 0..<range.count { matrix[range.lowerBound + i, range.lowerBound + j] = block[i, j] }
            }
        }
        return matrix
    }

    /// The blocks and their Cholesky factors: 2·Σᵢ nᵢ² scalars once both exist.
    public var memoryBytes: Int {
        let blocks = statistics?.reduce(0) { $0 + $1.elements.count } ?? 0
        let factors = factorizations?.reduce(0) { $0 + $1.lower.elements.count } ?? 0
        return (blocks + factors) * MemoryLayout<Scalar>.size
    }
}
