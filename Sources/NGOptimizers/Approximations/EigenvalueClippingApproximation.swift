import NGLinearAlgebra
import NGModels

/// Which blocks ``EigenvalueClippingApproximation`` decomposes.
public enum CurvatureBlockStructure: String, Sendable, Equatable, Hashable, CaseIterable {
    /// The whole P×P matrix (small models).
    case full
    /// One dense block per layer, as in ``BlockDiagonalApproximation``.
    case layerBlocks
}

/// F̃ = Q·diag(clamp(μᵢ, floor, cap))·Qᵀ: the curvature (or each of its layer blocks) with its
/// eigenvalues clipped to [floor, cap], solved in its eigenbasis,
/// (F̃ + λI)⁻¹·v = Q·diag(1/(clamp(μᵢ) + λ))·Qᵀ·v.
///
/// Clipping turns an indefinite curvature — the Hessian away from a minimum — into a positive
/// definite one (a floor > 0; "saddle-free" variants use |μ| instead, Dauphin et al. 2014), and
/// a cap bounds the largest curvature, i.e. the smallest step along a direction. On the
/// positive-semidefinite Fisher kinds a floor acts like a damping that only touches the small
/// eigenvalues. The eigendecomposition (LAPACK syevd, O(n³) per block) is recomputed at each
/// statistics update, so that ``multiply(_:)``, ``denseMatrix()`` and ``solve(_:)`` all see
/// the clipped matrix of the current statistics; an inverse update only records λ.
///
/// The statistics (the unclipped matrix or blocks) are running averages; Monte-Carlo labels are
/// redrawn at each update (seed + n).
public struct EigenvalueClippingApproximation<Scalar: BLASScalar>: CurvatureApproximation {
    /// Which matrix is clipped.
    public let source: CurvatureSource
    /// The whole matrix or its layer blocks.
    public let structure: CurvatureBlockStructure
    /// The least eigenvalue kept (`nil`: unbounded below).
    public let floor: Scalar?
    /// The largest eigenvalue kept (`nil`: unbounded above).
    public let cap: Scalar?
    /// The parameter ranges of the blocks (one range of all P for `.full`).
    public private(set) var blockRanges: [Range<Int>] = []
    /// The averaged, unclipped blocks.
    public private(set) var statistics: [Matrix<Scalar>]?
    /// The eigendecomposition of each averaged block.
    public private(set) var decompositions: [SymmetricEigendecomposition<Scalar>]?
    /// The λ of the last inverse update (`nil` before the first).
    public private(set) var damping: Scalar?
    /// The number of statistics updates so far (the Monte-Carlo seed offset).
    public private(set) var updateCount = 0

    /// - Parameters:
    ///   - source: the curvature kind (default the Hessian).
    ///   - structure: the whole matrix (default) or its layer blocks.
    ///   - floor: the least eigenvalue (default 0: PSD).
    ///   - cap: the largest eigenvalue (default none).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for a sample count below 1, a NaN bound or floor > cap.
    public init(source: CurvatureSource = .hessian, structure: CurvatureBlockStructure = .full, floor: Scalar? = 0, cap: Scalar? = nil) throws {
        try source.validate("eigenvalue clipping")
        if floor?.isNaN == true || cap?.isNaN == true {
            throw OptimizerError.invalidArgument("eigenvalue clipping: the bounds must not be NaN")
        }
        if let floor, let cap, floor > cap {
            throw OptimizerError.invalidArgument("eigenvalue clipping: need floor ≤ cap, got floor \(floor) and cap \(cap)")
        }
        self.source = source
        self.structure = structure
        self.floor = floor
        self.cap = cap
    }

    public var name: String { "clipped:\(source.kind.rawValue)" }

    var parameterCount: Int { blockRanges.last?.upperBound ?? 0 }

    /// clamp(μ, floor, cap).
    func clipped(_ value: Scalar) -> Scalar {
        var x = value
        if let floor { x = Swift.max(x, floor) }
        if let cap { x = Swift.min(x, cap) }
        return x
    }

    public mutating func updateStatistics<P: EvaluatedObjective>(at point: P, layers: [LayerParameterLayout], decay: Scalar) throws
    where P.Scalar == Scalar {
        try CurvatureStatistics.validate(decay: decay, name)
        let p = point.parameters.count
        let ranges = structure == .full ? [0..<p] : CurvatureStatistics.parameterBlocks(layers, parameterCount: p)
        if statistics != nil, ranges != blockRanges {
            throw OptimizerError.invalidArgument("\(name): the parameter blocks changed between updates (\(blockRanges) → \(ranges))")
        }
        blockRanges = ranges
        let seed = source.seed(forUpdate: updateCount)
        let current: [Matrix<Scalar>] =
            structure == .full
            ? [try point.denseCurvature(source.kind, samples: source.samples, seed: seed)]
            : try CurvatureStatistics.blocks(point, source.kind, samples: source.samples, seed: seed, blocks: ranges)
        var averaged = current
        if let old = statistics, decay > 0 {
            averaged = old
            for i in averaged.indices {
                averaged[i].scale(by: decay)
                try averaged[i].add(current[i], scaledBy: 1 - decay)
            }
        }
        decompositions = try averaged.map { try SymmetricEigendecomposition($0) }
        statistics = averaged
        updateCount += 1
    }

    /// Records λ after checking that every clipped eigenvalue plus λ is positive.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` before any statistics, for a negative
    ///   damping, or when clamp(μ) + λ ≤ 0 for some eigenvalue (raise the floor or the damping).
    public mutating func updateInverse(damping: Scalar) throws {
        try CurvatureStatistics.validate(damping: damping, name)
        guard let decompositions else { throw CurvatureStatistics.noStatistics(name) }
        for (index, decomposition) in decompositions.enumerated() {
            if let smallest = decomposition.eigenvalues.elements.first, !(clipped(smallest) + damping > 0) {
                throw OptimizerError.invalidArgument(
                    "\(name): block \(index) has clipped eigenvalue \(clipped(smallest)), which plus the damping \(damping) is not positive; "
                        + "raise the floor or the damping")
            }
        }
        self.damping = damping
    }

    /// Applies Q·diag(f(μ))·Qᵀ block by block.
    private func apply(_ v: Vector<Scalar>, _ f: (Scalar) -> Scalar) throws -> Vector<Scalar> {
        guard let decompositions else { throw CurvatureStatistics.noStatistics(name) }
        try CurvatureStatistics.validate(v, count: parameterCount, name)
        var out = Vector<Scalar>(count: v.count)
        for (range, decomposition) in zip(blockRanges, decompositions) {
            var coefficients = try decomposition.eigenvectors.multiplied(by: Vector(Array(v.elements[range])), transposingSelf: true)
            for i in 0..<coefficients.count { coefficients[i] *= f(decomposition.eigenvalues[i]) }
            out.elements.replaceSubrange(range, with: try decomposition.eigenvectors.multiplied(by: coefficients).elements)
        }
        return out
    }

    public func solve(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard let damping else { throw CurvatureStatistics.noInverse(name) }
        return try apply(v) { 1 / (clipped($0) + damping) }
    }

    public func multiply(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        try apply(v) { clipped($0) }
    }

    /// The clipped matrix, block by block.
    public func denseMatrix() throws -> Matrix<Scalar> {
        guard let decompositions else { throw CurvatureStatistics.noStatistics(name) }
        let p = parameterCount
        var matrix = Matrix<Scalar>(rows: p, columns: p)
        for (range, decomposition) in zip(blockRanges, decompositions) {
            let block = decomposition.reconstructed(applying: clipped)
            for i in 0..<range.count {
                for j in 0..<range.count { matrix[range.lowerBound + i, range.lowerBound + j] = block[i, j] }
            }
        }
        return matrix
    }

    /// The blocks, their eigenvectors and eigenvalues: Σᵢ (2nᵢ² + nᵢ) scalars.
    public var memoryBytes: Int {
        let blocks = statistics?.reduce(0) { $0 + $1.elements.count } ?? 0
        let eigen = decompositions?.reduce(0) { $0 + $1.eigenvectors.elements.count + $1.eigenvalues.count } ?? 0
        return (blocks + eigen) * MemoryLayout<Scalar>.size
    }
}
