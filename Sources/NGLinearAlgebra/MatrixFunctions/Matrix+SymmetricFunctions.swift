/// One-call functions of a symmetric matrix: decompose with ``SymmetricEigendecomposition``, then
/// apply one function of its eigenvalues.
///
/// Only the lower triangle of `self` is read. Every function shifts each eigenvalue by the
/// damping and raises it to the eigenvalue floor before applying the power, μ = max(λ + damping,
/// floor); see the `SymmetricEigendecomposition` extension in SymmetricMatrixFunctions.swift for why,
/// and for the arguments that are rejected. To apply several functions, or the same one with
/// several dampings, decompose once and call the methods of the decomposition instead.
extension Matrix {
    /// (A + damping·I)^exponent with eigenvalues raised to `eigenvalueFloor` first.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` for a non-square
    ///   matrix, ``LinearAlgebraError/invalidArgument(_:)`` for NaN entries and invalid arguments.
    public func symmetricPower(_ exponent: Scalar, damping: Scalar = 0, eigenvalueFloor: Scalar = 0) throws -> Matrix {
        try SymmetricEigendecomposition<Scalar>.validate(exponent: exponent, operation: "symmetricPower")
        return try decomposedForFunction("symmetricPower", damping: damping, eigenvalueFloor: eigenvalueFloor)
            .power(exponent, damping: damping, eigenvalueFloor: eigenvalueFloor)
    }

    /// (A + damping·I)⁻¹ with eigenvalues raised to `eigenvalueFloor` first.
    ///
    /// For a well-conditioned SPD matrix without a floor, ``Cholesky/inverse`` is cheaper; this
    /// one accepts singular PSD matrices through the floor.
    /// - Throws: as ``symmetricPower(_:damping:eigenvalueFloor:)``.
    public func symmetricInverse(damping: Scalar = 0, eigenvalueFloor: Scalar = 0) throws -> Matrix {
        try decomposedForFunction("symmetricInverse", damping: damping, eigenvalueFloor: eigenvalueFloor)
            .inverse(damping: damping, eigenvalueFloor: eigenvalueFloor)
    }

    /// (A + damping·I)^(1/2), the symmetric PSD square root, with eigenvalues raised to `eigenvalueFloor` first.
    /// - Throws: as ``symmetricPower(_:damping:eigenvalueFloor:)``.
    public func symmetricSquareRoot(damping: Scalar = 0, eigenvalueFloor: Scalar = 0) throws -> Matrix {
        try decomposedForFunction("symmetricSquareRoot", damping: damping, eigenvalueFloor: eigenvalueFloor)
            .squareRoot(damping: damping, eigenvalueFloor: eigenvalueFloor)
    }

    /// (A + damping·I)^(−1/2) with eigenvalues raised to `eigenvalueFloor` first.
    /// - Throws: as ``symmetricPower(_:damping:eigenvalueFloor:)``.
    public func symmetricInverseSquareRoot(damping: Scalar = 0, eigenvalueFloor: Scalar = 0) throws -> Matrix {
        try decomposedForFunction("symmetricInverseSquareRoot", damping: damping, eigenvalueFloor: eigenvalueFloor)
            .inverseSquareRoot(damping: damping, eigenvalueFloor: eigenvalueFloor)
    }

    /// (A + damping·I)^(−1/p) with eigenvalues raised to `eigenvalueFloor` first (Shampoo: p = 4).
    /// - Throws: as ``symmetricPower(_:damping:eigenvalueFloor:)``, and for p ≤ 0.
    public func symmetricInversePthRoot(_ p: Int, damping: Scalar = 0, eigenvalueFloor: Scalar = 0) throws -> Matrix {
        guard p >= 1 else {
            throw LinearAlgebraError.invalidArgument("symmetricInversePthRoot: the root order p must be at least 1, got \(p)")
        }
        return try decomposedForFunction("symmetricInversePthRoot", damping: damping, eigenvalueFloor: eigenvalueFloor)
            .inversePthRoot(p, damping: damping, eigenvalueFloor: eigenvalueFloor)
    }

    /// The symmetric matrix with its eigenvalues clipped to [minimum, maximum] (`nil`: unbounded).
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` for a non-square
    ///   matrix, ``LinearAlgebraError/invalidArgument(_:)`` for NaN entries, a NaN bound or minimum > maximum.
    public func clippingEigenvalues(minimum: Scalar? = nil, maximum: Scalar? = nil) throws -> Matrix {
        if let minimum, let maximum, !(minimum <= maximum) {
            throw LinearAlgebraError.invalidArgument("clippingEigenvalues: need minimum ≤ maximum, got \(minimum) and \(maximum)")
        }
        return try SymmetricEigendecomposition(self).clippingEigenvalues(minimum: minimum, maximum: maximum)
    }

    /// The eigendecomposition, after checking the cheap arguments so that bad ones fail before the O(n³) work.
    private func decomposedForFunction(_ operation: String, damping: Scalar, eigenvalueFloor: Scalar) throws -> SymmetricEigendecomposition<Scalar> {
        try SymmetricEigendecomposition<Scalar>.validate(damping: damping, eigenvalueFloor: eigenvalueFloor, operation: operation)
        return try SymmetricEigendecomposition(self)
    }
}
