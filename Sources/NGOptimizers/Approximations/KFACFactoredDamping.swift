import NGLinearAlgebra

/// Factored Tikhonov damping with the π rescaling (Martens & Grosse 2015, §6.3).
///
/// Damping a layer's Kronecker block as G ⊗ A + λI would destroy the Kronecker structure that
/// makes it cheap to invert. K-FAC damps the factors instead:
///
///     (G + (γ/π)·I) ⊗ (A + π·γ·I) = G ⊗ A + γ²·I + γ·[ π·(G ⊗ I) + (1/π)·(I ⊗ A) ],     γ = √λ,
///
/// which adds γ²·I = λI as wanted plus the cross term in brackets. The paper bounds the cross
/// term by the triangle inequality in a norm ‖·‖ with ‖X ⊗ Y‖ = ‖X‖·‖Y‖ — the trace norm —,
///
///     ‖π·(G ⊗ I_A) + (1/π)·(I_G ⊗ A)‖ ≤ π·tr(G)·dim(A) + (1/π)·dim(G)·tr(A),
///
/// and chooses π to minimize the bound: setting the derivative to zero gives
///
///     π = √( (tr(A) / dim(A)) / (tr(G) / dim(G)) ),
///
/// the ratio of the factors' mean eigenvalues. For positive semi-definite A and G the cross term
/// is itself PSD, so the bound is its trace norm exactly. π = 1 is used when either mean trace
/// is not positive and finite (a factor that is zero carries no scale).
public enum KFACFactoredDamping {
    /// π = √((tr A / dim A) / (tr G / dim G)), or 1 when either mean trace is not positive and finite.
    public static func pi<Scalar: BLASScalar>(inputFactor a: Matrix<Scalar>, gradientFactor g: Matrix<Scalar>) -> Scalar {
        let meanInput = a.rows == 0 ? 0 : a.trace / Scalar(a.rows)
        let meanGradient = g.rows == 0 ? 0 : g.trace / Scalar(g.rows)
        guard meanInput > 0, meanGradient > 0, meanInput.isFinite, meanGradient.isFinite else { return 1 }
        return (meanInput / meanGradient).squareRoot()
    }

    /// The trace-norm bound of the cross term for a given π:
    /// √λ·(π·tr(G)·dim(A) + dim(G)·tr(A)/π) — what ``pi(inputFactor:gradientFactor:)`` minimizes.
    public static func crossTermBound<Scalar: BLASScalar>(
        inputFactor a: Matrix<Scalar>, gradientFactor g: Matrix<Scalar>, pi: Scalar, damping: Scalar
    ) -> Scalar {
        damping.squareRoot() * (pi * g.trace * Scalar(a.rows) + Scalar(g.rows) * a.trace / pi)
    }

    /// (A + π·√λ·I, G + (√λ/π)·I, π) for a damping λ ≥ 0.
    public static func dampedFactors<Scalar: BLASScalar>(
        inputFactor a: Matrix<Scalar>, gradientFactor g: Matrix<Scalar>, damping: Scalar
    ) -> (input: Matrix<Scalar>, gradient: Matrix<Scalar>, pi: Scalar) {
        let pi = pi(inputFactor: a, gradientFactor: g)
        let root = damping.squareRoot()
        return (a.addingToDiagonal(pi * root), g.addingToDiagonal(root / pi), pi)
    }
}
