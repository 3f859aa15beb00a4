import NGLinearAlgebra

extension ActivationFunction {
    /// The backward step through this activation and the bias of the affine layer below it, in
    /// one pass over the batch:
    ///
    ///     Δ ← φ′(x) ⊙ Δ   (in place),      s_j = Σᵢ Δᵢⱼ   (of the new Δ)
    ///
    /// For a dense layer z = W·a + b followed by this activation, the new Δ is the gradient at z
    /// (K-FAC's g) and s is the bias gradient ∇b. Done separately, the product φ′ ⊙ Δ allocates a
    /// new batch-sized matrix and the bias gradient reads it once more (a gemv with a vector of
    /// ones); here each entry is read and written once and the column sums ride along.
    ///
    /// Rows are split into chunks on the BLAS threads' cores (``ParallelChunks``); each chunk sums
    /// its rows in order into its own partial sums, which are added in chunk order, so the result
    /// depends only on the shapes and the thread count.
    /// - Parameters:
    ///   - x: the activation's input (N×n), y = φ(x) its output; Δ the gradient at y, same shape.
    ///   - columnSums: n entries, overwritten with the column sums of the new Δ.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func multiplyDerivativeInPlace<Scalar: BLASScalar>(
        input x: Matrix<Scalar>, output y: Matrix<Scalar>, _ delta: inout Matrix<Scalar>, columnSums: UnsafeMutablePointer<Scalar>
    ) {
        switch self {
        case .tanh: Self.derivativeAndColumnSums(x, y, &delta, columnSums, TanhDerivativeKernel(), vectorized: Scalar.self == Float.self)
        case .sigmoid: Self.derivativeAndColumnSums(x, y, &delta, columnSums, SigmoidDerivativeKernel())
        case .relu: Self.derivativeAndColumnSums(x, y, &delta, columnSums, ReluDerivativeKernel())
        case .softplus: Self.derivativeAndColumnSums(x, y, &delta, columnSums, SoftplusDerivativeKernel())
        case .identity: Self.derivativeAndColumnSums(x, y, &delta, columnSums, IdentityDerivativeKernel())
        }
    }

    /// Δᵢⱼ ← kernel(xᵢⱼ, yᵢⱼ, Δᵢⱼ, Δᵢⱼ) and columnSums[j] = Σᵢ Δᵢⱼ (see ``multiplyDerivativeInPlace(input:output:_:columnSums:)``).
    ///
    /// With `vectorized` (tanh in Float only) each chunk runs
    /// ``VectorKernels/tanhDerivativeAndColumnSums(output:delta:rows:columns:sums:level:)`` at
    /// `level` instead of the Swift loop: the same arithmetic in the same order, so the same bits.
    static func derivativeAndColumnSums<K: EntrywiseKernel>(
        _ x: Matrix<K.Scalar>, _ y: Matrix<K.Scalar>, _ delta: inout Matrix<K.Scalar>,
        _ columnSums: UnsafeMutablePointer<K.Scalar>, _ kernel: K,
        vectorized: Bool = false, level: VectorKernels.Level = .current
    ) {
        precondition(!vectorized || K.Scalar.self == Float.self, "ActivationFunction: the vector kernel is Float only")
        let (rows, columns) = (delta.rows, delta.columns)
        precondition(x.rows == rows && x.columns == columns && y.rows == rows && y.columns == columns,
                     "ActivationFunction: operand shapes differ")
        columnSums.initialize(repeating: 0, count: columns)
        guard rows > 0, columns > 0 else { return }
        let chunks = ParallelChunks.ranges(count: rows * columns, alignment: columns)
        // One row of partial sums per chunk beyond the first; the first chunk sums into columnSums.
        var partials = [K.Scalar](repeating: 0, count: Swift.max(chunks.count - 1, 0) * columns)
        x.elements.withUnsafeBufferPointer { px in
            y.elements.withUnsafeBufferPointer { py in
                delta.elements.withUnsafeMutableBufferPointer { pd in
                    partials.withUnsafeMutableBufferPointer { pp in
                        let (xBase, yBase, dBase) = (px.baseAddress!, py.baseAddress!, pd.baseAddress!)
                        let partialBase = pp.baseAddress
                        ParallelChunks.forEach(count: rows * columns, alignment: columns) { chunk, range in
                            let sums = chunk == 0 ? columnSums : partialBase! + (chunk - 1) * columns
                            if vectorized {
                                VectorKernels.tanhDerivativeAndColumnSums(
                                    output: UnsafeRawPointer(yBase + range.lowerBound).assumingMemoryBound(to: Float.self),
                                    delta: UnsafeMutableRawPointer(dBase + range.lowerBound).assumingMemoryBound(to: Float.self),
                                    rows: range.count / columns, columns: columns,
                                    sums: UnsafeMutableRawPointer(sums).assumingMemoryBound(to: Float.self), level: level)
                                return
                            }
                            var offset = range.lowerBound
                            while offset < range.upperBound {
                                let (xRow, yRow, dRow) = (xBase + offset, yBase + offset, dBase + offset)
                                for j in 0..<columns {
                                    let value = kernel(xRow[j], yRow[j], dRow[j], dRow[j])
                                    dRow[j] = value
                                    sums[j] += value
                                }
                                offset += columns
                            }
                        }
                    }
                }
            }
        }
        for chunk in 1..<Swift.max(chunks.count, 1) {
            partials.withUnsafeBufferPointer { pp in
                let partial = pp.baseAddress! + (chunk - 1) * columns
                for j in 0..<columns { columnSums[j] += partial[j] }
            }
        }
    }
}

/// φ′·d for the identity: d.
struct IdentityDerivativeKernel<Scalar: BLASScalar>: EntrywiseKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar, _ d: Scalar, _ e: Scalar) -> Scalar { d }
}
