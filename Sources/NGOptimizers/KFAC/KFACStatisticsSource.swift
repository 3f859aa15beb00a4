import NGCurvature
import NGLinearAlgebra
import NGModels
import NGRandom

/// One layer's raw K-FAC material from one output-gradient batch: the inputs a of its affine
/// map and the back-propagated gradients g at its outputs.
///
/// A batch's contribution to the factors is
///
///     A_batch = (1/n)·Σ_rows ā·āᵀ          (once per update: A does not depend on the labels)
///     G_batch = Σ_batches weight·(1/L)·Σ_rows g·gᵀ
///
/// with n examples, L rows per example (convolution positions) and ``weight`` = 1/n (exact
/// Fisher: one batch per output-Fisher square-root factor; empirical Fisher: the true labels) or
/// 1/(n·k) (k Monte-Carlo label draws) — the scaling of `CurvatureEstimator.kroneckerFactors`.
public struct KFACLayerBatch<Scalar: BLASScalar> {
    /// The layer's index among the parameterized layers (the factor list's index).
    public let layoutIndex: Int
    /// Which output-gradient batch of the update this is (0, 1, …); A is taken from batch 0.
    public let batchIndex: Int
    /// Where the layer's parameters lie.
    public let layout: LayerParameterLayout
    /// a: (n·L)×in, without the trailing 1 of ā.
    public let inputs: Matrix<Scalar>
    /// g: (n·L)×out, unscaled.
    public let outputGradients: Matrix<Scalar>
    /// L.
    public let rowsPerExample: Int
    /// n, the examples the statistics use.
    public let exampleCount: Int
    /// The batch's weight in G (see the type's documentation).
    public let weight: Scalar
}

/// An evaluated objective that can produce K-FAC's per-layer a and g cheaply from the forward
/// pass it already holds — the fast path of ``KFAC`` and of the K-FAC and EKFAC approximations.
///
/// Compared with `EvaluatedObjective.kroneckerFactors`, which runs a full backward pass per
/// output-gradient batch (parameter gradients included) and returns freshly allocated factors,
/// a source's backward pass computes only what the factors need — each layer's g and the
/// input gradients that carry it down, stopping at the first parameterized layer — and hands the
/// layers' a and g to a closure that accumulates them in place (``KFACLayerFactors``), on all of
/// the batch or on its first `exampleLimit` examples.
///
/// ``NetworkPoint`` conforms.
public protocol KFACStatisticsSource<Scalar>: EvaluatedObjective {
    /// The number of network outputs: the exact Fisher needs one backward pass per output (for
    /// the likelihoods here), the Monte-Carlo Fisher one per label draw.
    var outputCount: Int { get }
    /// η, the coefficient of the L2 penalty (η/2)·‖M⊙θ‖² included in the objective (0 if none);
    /// K-FAC adds it to its damping, since the Kronecker factors do not include it.
    var penaltyCoefficient: Scalar { get }

    /// Calls `body` with every parameterized layer's a and g for each output-gradient batch of
    /// the Fisher `kind` (the square-root factors of the output Fisher for `.exact`, `samples`
    /// label draws seeded with `seed` for `.monteCarlo`, the true labels for `.empirical`),
    /// layers from last to first within a batch.
    /// - Parameter exampleLimit: use only the first min(limit, N) examples of the batch; nil: all.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for the GGN or the Hessian, a sample
    ///   count below 1 or a limit below 1; whatever `body` throws.
    func forEachKFACBatch(
        _ kind: CurvatureKind, samples: Int, seed: UInt64, exampleLimit: Int?, _ body: (KFACLayerBatch<Scalar>) throws -> Void
    ) throws
}

extension NetworkPoint: KFACStatisticsSource {
    public var outputCount: Int { estimator.network.outputCount }
    public var penaltyCoefficient: Scalar { l2 }

    /// See ``KFACStatisticsSource/forEachKFACBatch(_:samples:seed:exampleLimit:_:)``. The
    /// Monte-Carlo labels are those of `CurvatureEstimator.monteCarloTargets(samples:seed:)`
    /// when all examples are used. Dense layers pass their input gradient Δ·W on by one gemm
    /// (no parameter gradient is formed); other layers use their own backward pass.
    public func forEachKFACBatch(
        _ kind: CurvatureKind, samples: Int, seed: UInt64, exampleLimit: Int?, _ body: (KFACLayerBatch<Scalar>) throws -> Void
    ) throws {
        let pass = estimator.pass
        let network = pass.network
        let total = pass.exampleCount
        if let exampleLimit, exampleLimit < 1 {
            throw OptimizerError.invalidArgument("K-FAC: the statistics example limit must be at least 1, got \(exampleLimit)")
        }
        let n = Swift.min(exampleLimit ?? total, total)
        let states = pass.kfacPrefixStates(examples: n)
        let outputs = states.last!.output
        guard let firstLayer = network.parameterLayouts.first?.layerIndex else { return }
        let likelihood = estimator.likelihood
        var batchIndex = 0

        func propagate(_ cotangents: Matrix<Scalar>, weight: Scalar) throws {
            var delta = cotangents
            var layoutIndex = network.parameterLayouts.count
            for l in network.layers.indices.reversed() {
                let layer = network.layers[l], state = states[l], range = network.parameterRanges[l]
                if !range.isEmpty {
                    layoutIndex -= 1
                    guard let record = layer.affineRecord(outputGradient: delta, state: state) else {
                        throw OptimizerError.unsupported("K-FAC: layer \(l) (\(layer)) has parameters but no affine record")
                    }
                    try body(KFACLayerBatch(
                        layoutIndex: layoutIndex, batchIndex: batchIndex, layout: network.parameterLayouts[layoutIndex],
                        inputs: record.inputs, outputGradients: record.outputGradients, rowsPerExample: record.rowsPerExample,
                        exampleCount: n, weight: weight))
                }
                if l == firstLayer { break }
                delta = Self.inputGradient(of: layer, delta, state: state, parameters: pass.parameters.elements[range])
            }
            batchIndex += 1
        }

        switch kind {
        case .exact:
            for factor in likelihood.fisherSquareRootFactors(outputs: outputs) { try propagate(factor, weight: 1 / Scalar(n)) }
        case .monteCarlo:
            guard samples >= 1 else {
                throw OptimizerError.invalidArgument("K-FAC: the Monte-Carlo sample count must be at least 1, got \(samples)")
            }
            var generator = SeededGenerator(seed: seed)
            let weight = 1 / (Scalar(n) * Scalar(samples))
            if likelihood.kind == .bernoulli {
                // The autoencoder's case (N×784 draws per update): σ once, then fused sampling and
                // residuals with the same draws as `sampleTargets` (see `KFACKernels`).
                let probabilities = ActivationFunction.sigmoid.apply(outputs)
                for _ in 0..<samples {
                    try propagate(KFACKernels.bernoulliResiduals(probabilities: probabilities, generator: &generator), weight: weight)
                }
            } else {
                for _ in 0..<samples {
                    let sampled = likelihood.sampleTargets(outputs: outputs, generator: &generator)
                    try propagate(try likelihood.outputGradients(outputs: outputs, targets: sampled), weight: weight)
                }
            }
        case .empirical:
            let targets = n == total ? estimator.targets : estimator.targets.kfacPrefix(rows: n)
            try propagate(try likelihood.outputGradients(outputs: outputs, targets: targets), weight: 1 / Scalar(n))
        case .ggn, .hessian:
            throw OptimizerError.invalidArgument(
                "K-FAC: G is an expectation of gradient outer products; use the exact, Monte-Carlo or empirical Fisher, not the \(kind.displayName)")
        }
    }

    /// Δ·∂y/∂x for one layer: Δ·W by one gemm for a dense layer, the layer's backward pass otherwise.
    static func inputGradient(
        of layer: any Layer<Scalar>, _ delta: Matrix<Scalar>, state: LayerState<Scalar>, parameters: ArraySlice<Scalar>
    ) -> Matrix<Scalar> {
        if let dense = layer as? Dense<Scalar> {
            let (rows, inputs, outputs) = (delta.rows, dense.inputCount, dense.outputCount)
            var result: Matrix<Scalar> = KFACKernels.uninitializedMatrix(rows: rows, columns: inputs)
            parameters.withUnsafeBufferPointer { w in
                delta.elements.withUnsafeBufferPointer { d in
                    result.elements.withUnsafeMutableBufferPointer { r in
                        Scalar.gemm(
                            .none, .none, Int32(rows), Int32(inputs), Int32(outputs), 1, d.baseAddress!, Int32(outputs),
                            w.baseAddress!, Int32(inputs), 0, r.baseAddress!, Int32(inputs))
                    }
                }
            }
            return result
        }
        return layer.backward(delta, state: state, parameters: parameters, computingInputGradient: true).input!
    }
}

extension ForwardPass {
    /// The layer states of the first n examples (all of them when n covers the batch), each
    /// activation copied once: a layer whose input is the previous layer's output (the same
    /// storage, as ``Network/forward(_:parameters:)`` passes it on) reuses that output's copy.
    func kfacPrefixStates(examples n: Int) -> [LayerState<Scalar>] {
        let total = exampleCount
        guard n < total else { return layerStates }
        var states = [LayerState<Scalar>]()
        states.reserveCapacity(layerStates.count)
        for (l, state) in layerStates.enumerated() {
            let shared = l > 0 && state.input.sharesStorage(with: layerStates[l - 1].output)
            states.append(state.kfacPrefix(examples: n, of: total, input: shared ? states[l - 1].output : nil))
        }
        return states
    }
}

extension LayerState {
    /// The state of the first n of `total` examples: the example-major prefixes of the input
    /// (`input` when the caller has it already), output and patch rows, and of the max-pooling
    /// selections (which index the example's own input entries, so a prefix of outputs selects
    /// within the prefix of inputs).
    func kfacPrefix(examples n: Int, of total: Int, input prefixInput: Matrix<Scalar>? = nil) -> LayerState {
        let patchRows = patches.map { $0.rows / Swift.max(total, 1) * n }
        let selected = selectedIndices.isEmpty ? [] : Array(selectedIndices.prefix(n * output.columns))
        return LayerState(
            input: prefixInput ?? input.kfacPrefix(rows: n), output: output.kfacPrefix(rows: n),
            patches: patches.map { $0.kfacPrefix(rows: patchRows!) }, selectedIndices: selected)
    }
}

extension Matrix {
    /// The first `rows` rows (a contiguous prefix of the row-major elements).
    func kfacPrefix(rows count: Int) -> Matrix { KFACKernels.prefix(self, rows: count) }

    /// Whether both matrices have the same shape and the same element storage (one value passed on).
    func sharesStorage(with other: Matrix) -> Bool {
        rows == other.rows && columns == other.columns
            && elements.withUnsafeBufferPointer { a in other.elements.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress } }
    }
}
