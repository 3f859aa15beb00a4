/// Which end of a symmetric spectrum an iterative eigensolver returns.
///
/// Hessians of neural-network losses are indefinite: `.largest` gives the top of the spectrum
/// (sharpness), `.smallest` the most negative curvature, `.largestMagnitude` the spectral norm.
public enum EigenvalueSelection: Sendable, Equatable {
    /// The algebraically largest eigenvalues, returned in descending order.
    case largest
    /// The algebraically smallest eigenvalues, returned in ascending order.
    case smallest
    /// The eigenvalues of largest |λ|, returned by descending |λ|.
    case largestMagnitude

    /// The indices of the `count` selected values of `values` (ascending input), most extreme first.
    func select<Scalar: BLASScalar>(_ count: Int, from values: [Scalar]) -> [Int] {
        let all = Array(values.indices)
        switch self {
        case .largest: return Array(all.reversed().prefix(count))
        case .smallest: return Array(all.prefix(count))
        case .largestMagnitude:
            // Stable on ties: the larger value first.
            return Array(all.sorted { (Swift.abs(values[$0]), $0) > (Swift.abs(values[$1]), $1) }.prefix(count))
        }
    }
}

/// A few eigenpairs (λᵢ, uᵢ) of a symmetric operator, as found by ``Lanczos`` or ``RandomizedEigensolver``.
public struct SymmetricEigenpairs<Scalar: BLASScalar>: Sendable {
    /// The eigenvalue estimates (Ritz values), most extreme first in the requested sense
    /// (see ``EigenvalueSelection``).
    public var eigenvalues: Vector<Scalar>
    /// The unit eigenvector estimates (Ritz vectors), one per column (n×k), in the order of ``eigenvalues``.
    public var eigenvectors: Matrix<Scalar>
    /// ‖A·uᵢ − λᵢ·uᵢ‖ for each pair (for Lanczos, the estimate |βₘ·sₘᵢ| from the recurrence).
    /// By the Bauer–Fike / Kahan bound some true eigenvalue lies within this distance of λᵢ.
    public var residualNorms: Vector<Scalar>
    /// The number of operator applications to single vectors.
    public var operatorApplications: Int
    /// Whether every residual met the solver's tolerance.
    public var converged: Bool
}
