import NGLinearAlgebra
import NGModels

extension CurvatureEstimator {
    /// The curvature matrix of `kind` as a dense P×P matrix of the mean loss (averaged over the batch).
    ///
    /// Each kind is assembled along its own path, so that the identities between them are tests
    /// and not tautologies:
    /// - exact Fisher: with the likelihood's square-root factors B₁…B_K
    ///   (F_z(zᵢ) = Σ_r b_{r,i}·b_{r,i}ᵀ), the per-example gradients Jᵢᵀ·b_{r,i} of each factor
    ///   (one backward pass each) give F = (1/N)·Σ_r Σᵢ (Jᵢᵀb_{r,i})(Jᵢᵀb_{r,i})ᵀ, accumulated
    ///   by one syrk per factor;
    /// - Monte-Carlo and empirical Fisher: the same with the per-example loss gradients at the
    ///   sampled labels (one backward pass and one syrk per draw, scaled by 1/(N·k)) or at the
    ///   true labels;
    /// - GGN: from the per-example Jacobians Jᵢ (out backward passes of unit cotangents) and the
    ///   likelihood's closed-form output Hessians, (1/N)·Σᵢ Jᵢᵀ·H_z(zᵢ, yᵢ)·Jᵢ by one gemm;
    /// - Hessian: column by column, H·e_j by exact Hessian-vector products (P of them), then
    ///   symmetrized (see ``denseHessian()`` for the asymmetry, a check of the products).
    ///
    /// Memory: the P×P result plus one N×P block (two (N·out)×P matrices for the GGN); meant for
    /// models with up to a few thousand parameters. Time: out (exact), k (Monte-Carlo) or one
    /// (empirical) backward passes and syrks; out backward passes and one gemm (GGN); P
    /// Hessian-vector products (Hessian).
    /// - Parameters:
    ///   - kind: which matrix.
    ///   - samples: k, the labels drawn per example for ``CurvatureKind/monteCarlo``.
    ///   - seed: the seed of those labels.
    /// - Throws: ``CurvatureError/invalidArgument(_:)`` for k < 1 with the Monte-Carlo kind.
    public func denseMatrix(_ kind: CurvatureKind, samples: Int = 1, seed: UInt64 = 0) throws -> Matrix<Scalar> {
        switch kind {
        case .exact, .monteCarlo, .empirical:
            let p = parameterCount
            var result = Matrix<Scalar>(rows: p, columns: p)
            let weight = try forEachOutputGradientBatch(kind, samples: samples, seed: seed) { batch in
                Self.accumulateGram(of: try pass.perExampleGradients(batch), alpha: 1, into: &result)
            }
            result.scale(by: weight)
            result.symmetrize(from: .upper)
            return result
        case .ggn:
            return try denseGaussNewton()
        case .hessian:
            return try denseHessian().matrix
        }
    }

    /// A square root S of a Fisher kind, with SᵀS equal to ``denseMatrix(_:samples:seed:)``:
    /// the stacked per-example gradients, scaled by 1/√N (exact, empirical) or 1/√(N·k)
    /// (Monte-Carlo). Rows: K·N for the exact Fisher (K square-root factors, e.g. K = out), k·N
    /// for the Monte-Carlo Fisher, N for the empirical Fisher, in batches of N (factor or draw
    /// after factor or draw). Its rank bounds the Fisher's; low-rank and Woodbury methods work
    /// with it instead of the P×P matrix.
    /// - Throws: ``CurvatureError/invalidArgument(_:)`` for the GGN and the Hessian (not sums of
    ///   outer products computed here) and for k < 1 with the Monte-Carlo kind.
    public func gradientSquareRoot(_ kind: CurvatureKind, samples: Int = 1, seed: UInt64 = 0) throws -> Matrix<Scalar> {
        var elements = [Scalar]()
        let weight = try forEachOutputGradientBatch(kind, samples: samples, seed: seed) { batch in
            elements.append(contentsOf: try pass.perExampleGradients(batch).elements)
        }
        var stacked = try Matrix(rows: elements.count / Swift.max(parameterCount, 1), columns: parameterCount, elements: elements)
        stacked.scale(by: weight.squareRoot())
        return stacked
    }

    /// The Hessian of the mean loss as a dense matrix, from P exact Hessian-vector products
    /// H·e_j (one per column), symmetrized as (H + Hᵀ)/2.
    ///
    /// The products are exact, so H is symmetric up to rounding; `asymmetry` is
    /// max|Hᵢⱼ − Hⱼᵢ| / max|Hᵢⱼ| before symmetrization (0 for a zero matrix), a check that the
    /// R-operator passes are consistent — it should be a small multiple of the precision's ε.
    /// - Throws: `NetworkError` (not expected: shapes were checked at creation).
    public func denseHessian() throws -> (matrix: Matrix<Scalar>, asymmetry: Scalar) {
        let p = parameterCount
        var columnsAsRows = Matrix<Scalar>(rows: p, columns: p)
        var basis = Vector<Scalar>(count: p)
        for j in 0..<p {
            basis[j] = 1
            let column = try pass.hessianVectorProduct(basis, likelihood: likelihood, targets: targets)
            basis[j] = 0
            columnsAsRows.elements.replaceSubrange((j * p)..<((j + 1) * p), with: column.elements)
        }
        // Row j holds H·e_j, i.e. the matrix read row-major is Hᵀ; symmetrization removes the difference.
        let scale = columnsAsRows.maxMagnitude
        let asymmetry = scale > 0 ? columnsAsRows.asymmetry / scale : 0
        var symmetric = columnsAsRows
        symmetric.elements.withUnsafeMutableBufferPointer { h in
            for i in 0..<p {
                for j in (i + 1)..<Swift.max(i + 1, p) {
                    let mean = (h[i * p + j] + h[j * p + i]) / 2
                    h[i * p + j] = mean
                    h[j * p + i] = mean
                }
            }
        }
        return (symmetric, asymmetry)
    }

    /// (1/N)·Σᵢ Jᵢᵀ·H_z(zᵢ, yᵢ)·Jᵢ from the explicit per-example Jacobians.
    ///
    /// Row r of Jᵢ is the per-example gradient of the cotangent e_r (the same unit vector in
    /// every row), so `out` backward passes give all Jacobians; they are stacked as the
    /// (N·out)×P matrix 𝒥 with row i·out + r = row r of Jᵢ, multiplied block by block by H_z,
    /// and the GGN is (1/N)·𝒥ᵀ·(H_z𝒥), one gemm, symmetrized by averaging with its transpose.
    func denseGaussNewton() throws -> Matrix<Scalar> {
        let (n, out, p) = (exampleCount, network.outputCount, parameterCount)
        var jacobians = Matrix<Scalar>(rows: n * out, columns: p)
        for r in 0..<out {
            let unit = Matrix<Scalar>(rows: n, columns: out) { _, j in j == r ? 1 : 0 }
            let rowsOfJacobians = try pass.perExampleGradients(unit)
            for i in 0..<n {
                jacobians.elements.replaceSubrange(
                    ((i * out + r) * p)..<((i * out + r + 1) * p), with: rowsOfJacobians.elements[(i * p)..<((i + 1) * p)])
            }
        }
        var weighted = Matrix<Scalar>(rows: n * out, columns: p)
        for i in 0..<n {
            let hessian = likelihood.hessianMatrix(output: outputs.row(i), target: targets.row(i))
            let block = try Matrix(rows: out, columns: p, elements: Array(jacobians.elements[(i * out * p)..<((i + 1) * out * p)]))
            weighted.elements.replaceSubrange((i * out * p)..<((i + 1) * out * p), with: try hessian.multiplied(by: block).elements)
        }
        var result = try jacobians.multiplied(by: weighted, transposingSelf: true)
        result.scale(by: 1 / Scalar(n))
        result.elements.withUnsafeMutableBufferPointer { g in
            for i in 0..<p {
                for j in (i + 1)..<Swift.max(i + 1, p) {
                    let mean = (g[i * p + j] + g[j * p + i]) / 2
                    g[i * p + j] = mean
                    g[j * p + i] = mean
                }
            }
        }
        return result
    }

    /// C ← C + α·RᵀR on the upper triangle (BLAS syrk with β = 1); the caller symmetrizes.
    static func accumulateGram(of rows: Matrix<Scalar>, alpha: Scalar, into result: inout Matrix<Scalar>) {
        let (n, k) = (rows.columns, rows.rows)
        precondition(result.rows == n && result.columns == n, "accumulateGram: result is \(result.shapeDescription), expected \(n)×\(n)")
        if n == 0 || k == 0 { return }
        rows.elements.withUnsafeBufferPointer { a in
            result.elements.withUnsafeMutableBufferPointer { c in
                Scalar.syrk(.upper, .transpose, Int32(n), Int32(k), alpha, a.baseAddress!, Int32(n), 1, c.baseAddress!, Int32(n))
            }
        }
    }
}
