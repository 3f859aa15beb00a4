import NGLinearAlgebra
import NGModels

/// EKFAC's eigenbasis diagonal (George et al. 2018, "Fast approximate natural gradient descent
/// in a Kronecker-factored eigenbasis", §3): for a layer with Kronecker eigenbasis Q_G ⊗ Q_A,
///
///     s = E[(Q_Gᵀ·Γᵢ·Q_A)²]        (entrywise square; an out×(in+1) matrix)
///
/// over the per-example gradients Γᵢ = Σₜ gᵢₜ·āᵢₜᵀ of the augmented weight [W | b] (t over a
/// convolution's L positions; L = 1 for a dense layer), weighted as the Fisher is — so that
/// s = diag(Qᵀ·F_layer·Q), the best diagonal for that basis in the Frobenius norm.
enum EKFACScalings {
    /// s += weight·Σᵢ (Q_Gᵀ·Γᵢ·Q_A)² from one layer batch (a, g) without forming any Γᵢ:
    ///
    /// - with P_g = g·Q_G and P_a = ā·Q_A (the rows' coordinates in each basis; ā·Q_A is
    ///   a·Q_A[:in, :] plus the last row of Q_A), example i's projected gradient is
    ///   Q_Gᵀ·Γᵢ·Q_A = P_g,iᵀ·P_a,i over its L rows;
    /// - for L = 1 it is the outer product of two rows, whose entrywise square is the outer
    ///   product of the rows' squares, so the whole sum is one gemm (P_g²)ᵀ·(P_a²);
    /// - for L > 1 it is one small gemm per example, squared and accumulated.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func accumulate<Scalar: BLASScalar>(
        into s: inout Matrix<Scalar>, basis: KroneckerEigenbasis<Scalar>, inputs a: Matrix<Scalar>, outputGradients g: Matrix<Scalar>,
        rowsPerExample: Int, weight: Scalar
    ) throws {
        let qG = basis.left.eigenvectors, qA = basis.right.eigenvectors
        let (rows, fanIn, outputs) = (a.rows, a.columns, g.columns)
        let projectedGradients = try g.multiplied(by: qG)
        var projectedInputs = Matrix<Scalar>(rows: rows, columns: fanIn + 1)
        qA.elements.withUnsafeBufferPointer { q in
            a.elements.withUnsafeBufferPointer { x in
                projectedInputs.elements.withUnsafeMutableBufferPointer { p in
                    let lastRow = q.baseAddress! + fanIn * (fanIn + 1)
                    for i in 0..<rows { (p.baseAddress! + i * (fanIn + 1)).update(from: lastRow, count: fanIn + 1) }
                    if rows > 0, fanIn > 0 {
                        Scalar.gemm(
                            .none, .none, Int32(rows), Int32(fanIn + 1), Int32(fanIn), 1, x.baseAddress!, Int32(fanIn), q.baseAddress!,
                            Int32(fanIn + 1), 1, p.baseAddress!, Int32(fanIn + 1))
                    }
                }
            }
        }
        if rowsPerExample == 1 {
            let squaredGradients = projectedGradients.map { $0 * $0 }
            let squaredInputs = projectedInputs.map { $0 * $0 }
            try s.gemm(squaredGradients, .transpose, squaredInputs, .none, alpha: weight, beta: 1)
            return
        }
        let examples = rows / rowsPerExample
        var example = Matrix<Scalar>(rows: outputs, columns: fanIn + 1)
        for i in 0..<examples {
            projectedGradients.elements.withUnsafeBufferPointer { pg in
                projectedInputs.elements.withUnsafeBufferPointer { pa in
                    example.elements.withUnsafeMutableBufferPointer { e in
                        Scalar.gemm(
                            .transpose, .none, Int32(outputs), Int32(fanIn + 1), Int32(rowsPerExample), 1,
                            pg.baseAddress! + i * rowsPerExample * outputs, Int32(outputs),
                            pa.baseAddress! + i * rowsPerExample * (fanIn + 1), Int32(fanIn + 1), 0, e.baseAddress!, Int32(fanIn + 1))
                    }
                }
            }
            s.elements.withUnsafeMutableBufferPointer { target in
                example.elements.withUnsafeBufferPointer { e in
                    for k in 0..<e.count { target[k] += weight * e[k] * e[k] }
                }
            }
        }
    }

    /// s += Σ_rows (Q_Gᵀ·Γ_row·Q_A)² for rows of a square root S of the Fisher (SᵀS = F, rows in
    /// θ's order): the generic path, one projection per row.
    static func accumulate<Scalar: BLASScalar>(
        into s: inout Matrix<Scalar>, basis: KroneckerEigenbasis<Scalar>, squareRoot: Matrix<Scalar>, layout: LayerParameterLayout
    ) throws {
        let p = squareRoot.columns
        for r in 0..<squareRoot.rows {
            let gradient = squareRoot.elements.withUnsafeBufferPointer { rows in
                KFACLayerFactors.augmented(UnsafeBufferPointer(rebasing: rows[(r * p)..<((r + 1) * p)]), layout: layout)
            }
            let coordinates = try basis.toEigenbasis(gradient)
            s.elements.withUnsafeMutableBufferPointer { target in
                coordinates.elements.withUnsafeBufferPointer { c in
                    for k in 0..<c.count { target[k] += c[k] * c[k] }
                }
            }
        }
    }
}
