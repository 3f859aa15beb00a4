import NGRandom

/// Settings of a ``RandomizedEigensolver`` solve.
public struct RandomizedEigensolverOptions<Scalar: BLASScalar>: Sendable {
    /// Extra sample vectors p beyond k (Halko et al. recommend 5–10); the block has l = min(n, k + p) columns.
    public var oversampling: Int
    /// The most subspace (power) iterations after the first Rayleigh–Ritz step. Each one costs a
    /// block application and multiplies the error by about |λ_{l+1}/λ_k|. The default 4 applies
    /// A⁵ to the random block, as Halko et al.'s q = 2 does with (AAᵀ)²A.
    public var subspaceIterations: Int
    /// When set, stop as soon as every residual ‖A·uᵢ − λᵢ·uᵢ‖ is ≤ `tolerance`·max|θ|; when
    /// `nil`, run all ``subspaceIterations`` and test the residuals against √ε for ``SymmetricEigenpairs/converged``.
    public var tolerance: Scalar?
    /// The seed of the Gaussian test matrix Ω.
    public var seed: UInt64

    /// Options with the given settings; see the properties for their meaning.
    public init(oversampling: Int = 10, subspaceIterations: Int = 4, tolerance: Scalar? = nil, seed: UInt64 = 0x4841_4C4B_4F32_3031) {
        self.oversampling = oversampling
        self.subspaceIterations = subspaceIterations
        self.tolerance = tolerance
        self.seed = seed
    }
}

/// The k dominant eigenpairs (largest |λ|; for a PSD operator the largest λ) of a matrix-free
/// symmetric operator by randomized subspace iteration with Rayleigh–Ritz extraction
/// (Halko, Martinsson & Tropp 2011, Algorithms 4.4 and 5.3).
///
/// With a Gaussian n×l test matrix Ω (l = k + oversampling), Q₀ = orth(Ω) and, for i = 0, 1, …,
///
///     Zᵢ = A·Qᵢ,   Bᵢ = Qᵢᵀ·Zᵢ = Sᵢ·Θᵢ·Sᵢᵀ,   Uᵢ = Qᵢ·Sᵢ,   Qᵢ₊₁ = orth(Zᵢ),
///
/// so the range of Qᵢ is that of A^i·Ω and the Ritz pairs (Θᵢ, Uᵢ) converge to the dominant
/// eigenpairs at the rate |λ_{l+1}/λ_k|ⁱ. The residuals A·uᵢ − θᵢ·uᵢ = Zᵢ·sᵢ − θᵢ·uᵢ come for
/// free from Zᵢ, which is why the operator is applied to whole blocks: one block product per
/// iteration, which for Fisher or Gauss–Newton products batches l vector products into one pass.
/// orth is classical Gram–Schmidt done twice; columns that are numerically dependent (a
/// rank-deficient operator) are replaced by random directions.
///
/// A block method, so unlike ``Lanczos`` it resolves repeated eigenvalues up to multiplicity l.
public enum RandomizedEigensolver {
    /// The k eigenpairs of largest |λ| of the symmetric operator `apply`, which maps an n×l block
    /// of column vectors X to A·X.
    ///
    /// - Parameters:
    ///   - count: k, with 1 ≤ k ≤ n.
    ///   - dimension: n.
    ///   - options: oversampling, iterations, tolerance, seed.
    ///   - apply: X ↦ A·X on n×l matrices (columns are the vectors); it must return n×l.
    /// - Returns: the pairs by descending |λ|, with exact residual norms.
    /// - Throws: ``LinearAlgebraError/invalidArgument(_:)`` unless 1 ≤ k ≤ n, the oversampling and
    ///   iteration count are ≥ 0, the tolerance is positive, and the operator's values are finite;
    ///   ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` when the operator returns
    ///   a block of the wrong shape; and whatever `apply` or the l×l eigendecomposition throws.
    public static func eigenpairs<Scalar: BLASScalar>(
        count k: Int,
        dimension n: Int,
        options: RandomizedEigensolverOptions<Scalar> = .init(),
        applying apply: (Matrix<Scalar>) throws -> Matrix<Scalar>
    ) throws -> SymmetricEigenpairs<Scalar> {
        guard n >= 1, k >= 1, k <= n else {
            throw LinearAlgebraError.invalidArgument("RandomizedEigensolver: need 1 ≤ count ≤ dimension, got count \(k) for dimension \(n)")
        }
        guard options.oversampling >= 0, options.subspaceIterations >= 0 else {
            throw LinearAlgebraError.invalidArgument(
                "RandomizedEigensolver: oversampling (\(options.oversampling)) and subspaceIterations (\(options.subspaceIterations)) must be ≥ 0")
        }
        if let tolerance = options.tolerance, !(tolerance > 0 && tolerance.isFinite) {
            throw LinearAlgebraError.invalidArgument("RandomizedEigensolver: tolerance must be finite and > 0, got \(tolerance)")
        }
        let tolerance = options.tolerance ?? Scalar.ulpOfOne.squareRoot()
        let l = Swift.min(n, k + Swift.min(options.oversampling, n))
        var generator = SeededGenerator(seed: options.seed)

        // Q as l×n rows (the columns of the n×l block), orthonormal.
        var basisRows = orthonormalRows(generator.normals(l * n, as: Scalar.self), count: l, length: n, generator: &generator)
        var applications = 0
        var iteration = 0
        while true {
            let block = Matrix(uncheckedRows: l, columns: n, elements: basisRows).transposed
            let image = try apply(block)
            applications += l
            guard image.rows == n, image.columns == l else {
                throw LinearAlgebraError.shapeMismatch(
                    operation: "RandomizedEigensolver (operator)", expected: "an image of \(shapeText(n, l))", actual: image.shapeDescription)
            }
            guard image.isFinite else {
                throw LinearAlgebraError.invalidArgument("RandomizedEigensolver: the operator returned NaN or infinite values at iteration \(iteration)")
            }
            // Rayleigh–Ritz: B = Qᵀ·Z (l×l), symmetrized against rounding.
            let basisMatrix = Matrix(uncheckedRows: l, columns: n, elements: basisRows)
            var projected = try basisMatrix.multiplied(by: image)
            projected = Matrix(rows: l, columns: l) { i, j in (projected[i, j] + projected[j, i]) / 2 }
            let decomposition = try SymmetricEigendecomposition(projected)
            let values = decomposition.eigenvalues.elements
            let chosen = EigenvalueSelection.largestMagnitude.select(k, from: values)
            let coefficients = Matrix(rows: l, columns: k) { i, c in decomposition.eigenvectors[i, chosen[c]] }
            let selected = chosen.map { values[$0] }
            let vectors = try basisMatrix.multiplied(by: coefficients, transposingSelf: true)  // U = Q·S, n×k
            // Residuals Z·s − θ·u, column by column.
            var residuals = try image.multiplied(by: coefficients)
            for i in 0..<n { for c in 0..<k { residuals[i, c] -= selected[c] * vectors[i, c] } }
            let residualNorms = (0..<k).map { residuals.column($0).norm }
            let scale = values.reduce(0) { Swift.max($0, Swift.abs($1)) }
            let converged = residualNorms.allSatisfy { $0 <= tolerance * scale }

            if iteration == options.subspaceIterations || (options.tolerance != nil && converged) {
                return SymmetricEigenpairs(
                    eigenvalues: Vector(selected), eigenvectors: vectors, residualNorms: Vector(residualNorms),
                    operatorApplications: applications, converged: converged)
            }
            basisRows = orthonormalRows(image.transposed.elements, count: l, length: n, generator: &generator)
            iteration += 1
        }
    }

    /// Orthonormalizes the `count` rows (each of `length` entries) of `rows` by classical
    /// Gram–Schmidt twice; a row that is numerically in the span of the previous ones is
    /// replaced by a random direction orthogonal to them.
    static func orthonormalRows<Scalar: BLASScalar>(
        _ rows: [Scalar], count: Int, length n: Int, generator: inout SeededGenerator
    ) -> [Scalar] {
        var basis: [Scalar] = []
        basis.reserveCapacity(count * n)
        var coefficients = [Scalar](repeating: 0, count: count)
        let dependence = Scalar(100) * Scalar.ulpOfOne
        for c in 0..<count {
            var v = Array(rows[(c * n)..<((c + 1) * n)])
            var original = arrayNorm(v)
            orthogonalize(&v, against: basis, count: c, coefficients: &coefficients)
            var remaining = arrayNorm(v)
            var attempts = 0
            while !(remaining > dependence * original) && attempts < 4 {
                v = generator.normals(n, as: Scalar.self)
                original = arrayNorm(v)
                orthogonalize(&v, against: basis, count: c, coefficients: &coefficients)
                remaining = arrayNorm(v)
                attempts += 1
            }
            precondition(remaining > 0, "RandomizedEigensolver: no direction orthogonal to \(c) basis vectors in dimension \(n)")
            arrayScale(1 / remaining, &v)
            basis.append(contentsOf: v)
        }
        return basis
    }
}
