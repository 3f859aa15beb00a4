import NGLinearAlgebra
import NGModels

extension CurvatureEstimator {
    /// K-FAC's factors A and G for every parameterized layer, in layer order (index i is the
    /// i-th dense or convolution layer: `layers.{i}` in PyTorch naming for a multilayer perceptron).
    ///
    /// A = (1/N)·Σ āāᵀ comes from the layer inputs of the forward pass (patches summed over
    /// positions for convolutions; see ``KroneckerFactors``). G = (1/(N·L))·Σ ggᵀ comes from
    /// back-propagating, with capture of each layer's pre-activation gradients g:
    /// - `.exact` (default): the columns of the likelihood's output-Fisher square root, B₁…B_K,
    ///   one backward pass each, so that Σ_r g_r·g_rᵀ = E_{y~p(·|x)}[g·gᵀ] **exactly**, with no
    ///   sampling (g_r = J_sᵀ·b_r for the Jacobian J_s of the outputs in the pre-activations s,
    ///   and Σ_r b_r·b_rᵀ = F_z = E[∇_zℓ·∇_zℓᵀ]);
    /// - `.monteCarlo`: the loss gradients at k labels per example drawn from the model (the
    ///   same labels as the Monte-Carlo Fisher for this `samples` and `seed`), averaged;
    /// - `.empirical`: the loss gradients at the true labels.
    ///
    /// For one example and a dense layer, G ⊗ A is then exactly the layer's diagonal block of
    /// ``denseMatrix(_:samples:seed:)`` of the same kind (after
    /// ``KroneckerFactors/denseBlockInParameterOrder()``).
    /// - Parameters:
    ///   - kind: `.exact`, `.monteCarlo` or `.empirical`, the expectation used in G.
    ///   - samples: k, for the Monte-Carlo kind.
    ///   - seed: the seed of the Monte-Carlo labels.
    /// - Throws: ``CurvatureError/invalidArgument(_:)`` for `.ggn` or `.hessian`, or k < 1.
    public func kroneckerFactors(_ kind: CurvatureKind = .exact, samples: Int = 1, seed: UInt64 = 0) throws -> [KroneckerFactors<Scalar>] {
        guard kind != .ggn, kind != .hessian else {
            throw CurvatureError.invalidArgument("K-FAC factors: G is an expectation of gradient outer products; use exact, mc or empirical, not \(kind.rawValue)")
        }
        var inputFactors = [Matrix<Scalar>]()
        var gradientFactors = [Matrix<Scalar>]()
        var layouts = [LayerParameterLayout]()
        var positions = [Int]()
        let weight = try forEachOutputGradientBatch(kind, samples: samples, seed: seed) { batch in
            let records = try pass.backward(batch, capturing: .layerRecords).layerRecords
            if layouts.isEmpty {
                let n = Scalar(exampleCount)
                for record in records {
                    layouts.append(record.layout)
                    positions.append(record.rowsPerExample)
                    inputFactors.append(record.augmentedInputs.gram(alpha: 1 / n))
                    gradientFactors.append(Matrix(rows: record.layout.rows, columns: record.layout.rows))
                }
            }
            for (l, record) in records.enumerated() {
                Self.accumulateGram(of: record.outputGradients, alpha: 1 / Scalar(record.rowsPerExample), into: &gradientFactors[l])
            }
        }
        return layouts.indices.map { l in
            var gradientFactor = gradientFactors[l]
            gradientFactor.scale(by: weight)
            gradientFactor.symmetrize(from: .upper)
            return KroneckerFactors(
                layout: layouts[l], inputFactor: inputFactors[l], gradientFactor: gradientFactor,
                positionsPerExample: positions[l], exampleCount: exampleCount)
        }
    }
}
