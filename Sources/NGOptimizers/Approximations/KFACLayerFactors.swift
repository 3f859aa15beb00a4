import NGCurvature
import NGLinearAlgebra
import NGModels

/// One parameterized layer's K-FAC statistics — running averages of the Kronecker factors A and
/// G — and the damped inverses built from them (Martens & Grosse 2015; Grosse & Martens 2016
/// for convolutions).
///
/// The layer's Fisher block is approximated by G ⊗ A acting on the augmented weight [W | b]
/// (out×(in+1), row-major; see `KroneckerFactors` for the orders). The statistics are kept as
///
///     A ← ε·A + (1 − ε)·A_batch,     G ← ε·G + (1 − ε)·G_batch
///
/// with the decay ε of each update (ε = 0 for the first). For speed the running averages are
/// updated in place by BLAS syrk (see ``accumulateInputGram(_:rowCount:scale:decay:)``), which
/// writes only the **upper triangle**: the stored matrices are authoritative in their upper
/// triangles, and ``inputFactor`` and ``gradientFactor`` return symmetrized copies.
///
/// ``updateInverse(damping:method:)`` prepares one of two damped inverses:
/// - ``KFACInverseMethod/factoredTikhonov``: the explicit inverses of
///   (A + π·√λ·I) and (G + (√λ/π)·I) by Cholesky (Martens & Grosse 2015, §6.3, see
///   ``KFACFactoredDamping``), so that a solve is G_d⁻¹·V·A_d⁻¹, two gemms;
/// - ``KFACInverseMethod/exactDamping``: the eigendecompositions of A and G, so that a solve is
///   (G⊗A + λI)⁻¹·vec(V) exactly (``KroneckerEigenbasis``), four gemms.
public struct KFACLayerFactors<Scalar: BLASScalar>: Sendable {
    /// Where the layer's weight and bias lie in θ.
    public let layout: LayerParameterLayout
    /// L, the rows per example of the layer's affine map (1 for dense, OH·OW for a convolution);
    /// 0 until the first statistics update.
    public internal(set) var positionsPerExample: Int
    /// Whether a statistics update has happened.
    public internal(set) var hasStatistics = false

    /// A, (in+1)×(in+1), upper triangle authoritative.
    var inputStatistic: Matrix<Scalar>
    /// G, out×out, upper triangle authoritative.
    var gradientStatistic: Matrix<Scalar>
    /// The prepared damped inverse, if any.
    var inverse: Inverse?
    /// Scratch space for the preconditioning gemms (out×in + out entries), kept between steps.
    var workspace: [Scalar] = []

    /// A prepared damped inverse.
    enum Inverse: Sendable {
        /// (A + π√λ·I)⁻¹ and (G + √λ/π·I)⁻¹, both exactly symmetric, and π.
        case factored(input: Matrix<Scalar>, gradient: Matrix<Scalar>, pi: Scalar)
        /// The Kronecker eigenbasis of G ⊗ A (left G, right A) and λ.
        case eigenbasis(KroneckerEigenbasis<Scalar>, damping: Scalar)
    }

    /// Zero statistics for a layer.
    public init(layout: LayerParameterLayout) {
        self.layout = layout
        positionsPerExample = 0
        inputStatistic = Matrix(rows: layout.columns + 1, columns: layout.columns + 1)
        gradientStatistic = Matrix(rows: layout.rows, columns: layout.rows)
    }

    /// A (symmetrized), the running average of the augmented inputs' second moment.
    public var inputFactor: Matrix<Scalar> {
        var a = inputStatistic
        a.symmetrize(from: .upper)
        return a
    }

    /// G (symmetrized), the running average of the pre-activation gradients' second moment.
    public var gradientFactor: Matrix<Scalar> {
        var g = gradientStatistic
        g.symmetrize(from: .upper)
        return g
    }

    /// The statistics as `KroneckerFactors` (symmetrized), e.g. for ``KroneckerFactors/denseBlockInParameterOrder()``.
    public var factors: KroneckerFactors<Scalar> {
        KroneckerFactors(
            layout: layout, inputFactor: inputFactor, gradientFactor: gradientFactor,
            positionsPerExample: Swift.max(positionsPerExample, 1), exampleCount: 1)
    }

    /// Bytes held: the two statistics, the inverses or eigenvectors, and the workspace.
    var memoryBytes: Int {
        var count = inputStatistic.elements.count + gradientStatistic.elements.count + workspace.count
        switch inverse {
        case let .factored(input, gradient, _): count += input.elements.count + gradient.elements.count
        case let .eigenbasis(basis, _):
            count += basis.left.eigenvectors.elements.count + basis.right.eigenvectors.elements.count
                + basis.left.eigenvalues.count + basis.right.eigenvalues.count
        case nil: break
        }
        return count * MemoryLayout<Scalar>.size
    }

    // MARK: Statistics

    /// Blends one batch's factors into the running averages: S ← ε·S + (1 − ε)·S_batch, or
    /// S ← S_batch for the first update (whatever ε).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` when the factors belong to another layer.
    mutating func blend(_ batch: KroneckerFactors<Scalar>, decay: Scalar) throws {
        guard batch.layout == layout else {
            throw OptimizerError.invalidArgument("K-FAC: factors for layer \(batch.layout.layerIndex) given to layer \(layout.layerIndex)")
        }
        if hasStatistics, decay > 0 {
            inputStatistic.scale(by: decay)
            try inputStatistic.add(batch.inputFactor, scaledBy: 1 - decay)
            gradientStatistic.scale(by: decay)
            try gradientStatistic.add(batch.gradientFactor, scaledBy: 1 - decay)
        } else {
            inputStatistic = batch.inputFactor
            gradientStatistic = batch.gradientFactor
        }
        positionsPerExample = batch.positionsPerExample
        hasStatistics = true
    }

    /// The decay to use for the next in-place update: 0 before the first statistics.
    func effectiveDecay(_ decay: Scalar) -> Scalar { hasStatistics ? decay : 0 }

    /// A ← ε·A + (1 − ε)·scale·Σ_rows ā·āᵀ in place (upper triangle), over the first `rowCount`
    /// rows a of `inputs` (rows × in, **without** the trailing 1): one syrk into the top-left
    /// in×in block, one gemv for the bias column Σ a (written down column `in` with stride in+1),
    /// and the corner scale·rowCount. No ā matrix is formed.
    /// - Parameters:
    ///   - decay: ε; pass ``effectiveDecay(_:)``.
    mutating func accumulateInputGram(_ inputs: Matrix<Scalar>, rowCount: Int, scale: Scalar, decay: Scalar) {
        let n = layout.columns
        precondition(inputs.columns == n && rowCount <= inputs.rows, "K-FAC: layer inputs \(inputs.shapeDescription) for fan-in \(n)")
        let alpha = (1 - decay) * scale
        let ones = [Scalar](repeating: 1, count: rowCount)
        inputs.elements.withUnsafeBufferPointer { x in
            inputStatistic.elements.withUnsafeMutableBufferPointer { a in
                if rowCount > 0 {
                    Scalar.syrk(.upper, .transpose, Int32(n), Int32(rowCount), alpha, x.baseAddress!, Int32(n), decay, a.baseAddress!, Int32(n + 1))
                    ones.withUnsafeBufferPointer { o in
                        Scalar.gemv(
                            .transpose, Int32(rowCount), Int32(n), alpha, x.baseAddress!, Int32(n), o.baseAddress!, 1, decay,
                            a.baseAddress! + n, Int32(n + 1))
                    }
                } else {
                    for i in 0..<n { for j in i...n { a[i * (n + 1) + j] *= decay } }
                }
                a[n * (n + 1) + n] = decay * a[n * (n + 1) + n] + alpha * Scalar(rowCount)
            }
        }
    }

    /// G ← β·G + α·Σ_rows g·gᵀ in place (upper triangle) over the first `rowCount` rows of
    /// `gradients` (rows × out): one syrk. The caller picks α = (1 − ε)·weight and β = ε for the
    /// first output-gradient batch of an update, β = 1 for the following ones.
    mutating func accumulateGradientGram(_ gradients: Matrix<Scalar>, rowCount: Int, alpha: Scalar, beta: Scalar) {
        let n = layout.rows
        precondition(gradients.columns == n && rowCount <= gradients.rows, "K-FAC: layer gradients \(gradients.shapeDescription) for \(n) outputs")
        gradients.elements.withUnsafeBufferPointer { g in
            gradientStatistic.elements.withUnsafeMutableBufferPointer { c in
                if rowCount > 0 {
                    Scalar.syrk(.upper, .transpose, Int32(n), Int32(rowCount), alpha, g.baseAddress!, Int32(n), beta, c.baseAddress!, Int32(n))
                } else if beta != 1 {
                    for i in 0..<c.count { c[i] *= beta }
                }
            }
        }
    }

    /// Marks the in-place updates of one statistics update as done.
    mutating func finishUpdate(positionsPerExample positions: Int) {
        positionsPerExample = positions
        hasStatistics = true
    }

    // MARK: Inverses

    /// Prepares solves with the damped block for damping λ ≥ 0 (see the type's documentation).
    ///
    /// With λ = 0 the factored method inverts A and G themselves, which fails for singular
    /// factors (e.g. inputs that are always zero).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` before any statistics or when a damped
    ///   factor is not positive definite (naming the layer and suggesting more damping);
    ///   `LinearAlgebraError` when an eigendecomposition fails.
    mutating func updateInverse(damping: Scalar, method: KFACInverseMethod) throws {
        guard hasStatistics else {
            throw OptimizerError.invalidArgument("K-FAC: layer \(layout.layerIndex) has no statistics yet; update the statistics first")
        }
        switch method {
        case .factoredTikhonov:
            // Only the upper triangles are read: no symmetrized copies. A damped factor that
            // rounding leaves just short of positive definite (a tiny λ in Float) is retried once
            // with a shift of 100 ulps of its mean diagonal more.
            let pi = KFACFactoredDamping.pi(inputFactor: inputStatistic, gradientFactor: gradientStatistic)
            let root = damping.squareRoot(), jitter = 100 * Scalar.ulpOfOne
            do {
                inverse = .factored(
                    input: try KFACKernels.shiftedInverse(upper: inputStatistic, shift: pi * root, jitter: jitter),
                    gradient: try KFACKernels.shiftedInverse(upper: gradientStatistic, shift: root / pi, jitter: jitter), pi: pi)
            } catch OptimizerError.invalidArgument {
                throw OptimizerError.invalidArgument(
                    "K-FAC: a damped Kronecker factor of layer \(layout.layerIndex) is not positive definite at damping \(damping); raise the damping")
            }
        case .exactDamping:
            inverse = .eigenbasis(
                KroneckerEigenbasis(left: try SymmetricEigendecomposition(gradientFactor), right: try SymmetricEigendecomposition(inputFactor)),
                damping: damping)
        }
    }

    /// The damped inverse applied to an out×(in+1) operand V in augmented order: G_d⁻¹·V·A_d⁻¹
    /// (factored) or (G⊗A + λI)⁻¹·vec(V) (exact damping).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` before ``updateInverse(damping:method:)``;
    ///   `LinearAlgebraError` when the exactly damped block is singular (λ = 0).
    func solve(augmented v: Matrix<Scalar>) throws -> Matrix<Scalar> {
        switch inverse {
        case let .factored(input, gradient, _):
            return try gradient.multiplied(by: v).multiplied(by: input)
        case let .eigenbasis(basis, damping):
            return try basis.solveDamped(v, damping: damping)
        case nil:
            throw OptimizerError.invalidArgument("K-FAC: layer \(layout.layerIndex) has no inverse yet; call updateInverse(damping:) first")
        }
    }

    /// (G ⊗ A)·vec(V) = G·V·A for an out×(in+1) operand (undamped).
    func multiply(augmented v: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try gradientFactor.multiplied(by: v).multiplied(by: inputFactor)
    }

    /// out[range] ← F̃_d⁻¹·v[range] for this layer, reading and writing θ-ordered vectors in
    /// place: with the factored inverse, G_d⁻¹·[∇W | ∇b]·A_d⁻¹ computed as
    ///
    ///     T = G_d⁻¹·∇W,  t = G_d⁻¹·∇b                       (gemm, gemv)
    ///     out_W = T·A_d⁻¹[:in, :in] + t·A_d⁻¹[in, :in]       (gemm, ger)
    ///     out_b = T·A_d⁻¹[:in, in] + A_d⁻¹[in, in]·t          (gemv, axpy)
    ///
    /// straight on the flat slices (leading dimensions do the reshaping): no gather or scatter
    /// copies, and the workspace T is kept between calls. The exact-damping inverse gathers
    /// [∇W | ∇b] and scatters the result instead.
    /// - Throws: as ``solve(augmented:)``.
    mutating func solve(flat v: UnsafeBufferPointer<Scalar>, into out: UnsafeMutableBufferPointer<Scalar>) throws {
        guard case let .factored(inputInverse, gradientInverse, _) = inverse else {
            let augmented = KFACLayerFactors.augmented(v, layout: layout)
            KFACLayerFactors.scatter(try solve(augmented: augmented), into: out, layout: layout)
            return
        }
        let (rows, columns) = (layout.rows, layout.columns)
        let (m, n) = (Int32(rows), Int32(columns))
        let stride = Int32(columns + 1)
        if workspace.count != rows * columns + rows { workspace = [Scalar](repeating: 0, count: rows * columns + rows) }
        let weights = layout.weightRange.lowerBound, biases = layout.biasRange.lowerBound
        workspace.withUnsafeMutableBufferPointer { work in
            gradientInverse.elements.withUnsafeBufferPointer { gInverse in
                inputInverse.elements.withUnsafeBufferPointer { aInverse in
                    let t = work.baseAddress!, tb = work.baseAddress! + rows * columns
                    let ga = gInverse.baseAddress!, aa = aInverse.baseAddress!
                    let lastRow = aa + columns * (columns + 1)
                    Scalar.gemm(.none, .none, m, n, m, 1, ga, m, v.baseAddress! + weights, n, 0, t, n)
                    Scalar.gemv(.none, m, m, 1, ga, m, v.baseAddress! + biases, 1, 0, tb, 1)
                    Scalar.gemm(.none, .none, m, n, n, 1, t, n, aa, stride, 0, out.baseAddress! + weights, n)
                    Scalar.ger(m, n, 1, tb, 1, lastRow, 1, out.baseAddress! + weights, n)
                    Scalar.gemv(.none, m, n, 1, t, n, aa + columns, stride, 0, out.baseAddress! + biases, 1)
                    Scalar.axpy(m, lastRow[columns], tb, 1, out.baseAddress! + biases, 1)
                }
            }
        }
    }

    // MARK: Flat ↔ augmented

    /// [W | b] (out×(in+1)) gathered from the layer's slice of a θ-ordered vector.
    static func augmented(_ v: UnsafeBufferPointer<Scalar>, layout: LayerParameterLayout) -> Matrix<Scalar> {
        let (rows, columns) = (layout.rows, layout.columns)
        var matrix = Matrix<Scalar>(rows: rows, columns: columns + 1)
        matrix.elements.withUnsafeMutableBufferPointer { m in
            for o in 0..<rows {
                let source = layout.weightRange.lowerBound + o * columns
                for j in 0..<columns { m[o * (columns + 1) + j] = v[source + j] }
                m[o * (columns + 1) + columns] = v[layout.biasRange.lowerBound + o]
            }
        }
        return matrix
    }

    /// [W | b] gathered from a θ-ordered vector.
    static func augmented(_ v: Vector<Scalar>, layout: LayerParameterLayout) -> Matrix<Scalar> {
        v.elements.withUnsafeBufferPointer { augmented($0, layout: layout) }
    }

    /// Writes an out×(in+1) matrix [W | b] into the layer's slice of a θ-ordered vector.
    static func scatter(_ matrix: Matrix<Scalar>, into out: UnsafeMutableBufferPointer<Scalar>, layout: LayerParameterLayout) {
        let (rows, columns) = (layout.rows, layout.columns)
        matrix.elements.withUnsafeBufferPointer { m in
            for o in 0..<rows {
                let target = layout.weightRange.lowerBound + o * columns
                for j in 0..<columns { out[target + j] = m[o * (columns + 1) + j] }
                out[layout.biasRange.lowerBound + o] = m[o * (columns + 1) + columns]
            }
        }
    }

    /// Writes [W | b] into a θ-ordered vector.
    static func scatter(_ matrix: Matrix<Scalar>, into out: inout Vector<Scalar>, layout: LayerParameterLayout) {
        out.elements.withUnsafeMutableBufferPointer { scatter(matrix, into: $0, layout: layout) }
    }
}

/// How K-FAC damps and inverts a layer's Kronecker block G ⊗ A.
public enum KFACInverseMethod: String, Sendable, Equatable, CaseIterable {
    /// (A + π·√λ·I)⁻¹ ⊗ (G + (√λ/π)·I)⁻¹ by two Cholesky inverses: Martens & Grosse's factored
    /// Tikhonov damping (2015, §6.3). O(n³) per factor, the cheapest; the default.
    case factoredTikhonov = "factored"
    /// (G ⊗ A + λ·I)⁻¹ exactly, through the eigendecompositions of A and G
    /// (``KroneckerEigenbasis``): slower (eigendecompositions, four gemms per solve) but with no
    /// cross-term error in the damping.
    case exactDamping = "exact"
}
