import NGCurvature
import NGLinearAlgebra
import NGModels

/// K-FAC's block-diagonal Kronecker-factored approximation of the Fisher (Martens & Grosse
/// 2015, "Optimizing neural networks with Kronecker-factored approximate curvature"; Grosse &
/// Martens 2016, "A Kronecker-factored approximate Fisher matrix for convolution layers"):
///
///     F̃ = blockdiag(G₁ ⊗ A₁, …, G_L ⊗ A_L)       (layer by layer, in θ's order)
///
/// with, for each dense or convolution layer, A the second moment of its augmented inputs and G
/// that of the gradients at its outputs (``KroneckerFactors``), both running averages over the
/// statistics updates. Each block acts on the layer's augmented weight [W | b] in row-major
/// order and is mapped to and from θ's order (W row-major, then b) with the layer's
/// `LayerParameterLayout`; ``denseMatrix()`` assembles the P×P oracle the same way
/// (``KroneckerFactors/denseBlockInParameterOrder()``). Parameters no layer covers get a zero
/// block (the damped solve divides them by λ).
///
/// Damped solves (F̃ + λI)⁻¹·v, chosen by ``inverseMethod``:
/// - factored Tikhonov damping with the π rescaling (§6.3, ``KFACFactoredDamping``): each block
///   is replaced by (G + (√λ/π)·I) ⊗ (A + π·√λ·I), inverted by two Cholesky inverses — cheap,
///   but it adds a cross term to λI;
/// - exact damping: (G ⊗ A + λI)⁻¹ through the factors' eigendecompositions (``KroneckerEigenbasis``).
///
/// The source of G (``CurvatureSource``): `.exact` takes the exact expectation over the model's
/// predictive distribution through the output Fisher's square-root factors (no sampling; one
/// backward pass per factor), `.monteCarlo` draws labels from the model with a fresh seed per
/// update (`seed &+ n` for update n, reproducible), `.empirical` uses the true labels. For one
/// example (and for linear networks with Gaussian outputs) each block equals the exact Fisher's
/// layer block. Networks' points use the in-place path of ``KFACStatisticsSource``.
public struct KFACApproximation<Scalar: BLASScalar>: CurvatureApproximation {
    /// Where G's expectation comes from (the GGN and the Hessian are not allowed).
    public let source: CurvatureSource
    /// How blocks are damped and inverted.
    public let inverseMethod: KFACInverseMethod
    /// Use only the first examples of each batch for the statistics (nil: all).
    public let statisticsExampleLimit: Int?
    /// The per-layer statistics and inverses, in layer order (empty before the first update).
    public private(set) var layerFactors: [KFACLayerFactors<Scalar>] = []
    /// The number of statistics updates so far (the Monte-Carlo seed offset).
    public private(set) var updateCount = 0
    /// The damping of the last inverse update (nil before).
    public private(set) var damping: Scalar?
    /// P, fixed by the first statistics update.
    public private(set) var parameterCount = 0
    /// Parameters outside every layer.
    var uncovered: [Int] = []

    /// - Parameters:
    ///   - source: the Fisher of G (default the exact Fisher).
    ///   - inverseMethod: factored Tikhonov damping (default) or exact damping.
    ///   - statisticsExampleLimit: the number of examples of each batch the statistics use (nil: all).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for the GGN or the Hessian, a sample
    ///   count or example limit below 1.
    public init(source: CurvatureSource = .exact, inverseMethod: KFACInverseMethod = .factoredTikhonov, statisticsExampleLimit: Int? = nil) throws {
        try source.validate("K-FAC")
        guard source.kind != .ggn, source.kind != .hessian else {
            throw OptimizerError.invalidArgument("K-FAC: G is an expectation of gradient outer products; use the exact, Monte-Carlo or empirical Fisher, not the \(source.kind.displayName)")
        }
        if let statisticsExampleLimit, statisticsExampleLimit < 1 {
            throw OptimizerError.invalidArgument("K-FAC: the statistics example limit must be at least 1, got \(statisticsExampleLimit)")
        }
        self.source = source
        self.inverseMethod = inverseMethod
        self.statisticsExampleLimit = statisticsExampleLimit
    }

    public var name: String { "kfac:\(source.kind.rawValue)" }

    /// - Throws: ``OptimizerError/unsupported(_:)`` for an objective without layers,
    ///   ``OptimizerError/invalidArgument(_:)`` for a decay outside [0, 1) or layers that changed;
    ///   errors of the objective.
    public mutating func updateStatistics<P: EvaluatedObjective>(at point: P, layers: [LayerParameterLayout], decay: Scalar) throws
    where P.Scalar == Scalar {
        try CurvatureStatistics.validate(decay: decay, name)
        if layerFactors.isEmpty {
            layerFactors = try KFACStatistics.blocks(for: layers, owner: name)
            parameterCount = point.parameters.count
            uncovered = KFACStatistics.uncoveredIndices(layers, parameterCount: parameterCount)
        } else {
            try KFACStatistics.checkLayers(layers, layerFactors, owner: name)
            guard point.parameters.count == parameterCount else {
                throw OptimizerError.invalidArgument("\(name): \(point.parameters.count) parameters, \(parameterCount) at the first update")
            }
        }
        try KFACStatistics.update(
            &layerFactors, at: point, kind: source.kind, samples: source.samples, seed: source.seed(forUpdate: updateCount),
            decay: decay, exampleLimit: statisticsExampleLimit)
        updateCount += 1
    }

    /// Inverts every layer's damped block for λ (see ``inverseMethod``).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` before any statistics, for a negative
    ///   damping, for λ = 0 with parameters outside the layers, or when a damped factor is not
    ///   positive definite.
    public mutating func updateInverse(damping: Scalar) throws {
        try CurvatureStatistics.validate(damping: damping, name)
        guard !layerFactors.isEmpty else { throw CurvatureStatistics.noStatistics(name) }
        if damping == 0, !uncovered.isEmpty {
            throw OptimizerError.invalidArgument("\(name): \(uncovered.count) parameters lie outside every layer; their block is λI, so the damping must be positive")
        }
        for l in layerFactors.indices { try layerFactors[l].updateInverse(damping: damping, method: inverseMethod) }
        self.damping = damping
    }

    /// (F̃ + λI)⁻¹·v, layer by layer (factored damping: G_d⁻¹·[∇W | ∇b]·A_d⁻¹ by gemms on the
    /// flat slices), v/λ outside the layers.
    public func solve(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard let damping else { throw CurvatureStatistics.noInverse(name) }
        try CurvatureStatistics.validate(v, count: parameterCount, name)
        var out = Vector<Scalar>(count: v.count)
        var blocks = layerFactors
        try v.elements.withUnsafeBufferPointer { input in
            try out.elements.withUnsafeMutableBufferPointer { output in
                for l in blocks.indices { try blocks[l].solve(flat: input, into: output) }
            }
        }
        for j in uncovered { out[j] = v[j] / damping }
        return out
    }

    /// F̃·v = (G ⊗ A)·v layer by layer (undamped); zero outside the layers.
    public func multiply(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard !layerFactors.isEmpty else { throw CurvatureStatistics.noStatistics(name) }
        try CurvatureStatistics.validate(v, count: parameterCount, name)
        var out = Vector<Scalar>(count: v.count)
        for block in layerFactors {
            let product = try block.multiply(augmented: KFACLayerFactors.augmented(v, layout: block.layout))
            KFACLayerFactors.scatter(product, into: &out, layout: block.layout)
        }
        return out
    }

    /// blockdiag(G ⊗ A) in θ's order, P×P (zero outside the layers).
    public func denseMatrix() throws -> Matrix<Scalar> {
        guard !layerFactors.isEmpty else { throw CurvatureStatistics.noStatistics(name) }
        let p = parameterCount
        var matrix = Matrix<Scalar>(rows: p, columns: p)
        for block in layerFactors {
            let dense = block.factors.denseBlockInParameterOrder()
            let range = block.layout.range
            for i in 0..<range.count {
                for j in 0..<range.count { matrix[range.lowerBound + i, range.lowerBound + j] = dense[i, j] }
            }
        }
        return matrix
    }

    /// Σ over layers of A, G, their inverses (or eigenvectors) and the solve workspace.
    public var memoryBytes: Int { layerFactors.reduce(0) { $0 + $1.memoryBytes } }
}
