import NGLinearAlgebra

/// The diagonal conjugate-gradient preconditioner of Hessian-free optimization
/// (Martens 2010, §4.7):
///
///     M = [diag((1/|B|)·Σᵢ gᵢ ⊙ gᵢ) + λ·I]^ξ,    ξ = 0.75,
///
/// with gᵢ the per-example gradients of the loss on the batch and λ the damping. Martens sums
/// over the examples of a summed objective; for the package's mean objective the mean keeps the
/// diagonal on the scale of the (mean) curvature matrix that CG inverts — it is the diagonal of
/// the empirical Fisher. The exponent ξ < 1 tempers the diagonal, which over-scales directions
/// where gradients vary a lot. CG applies z = M⁻¹·r entrywise. A diagonal entry that is 0
/// (λ = 0 and a parameter with no gradient on the batch) is replaced by 1, leaving that
/// coordinate unpreconditioned.
public struct MartensDiagonalPreconditioner<Scalar: BLASScalar>: Sendable, Equatable {
    /// The diagonal of M.
    public let diagonal: Vector<Scalar>

    /// M from per-example gradients (one row per example), the damping λ ≥ 0 and the exponent ξ.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for an empty gradient matrix, a negative
    ///   damping or exponent, or non-finite gradients.
    public init(perExampleGradients: Matrix<Scalar>, damping: Scalar, exponent: Scalar = 0.75) throws {
        guard perExampleGradients.rows > 0 else {
            throw OptimizerError.invalidArgument("MartensDiagonalPreconditioner: no per-example gradients (an empty batch)")
        }
        guard damping >= 0, damping.isFinite, exponent >= 0, exponent.isFinite else {
            throw OptimizerError.invalidArgument(
                "MartensDiagonalPreconditioner: damping and exponent must be finite and ≥ 0, got \(damping) and \(exponent)")
        }
        let rows = perExampleGradients.rows
        let columns = perExampleGradients.columns
        var squares = [Scalar](repeating: 0, count: columns)
        perExampleGradients.elements.withUnsafeBufferPointer { g in
            squares.withUnsafeMutableBufferPointer { s in
                for i in 0..<rows {
                    let row = i * columns
                    for j in 0..<columns { s[j] += g[row + j] * g[row + j] }
                }
            }
        }
        let scale = 1 / Scalar(rows)
        var diagonal = [Scalar](repeating: 1, count: columns)
        for j in 0..<columns {
            let base = squares[j] * scale + damping
            guard base.isFinite else {
                throw OptimizerError.nonFinite("MartensDiagonalPreconditioner: the per-example gradients of parameter \(j) are not finite")
            }
            if base > 0 { diagonal[j] = Scalar.pow(base, exponent) }
        }
        self.diagonal = Vector(diagonal)
    }

    /// M⁻¹·r.
    public func apply(_ r: Vector<Scalar>) -> Vector<Scalar> {
        precondition(r.count == diagonal.count, "MartensDiagonalPreconditioner: a vector of length \(r.count) for \(diagonal.count) parameters")
        var z = r
        z.elements.withUnsafeMutableBufferPointer { zp in
            diagonal.elements.withUnsafeBufferPointer { d in
                for j in 0..<zp.count { zp[j] /= d[j] }
            }
        }
        return z
    }
}
