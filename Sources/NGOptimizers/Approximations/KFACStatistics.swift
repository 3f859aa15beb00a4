import NGCurvature
import NGLinearAlgebra
import NGModels

/// The Fisher whose expectation K-FAC's output-gradient factor G estimates.
///
/// G = E[g·gᵀ] needs the pre-activation gradients g under labels drawn from the model. The
/// exact expectation takes one backward pass per column of the output Fisher's square root
/// (one per network output for the likelihoods here: 784 for the autoencoder's Bernoulli
/// pixels), a Monte-Carlo estimate one per label draw, and the empirical Fisher — the true
/// labels, for comparison only (Kunstner et al. 2019) — one.
public enum KFACFisherEstimate: Sendable, Equatable, Hashable {
    /// The exact expectation when it costs no more than one Monte-Carlo draw (one network
    /// output, e.g. logistic regression), otherwise one Monte-Carlo label draw per example.
    case automatic
    /// The exact expectation over the model's predictive distribution (no sampling).
    case exact
    /// k labels per example drawn from the model, fresh (seeded) at every statistics update.
    case monteCarlo(samples: Int)
    /// The true labels (the empirical Fisher).
    case empirical

    /// The curvature kind and sample count for a network with `outputCount` outputs (nil when
    /// unknown: ``automatic`` then draws one Monte-Carlo sample).
    public func resolved(outputCount: Int?) -> (kind: CurvatureKind, samples: Int) {
        switch self {
        case .automatic: return outputCount == 1 ? (.exact, 1) : (.monteCarlo, 1)
        case .exact: return (.exact, 1)
        case let .monteCarlo(samples): return (.monteCarlo, samples)
        case .empirical: return (.empirical, 1)
        }
    }

    /// A short name: `automatic`, `exact`, `mc:k`, `empirical`.
    public var name: String {
        switch self {
        case .automatic: return "automatic"
        case .exact: return "exact"
        case let .monteCarlo(samples): return "mc:\(samples)"
        case .empirical: return "empirical"
        }
    }
}

/// Statistics updates shared by ``KFAC``, ``KFACApproximation`` and ``EKFACApproximation``.
enum KFACStatistics {
    /// Zero-statistics blocks for the layers, in order.
    /// - Throws: ``OptimizerError/unsupported(_:)`` for an objective without layers.
    static func blocks<Scalar: BLASScalar>(for layers: [LayerParameterLayout], owner: String) throws -> [KFACLayerFactors<Scalar>] {
        guard !layers.isEmpty else {
            throw OptimizerError.unsupported("\(owner) needs an objective with layers (Kronecker factors per dense or convolution layer); this one has none")
        }
        return layers.map { KFACLayerFactors(layout: $0) }
    }

    /// Throws unless `layers` are those of the blocks.
    static func checkLayers<Scalar: BLASScalar>(_ layers: [LayerParameterLayout], _ blocks: [KFACLayerFactors<Scalar>], owner: String) throws {
        guard layers == blocks.map(\.layout) else {
            throw OptimizerError.invalidArgument("\(owner): the objective's layers changed since the first statistics update")
        }
    }

    /// Folds the factors at `point` into the blocks' running averages with decay ε (ε is
    /// ignored by blocks without statistics yet).
    ///
    /// Through ``KFACStatisticsSource`` when the point is one (in place, no factor matrices
    /// allocated, optionally on the first `exampleLimit` examples), otherwise through
    /// `EvaluatedObjective.kroneckerFactors` (all examples). `observe` sees every layer batch
    /// of the fast path after it has been accumulated (EKFAC's scalings use them).
    static func update<P: EvaluatedObjective>(
        _ blocks: inout [KFACLayerFactors<P.Scalar>], at point: P, kind: CurvatureKind, samples: Int, seed: UInt64,
        decay: P.Scalar, exampleLimit: Int?, observe: ((KFACLayerBatch<P.Scalar>) throws -> Void)? = nil
    ) throws {
        typealias Scalar = P.Scalar
        if let source = point as? any KFACStatisticsSource<Scalar> {
            let decays = blocks.map { $0.effectiveDecay(decay) }
            var positions = [Int](repeating: 1, count: blocks.count)
            var seen = [Bool](repeating: false, count: blocks.count)
            try source.forEachKFACBatch(kind, samples: samples, seed: seed, exampleLimit: exampleLimit) { batch in
                let l = batch.layoutIndex
                guard l < blocks.count, blocks[l].layout == batch.layout else {
                    throw OptimizerError.invalidArgument("K-FAC: the network's layer \(batch.layout.layerIndex) does not match the objective's layers")
                }
                let rows = batch.outputGradients.rows
                let positionsPerExample = batch.rowsPerExample
                if batch.batchIndex == 0 {
                    blocks[l].accumulateInputGram(batch.inputs, rowCount: batch.inputs.rows, scale: 1 / Scalar(batch.exampleCount), decay: decays[l])
                }
                blocks[l].accumulateGradientGram(
                    batch.outputGradients, rowCount: rows, alpha: (1 - decays[l]) * batch.weight / Scalar(positionsPerExample),
                    beta: batch.batchIndex == 0 ? decays[l] : 1)
                positions[l] = positionsPerExample
                seen[l] = true
                try observe?(batch)
            }
            guard seen.allSatisfy({ $0 }) else {
                throw OptimizerError.invalidArgument("K-FAC: the objective's layers do not match the network's parameterized layers")
            }
            for l in blocks.indices { blocks[l].finishUpdate(positionsPerExample: positions[l]) }
            return
        }
        let factors = try point.kroneckerFactors(kind, samples: samples, seed: seed)
        guard factors.count == blocks.count else {
            throw OptimizerError.invalidArgument("K-FAC: the objective gave factors for \(factors.count) layers, \(blocks.count) expected")
        }
        for l in blocks.indices { try blocks[l].blend(factors[l], decay: decay) }
    }

    /// The parameters no layer covers (the damped identity block of the approximations).
    static func uncoveredIndices(_ layers: [LayerParameterLayout], parameterCount: Int) -> [Int] {
        var covered = [Bool](repeating: false, count: parameterCount)
        for layout in layers { for j in layout.range where j < parameterCount { covered[j] = true } }
        return (0..<parameterCount).filter { !covered[$0] }
    }
}
