import NGCurvature
import NGLinearAlgebra
import NGModels

/// EKFAC: K-FAC's Kronecker eigenbasis with the diagonal re-estimated in that basis (George,
/// Laurent, Bouthillier, Ballas & Vincent 2018, "Fast approximate natural gradient descent in a
/// Kronecker-factored eigenbasis").
///
/// For each layer, with the K-FAC factors' eigendecompositions G = Q_G·Λ_G·Q_Gᵀ and
/// A = Q_A·Λ_A·Q_Aᵀ, K-FAC is (Q_G ⊗ Q_A)·(Λ_G ⊗ Λ_A)·(Q_G ⊗ Q_A)ᵀ. EKFAC keeps the basis
/// Q = Q_G ⊗ Q_A and replaces the Kronecker-structured eigenvalues by
///
///     s = E[(Qᵀ·∇θᵢ)²] = diag(Qᵀ·F·Q)         (per-example gradients ∇θᵢ of the layer)
///
/// — the diagonal that minimizes ‖F − Q·diag(s)·Qᵀ‖_F for that basis, so EKFAC is never
/// further from the layer's Fisher block F than K-FAC in the Frobenius norm. The per-example
/// gradients are those of the Fisher of ``source``: of the output Fisher's square-root factors
/// for the exact Fisher (so that Σ ∇θᵢ∇θᵢᵀ is exactly F), at labels drawn from the model for
/// the Monte-Carlo Fisher (the same labels as the factors' update), at the true labels for the
/// empirical one. Networks compute s from the layers' a and g without forming per-example
/// gradients (``EKFACScalings``); other objectives from their gradient square root
/// (``CurvatureSquareRootProviding``).
///
/// Schedule (the paper's Algorithm 1): every statistics update folds A, G and s into running
/// averages; every ``eigenbasisUpdateInterval`` updates (and at the first) the basis is
/// recomputed from the averaged A and G and s restarts from the current batch, since scalings
/// measured in an old basis do not carry over. Damped solves are
/// (F̃ + λI)⁻¹·v = Q·[(Qᵀv) ⊘ (s + λ)] (`KroneckerEigenbasis.solve(_:eigenbasisDiagonal:damping:)`).
public struct EKFACApproximation<Scalar: BLASScalar>: CurvatureApproximation {
    /// Where G's expectation and the per-example gradients come from.
    public let source: CurvatureSource
    /// T_eig: recompute the Kronecker eigenbasis every this many statistics updates.
    public let eigenbasisUpdateInterval: Int
    /// The per-layer K-FAC factors (running averages).
    public private(set) var layerFactors: [KFACLayerFactors<Scalar>] = []
    /// Each layer's eigenbasis Q_G ⊗ Q_A (left G, right A).
    public private(set) var eigenbases: [KroneckerEigenbasis<Scalar>] = []
    /// Each layer's eigenbasis diagonal s, out×(in+1) in the basis' coordinates (running average).
    public private(set) var scalings: [Matrix<Scalar>] = []
    /// The number of statistics updates so far.
    public private(set) var updateCount = 0
    /// The damping of the last inverse update (nil before).
    public private(set) var damping: Scalar?
    /// P, fixed by the first statistics update.
    public private(set) var parameterCount = 0
    var uncovered: [Int] = []

    /// - Parameters:
    ///   - source: the Fisher (default the exact Fisher).
    ///   - eigenbasisUpdateInterval: T_eig ≥ 1 (default 1: a fresh basis at every update).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for the GGN or the Hessian, a sample
    ///   count or interval below 1.
    public init(source: CurvatureSource = .exact, eigenbasisUpdateInterval: Int = 1) throws {
        try source.validate("EKFAC")
        guard source.kind != .ggn, source.kind != .hessian else {
            throw OptimizerError.invalidArgument("EKFAC: the scalings are second moments of gradients; use the exact, Monte-Carlo or empirical Fisher, not the \(source.kind.displayName)")
        }
        try HyperparameterCheck.count(eigenbasisUpdateInterval, "the eigenbasis update interval", atLeast: 1, in: "EKFAC")
        self.source = source
        self.eigenbasisUpdateInterval = eigenbasisUpdateInterval
    }

    public var name: String { "ekfac:\(source.kind.rawValue)" }

    /// Updates A and G, the eigenbasis when due, and the scalings s in the current basis.
    /// - Throws: ``OptimizerError/unsupported(_:)`` for an objective without layers or whose
    ///   per-example gradients are unavailable, ``OptimizerError/invalidArgument(_:)`` for a
    ///   decay outside [0, 1) or layers that changed; errors of the objective.
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
        let seed = source.seed(forUpdate: updateCount)
        var batches = [KFACLayerBatch<Scalar>]()
        try KFACStatistics.update(
            &layerFactors, at: point, kind: source.kind, samples: source.samples, seed: seed, decay: decay, exampleLimit: nil,
            observe: { batches.append($0) })

        let refresh = eigenbases.isEmpty || updateCount % eigenbasisUpdateInterval == 0
        if refresh {
            eigenbases = try layerFactors.map {
                KroneckerEigenbasis(left: try SymmetricEigendecomposition($0.gradientFactor), right: try SymmetricEigendecomposition($0.inputFactor))
            }
        }
        var current = layerFactors.map { Matrix<Scalar>(rows: $0.layout.rows, columns: $0.layout.columns + 1) }
        if !batches.isEmpty {
            for batch in batches {
                try EKFACScalings.accumulate(
                    into: &current[batch.layoutIndex], basis: eigenbases[batch.layoutIndex], inputs: batch.inputs,
                    outputGradients: batch.outputGradients, rowsPerExample: batch.rowsPerExample, weight: batch.weight)
            }
        } else if let (root, _) = try CurvatureStatistics.squareRoot(point, source.kind, samples: source.samples, seed: seed) {
            for l in layerFactors.indices {
                try EKFACScalings.accumulate(into: &current[l], basis: eigenbases[l], squareRoot: root, layout: layerFactors[l].layout)
            }
        } else {
            throw OptimizerError.unsupported("\(name): the objective gives neither layer records nor per-example gradients for the \(source.kind.displayName)")
        }
        if refresh || scalings.isEmpty || decay == 0 {
            scalings = current
        } else {
            for l in scalings.indices {
                scalings[l].scale(by: decay)
                try scalings[l].add(current[l], scaledBy: 1 - decay)
            }
        }
        updateCount += 1
    }

    /// Records λ (the solve is diagonal in the eigenbasis: nothing to factor).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` before any statistics, for a negative
    ///   damping, or for λ = 0 when some scaling is zero or parameters lie outside the layers.
    public mutating func updateInverse(damping: Scalar) throws {
        try CurvatureStatistics.validate(damping: damping, name)
        guard !scalings.isEmpty else { throw CurvatureStatistics.noStatistics(name) }
        if damping == 0 {
            guard uncovered.isEmpty, scalings.allSatisfy({ $0.elements.allSatisfy { $0 > 0 } }) else {
                throw OptimizerError.invalidArgument("\(name): some eigenbasis scalings are zero (or parameters lie outside the layers); the damping must be positive")
            }
        }
        self.damping = damping
    }

    /// Q·[(Qᵀ·v) ⊘ (s + λ)] layer by layer, v/λ outside the layers.
    public func solve(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard let damping else { throw CurvatureStatistics.noInverse(name) }
        try CurvatureStatistics.validate(v, count: parameterCount, name)
        var out = Vector<Scalar>(count: v.count)
        for l in layerFactors.indices {
            let layout = layerFactors[l].layout
            let x = try eigenbases[l].solve(KFACLayerFactors.augmented(v, layout: layout), eigenbasisDiagonal: scalings[l], damping: damping)
            KFACLayerFactors.scatter(x, into: &out, layout: layout)
        }
        for j in uncovered { out[j] = v[j] / damping }
        return out
    }

    /// Q·[(Qᵀ·v) ⊙ s] layer by layer (undamped); zero outside the layers.
    public func multiply(_ v: Vector<Scalar>) throws -> Vector<Scalar> {
        guard !scalings.isEmpty else { throw CurvatureStatistics.noStatistics(name) }
        try CurvatureStatistics.validate(v, count: parameterCount, name)
        var out = Vector<Scalar>(count: v.count)
        for l in layerFactors.indices {
            let layout = layerFactors[l].layout
            let y = try eigenbases[l].multiply(KFACLayerFactors.augmented(v, layout: layout), eigenbasisDiagonal: scalings[l])
            KFACLayerFactors.scatter(y, into: &out, layout: layout)
        }
        return out
    }

    /// blockdiag(Q·diag(s)·Qᵀ) in θ's order, P×P, for tests on small models: each block's Q is
    /// formed densely as Q_G ⊗ Q_A.
    public func denseMatrix() throws -> Matrix<Scalar> {
        guard !scalings.isEmpty else { throw CurvatureStatistics.noStatistics(name) }
        let p = parameterCount
        var matrix = Matrix<Scalar>(rows: p, columns: p)
        for l in layerFactors.indices {
            let layout = layerFactors[l].layout
            let q = try KroneckerProduct(eigenbases[l].left.eigenvectors, eigenbases[l].right.eigenvectors).dense
            var scaled = q
            let (order, s) = (q.rows, scalings[l].elements)
            for i in 0..<order { for k in 0..<order { scaled[i, k] *= s[k] } }
            let block = KroneckerFactors<Scalar>.permutedToParameterOrder(
                try scaled.multiplied(by: q, transposingOther: true), layout: layout)
            let range = layout.range
            for i in 0..<range.count {
                for j in 0..<range.count { matrix[range.lowerBound + i, range.lowerBound + j] = block[i, j] }
            }
        }
        return matrix
    }

    /// A, G, both eigenbases and s per layer.
    public var memoryBytes: Int {
        let factors = layerFactors.reduce(0) { $0 + $1.memoryBytes }
        let bases = eigenbases.reduce(0) {
            $0 + $1.left.eigenvectors.elements.count + $1.right.eigenvectors.elements.count + $1.left.eigenvalues.count + $1.right.eigenvalues.count
        }
        let diagonals = scalings.reduce(0) { $0 + $1.elements.count }
        return factors + (bases + diagonals) * MemoryLayout<Scalar>.size
    }
}
