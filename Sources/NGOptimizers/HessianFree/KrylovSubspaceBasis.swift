import NGLinearAlgebra

/// An orthonormal basis Q = [q₁ … q_m] of a (preconditioned) Krylov subspace, with the
/// curvature products G·qᵢ, and the projected quadratic model on it — the subspace of
/// ``KrylovSubspaceDescent``.
///
/// The Krylov vectors are generated Arnoldi-style: each new vector is M⁻¹·G·qₖ of the last
/// orthonormal one rather than a raw power (M⁻¹G)ᵏ·M⁻¹g, which would lose every direction but
/// the dominant one to rounding; the span is the same. Each vector is orthogonalized against the
/// basis by two passes of Gram–Schmidt ("twice is enough", Giraud et al. 2005) and dropped when
/// what remains is below √ε of its length — the subspace is then (numerically) exhausted.
struct KrylovSubspaceBasis<Scalar: BLASScalar> {
    /// q₁ … q_m, orthonormal.
    private(set) var vectors: [Vector<Scalar>] = []
    /// G·q₁ … G·q_m.
    private(set) var products: [Vector<Scalar>] = []

    /// The basis of span{M⁻¹g, (M⁻¹G)M⁻¹g, …, (M⁻¹G)^{K−1}M⁻¹g} ∪ {d_prev}.
    ///
    /// - Parameters:
    ///   - gradient: g.
    ///   - dimension: K, the most Krylov vectors.
    ///   - previousDirection: the previous step, added after the Krylov vectors when given.
    ///   - preconditioner: r ↦ M⁻¹·r, or `nil` for M = I.
    ///   - product: v ↦ G·v (undamped).
    static func build(
        gradient: Vector<Scalar>, dimension: Int, previousDirection: Vector<Scalar>?,
        preconditioner: ((Vector<Scalar>) -> Vector<Scalar>)?, product: (Vector<Scalar>) throws -> Vector<Scalar>
    ) throws -> KrylovSubspaceBasis {
        var basis = KrylovSubspaceBasis()
        var next = preconditioner?(gradient) ?? gradient
        for _ in 0..<dimension {
            guard let curvatureProduct = try basis.append(next, product: product) else { break }
            next = preconditioner?(curvatureProduct) ?? curvatureProduct
        }
        if let previousDirection { _ = try basis.append(previousDirection, product: product) }
        return basis
    }

    /// The dimension m of the subspace.
    var dimension: Int { vectors.count }

    /// Orthonormalizes `v` against the basis and appends it with its product G·q, returned;
    /// `nil` (nothing appended) when `v` lies numerically in the span or is not finite.
    mutating func append(_ v: Vector<Scalar>, product: (Vector<Scalar>) throws -> Vector<Scalar>) throws -> Vector<Scalar>? {
        let originalNorm = v.norm
        guard originalNorm > 0, originalNorm.isFinite else { return nil }
        var w = v
        for _ in 0..<2 {
            for q in vectors { try w.add(q, scaledBy: -(try q.dot(w))) }
        }
        let remainingNorm = w.norm
        guard remainingNorm > Scalar.ulpOfOne.squareRoot() * originalNorm else { return nil }
        w.scale(by: 1 / remainingNorm)
        let curvatureProduct = try product(w)
        vectors.append(w)
        products.append(curvatureProduct)
        return curvatureProduct
    }

    /// Qᵀ·g.
    func projected(_ g: Vector<Scalar>) throws -> Vector<Scalar> {
        Vector(try vectors.map { try $0.dot(g) })
    }

    /// QᵀGQ, symmetrized (entry (i, j) is the mean of qᵢᵀ(Gqⱼ) and qⱼᵀ(Gqᵢ)).
    func projectedCurvature() throws -> Matrix<Scalar> {
        let m = dimension
        var matrix = Matrix<Scalar>(rows: m, columns: m)
        for i in 0..<m {
            for j in i..<m {
                let value = (try vectors[i].dot(products[j]) + vectors[j].dot(products[i])) / 2
                matrix[i, j] = value
                matrix[j, i] = value
            }
        }
        return matrix
    }

    /// Q·α.
    func combination(_ coefficients: Vector<Scalar>) throws -> Vector<Scalar> {
        precondition(coefficients.count == dimension, "KrylovSubspaceBasis: \(coefficients.count) coefficients for \(dimension) vectors")
        var result = Vector<Scalar>(count: vectors.first?.count ?? 0)
        for (q, a) in zip(vectors, coefficients.elements) where a != 0 { try result.add(q, scaledBy: a) }
        return result
    }
}
