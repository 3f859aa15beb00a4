import NGLinearAlgebra

/// The affine map Y = X·Wᵀ + 1·bᵀ shared by ``Dense`` (X = the layer input) and ``Convolution2D``
/// (X = the im2col patches), with every derivative the network needs, each one gemm on the
/// whole batch.
///
/// The parameters are read in place from the layer's slice of the flat parameter vector: the
/// weight W (`outputCount`×`inputCount`, row-major) followed by the bias b (`outputCount`),
/// PyTorch's `parameters_to_vector` order. X has M rows: M = N for a dense layer, M = N·L for a
/// convolution with L output positions per example (rows example-major).
struct AffineMap<Scalar: BLASScalar>: Sendable {
    /// The fan-in K: columns of W and of X.
    let inputCount: Int
    /// The number of outputs: rows of W, entries of b, columns of Y.
    let outputCount: Int

    /// out·K weights followed by out biases.
    var parameterCount: Int { outputCount * inputCount + outputCount }
    var weightCount: Int { outputCount * inputCount }

    /// Y = X·Wᵀ + 1·bᵀ.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func apply(_ x: Matrix<Scalar>, parameters: ArraySlice<Scalar>) -> Matrix<Scalar> {
        precondition(x.columns == inputCount && parameters.count == parameterCount, "AffineMap.apply: shapes do not fit")
        let (m, k, n, weights) = (x.rows, inputCount, outputCount, weightCount)
        // The bias rows are copied into fresh (not zero-filled) storage, then the gemm adds X·Wᵀ.
        return parameters.withUnsafeBufferPointer { p in
            x.elements.withUnsafeBufferPointer { px in
                Matrix(rows: m, columns: n) { py in
                    guard m > 0, n > 0 else { return }
                    let (bias, target) = (p.baseAddress! + weights, py.baseAddress!)
                    ParallelChunks.forEach(count: m * n, alignment: n) { _, range in
                        RawKernels.broadcast(bias, rows: range.count / n, columns: n, into: target + range.lowerBound)
                    }
                    RawKernels.gemm(.none, .transpose, m: m, n: n, k: k, px.baseAddress, lda: k, p.baseAddress, ldb: k, beta: 1, py.baseAddress, ldc: n)
                }
            }
        }
    }

    /// Y ← Y + X·Wᵀ + 1·bᵀ for the weights and bias in `parameters` (also used with a parameter
    /// tangent in place of the parameters: X·Vᵀ + 1·v_bᵀ).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func addProduct(_ x: Matrix<Scalar>, parameters: ArraySlice<Scalar>, to y: inout Matrix<Scalar>) {
        let (m, k, n, weights) = (x.rows, inputCount, outputCount, weightCount)
        parameters.withUnsafeBufferPointer { p in
            x.elements.withUnsafeBufferPointer { px in
                y.elements.withUnsafeMutableBufferPointer { py in
                    if m > 0, n > 0 { RawKernels.addRow(p.baseAddress! + weights, rows: m, columns: n, to: py.baseAddress!) }
                    RawKernels.gemm(.none, .transpose, m: m, n: n, k: k, px.baseAddress, lda: k, p.baseAddress, ldb: k, beta: 1, py.baseAddress, ldc: n)
                }
            }
        }
    }

    /// The forward-mode tangent (R-op) of Y = X·Wᵀ + 1·bᵀ in direction (Ẋ, V, v_b):
    /// Ẏ = Ẋ·Wᵀ + X·Vᵀ + 1·v_bᵀ, with Ẋ = 0 when `inputTangent` is nil.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func tangent(
        inputTangent: Matrix<Scalar>?, inputs x: Matrix<Scalar>,
        parameters: ArraySlice<Scalar>, parameterTangent: ArraySlice<Scalar>
    ) -> Matrix<Scalar> {
        var y = Matrix<Scalar>(rows: x.rows, columns: outputCount)
        addProduct(x, parameters: parameterTangent, to: &y)
        if let inputTangent { addWeightProduct(inputTangent, weights: parameters, to: &y) }
        return y
    }

    /// Y ← Y + X·Wᵀ (no bias).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func addWeightProduct(_ x: Matrix<Scalar>, weights: ArraySlice<Scalar>, to y: inout Matrix<Scalar>) {
        let (m, k, n) = (x.rows, inputCount, outputCount)
        weights.withUnsafeBufferPointer { p in
            x.elements.withUnsafeBufferPointer { px in
                y.elements.withUnsafeMutableBufferPointer { py in
                    RawKernels.gemm(.none, .transpose, m: m, n: n, k: k, px.baseAddress, lda: k, p.baseAddress, ldb: k, beta: 1, py.baseAddress, ldc: n)
                }
            }
        }
    }

    /// ∂/∂X of ⟨Δ, Y⟩: Δ·W (M×K), the gradient passed on to the layer below.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func inputGradient(_ delta: Matrix<Scalar>, parameters: ArraySlice<Scalar>) -> Matrix<Scalar> {
        let (m, k, n) = (delta.rows, inputCount, outputCount)
        return parameters.withUnsafeBufferPointer { p in
            delta.elements.withUnsafeBufferPointer { pd in
                Matrix(rows: m, columns: k) { px in
                    // β = 0: the gemm overwrites the fresh storage (zeros when n = 0).
                    RawKernels.gemm(.none, .none, m: m, n: k, k: n, pd.baseAddress, lda: n, p.baseAddress, ldb: k, beta: 0, px.baseAddress, ldc: k)
                }
            }
        }
    }

    /// dX ← dX + Δ·W.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func addInputGradient(_ delta: Matrix<Scalar>, weights: ArraySlice<Scalar>, to dx: inout Matrix<Scalar>) {
        let (m, k, n) = (delta.rows, inputCount, outputCount)
        weights.withUnsafeBufferPointer { p in
            delta.elements.withUnsafeBufferPointer { pd in
                dx.elements.withUnsafeMutableBufferPointer { px in
                    RawKernels.gemm(.none, .none, m: m, n: k, k: n, pd.baseAddress, lda: n, p.baseAddress, ldb: k, beta: 1, px.baseAddress, ldc: k)
                }
            }
        }
    }

    /// ∂/∂(W, b) of ⟨Δ, Y⟩ summed over the rows: [vec(Δᵀ·X), Σᵢ Δᵢ], in parameter order.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func parameterGradient(_ delta: Matrix<Scalar>, inputs x: Matrix<Scalar>) -> [Scalar] {
        [Scalar](unsafeUninitializedCapacity: parameterCount) { buffer, initialized in
            writeParameterGradient(delta, inputs: x, to: buffer)
            initialized = parameterCount
        }
    }

    /// gradient ← [vec(Δᵀ·X), Σᵢ Δᵢ], overwriting the `parameterCount` entries of `gradient`
    /// (which need not be initialized): the backward pass writes straight into its slice of the
    /// network's gradient vector. With `includingBias` false the bias block is left as it is
    /// (the backward pass has already written it, fused with the activation's derivative).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func writeParameterGradient(
        _ delta: Matrix<Scalar>, inputs x: Matrix<Scalar>, to gradient: UnsafeMutableBufferPointer<Scalar>, includingBias: Bool = true
    ) {
        precondition(gradient.count == parameterCount, "AffineMap.writeParameterGradient: the gradient slice has the wrong length")
        let (m, k, n, weights) = (delta.rows, inputCount, outputCount, weightCount)
        guard let pg = gradient.baseAddress else { return }
        delta.elements.withUnsafeBufferPointer { pd in
            x.elements.withUnsafeBufferPointer { px in
                RawKernels.gemm(.transpose, .none, m: n, n: k, k: m, pd.baseAddress, lda: n, px.baseAddress, ldb: k, beta: 0, pg, ldc: k)
                guard includingBias else { return }
                // The bias gradient Δᵀ·1 by one (threaded) gemv, onto zeros (some BLAS builds let
                // β = 0 propagate a NaN from uninitialized memory).
                (pg + weights).initialize(repeating: 0, count: n)
                if let d = pd.baseAddress, m > 0 {
                    let ones = [Scalar](repeating: 1, count: m)
                    ones.withUnsafeBufferPointer { Scalar.gemv(.transpose, Int32(m), Int32(n), 1, d, Int32(n), $0.baseAddress!, 1, 1, pg + weights, 1) }
                }
            }
        }
    }

    /// gradient ← gradient + [vec(Δᵀ·X), Σᵢ Δᵢ].
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func addParameterGradient(_ delta: Matrix<Scalar>, inputs x: Matrix<Scalar>, to gradient: inout [Scalar]) {
        let (m, k, n, weights) = (delta.rows, inputCount, outputCount, weightCount)
        delta.elements.withUnsafeBufferPointer { pd in
            x.elements.withUnsafeBufferPointer { px in
                gradient.withUnsafeMutableBufferPointer { pg in
                    RawKernels.gemm(.transpose, .none, m: n, n: k, k: m, pd.baseAddress, lda: n, px.baseAddress, ldb: k, beta: 1, pg.baseAddress, ldc: k)
                    if let d = pd.baseAddress { RawKernels.addColumnSums(d, rows: m, columns: n, into: pg.baseAddress! + weights) }
                }
            }
        }
    }

    /// The R-op of the backward pass (Pearlmutter 1994), for Δ the gradient w.r.t. Y and Ṙ its
    /// tangent, Ẋ the input tangent (nil = 0) and (V, v_b) the parameter tangent:
    ///
    ///     R{dX}     = Ṙ·W + Δ·V
    ///     R{∇W}     = Ṙᵀ·X + Δᵀ·Ẋ,      R{∇b} = Σᵢ Ṙᵢ
    ///
    /// - Returns: R{dX} (nil when not asked for) and R{∇(W, b)} in parameter order.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func backwardTangent(
        delta: Matrix<Scalar>, deltaTangent: Matrix<Scalar>, inputs x: Matrix<Scalar>, inputTangent: Matrix<Scalar>?,
        parameters: ArraySlice<Scalar>, parameterTangent: ArraySlice<Scalar>, computingInputTangent: Bool
    ) -> (inputGradientTangent: Matrix<Scalar>?, parameterGradientTangent: [Scalar]) {
        var gradientTangent = parameterGradient(deltaTangent, inputs: x)
        if let inputTangent {
            // Only the weight block: the bias gradient Σ Δᵢ does not depend on X.
            let (m, k, n) = (delta.rows, inputCount, outputCount)
            delta.elements.withUnsafeBufferPointer { pd in
                inputTangent.elements.withUnsafeBufferPointer { px in
                    gradientTangent.withUnsafeMutableBufferPointer { pg in
                        RawKernels.gemm(.transpose, .none, m: n, n: k, k: m, pd.baseAddress, lda: n, px.baseAddress, ldb: k, beta: 1, pg.baseAddress, ldc: k)
                    }
                }
            }
        }
        guard computingInputTangent else { return (nil, gradientTangent) }
        var dxTangent = inputGradient(deltaTangent, parameters: parameters)
        addInputGradient(delta, weights: parameterTangent, to: &dxTangent)
        return (dxTangent, gradientTangent)
    }

    /// Per-example gradients: row i of the result is [vec(Δᵢᵀ·Xᵢ), Σ_l Δᵢ], where Δᵢ and Xᵢ are the
    /// `rowsPerExample` consecutive rows of example i (one for a dense layer, where the weight
    /// block is the outer product gᵢ·aᵢᵀ; L output positions for a convolution).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func perExampleGradients(_ delta: Matrix<Scalar>, inputs x: Matrix<Scalar>, rowsPerExample: Int) -> Matrix<Scalar> {
        precondition(rowsPerExample > 0 && delta.rows % rowsPerExample == 0, "AffineMap.perExampleGradients: rows do not split into examples")
        let examples = delta.rows / rowsPerExample
        let (k, n, weights, count) = (inputCount, outputCount, weightCount, parameterCount)
        var result = Matrix<Scalar>(rows: examples, columns: count)
        delta.elements.withUnsafeBufferPointer { pd in
            x.elements.withUnsafeBufferPointer { px in
                result.elements.withUnsafeMutableBufferPointer { pr in
                    for i in 0..<examples {
                        let d = pd.baseAddress! + i * rowsPerExample * n
                        let out = pr.baseAddress! + i * count
                        RawKernels.gemm(.transpose, .none, m: n, n: k, k: rowsPerExample, d, lda: n, px.baseAddress! + i * rowsPerExample * k, ldb: k, beta: 0, out, ldc: k)
                        RawKernels.addColumnSums(d, rows: rowsPerExample, columns: n, into: out + weights)
                    }
                }
            }
        }
        return result
    }
}
