/// Functions of symmetric positive (semi)definite matrices through their eigendecomposition:
/// f(A) = Q·diag(f(λ))·Qᵀ for A = Q·diag(λ)·Qᵀ.
///
/// These are the preconditioners of second-order optimizers: K-FAC inverts damped Kronecker
/// factors (A + λI)⁻¹ (Martens & Grosse, 2015), Shampoo applies inverse fourth roots L^(−1/4)
/// (Gupta, Koren & Singer, 2018), and natural-gradient variants use inverse square roots. A
/// caller that refreshes its preconditioner every T steps decomposes once and may apply several
/// functions to the same ``SymmetricEigendecomposition``; the `Matrix` conveniences
/// (`symmetricPower` and the like) decompose and apply in one call.
///
/// ## Damping and the eigenvalue floor
/// Each eigenvalue λᵢ is first shifted by the damping, then raised to the floor:
///
///     μᵢ = max(λᵢ + damping, eigenvalueFloor),     f(A) = Q·diag(μᵢ^s)·Qᵀ.
///
/// With `eigenvalueFloor = 0` this is (A + damping·I)^s. The floor exists because curvature
/// estimates (Gram matrices, empirical Fishers, Kronecker factors) are positive semidefinite only
/// up to rounding: their smallest eigenvalues come out as tiny negative or zero numbers, and a
/// negative power of those is NaN, infinite or huge. Raising them to a floor bounds the norm of the
/// inverse by floor^s, which is what keeps a preconditioned step finite. The default floor 0
/// still clips rounding-negative eigenvalues to 0, so positive powers of a PSD matrix are PSD.
///
/// ## Invalid arguments (thrown as ``LinearAlgebraError/invalidArgument(_:)``)
/// - a damping or floor that is negative, NaN or infinite, and an exponent that is NaN or infinite;
/// - a root order p ≤ 0 in ``inversePthRoot(_:damping:eigenvalueFloor:)``;
/// - a negative exponent when some μᵢ ≤ 0, i.e. a singular or indefinite matrix with neither
///   damping nor a floor large enough to make it positive definite;
/// - a result that overflows (for example a floor so small that floor^s is infinite).
extension SymmetricEigendecomposition {
    /// (A + damping·I)^s with eigenvalues raised to `eigenvalueFloor` first (see the extension's
    /// documentation for the formula).
    ///
    /// Exponents 1, −1, 1/2, −1/2 and 0 are evaluated exactly as μ, 1/μ, √μ, 1/√μ and 1; others
    /// as `pow(μ, s)`.
    /// - Parameters:
    ///   - exponent: s, any finite number.
    ///   - damping: the Tikhonov shift λ ≥ 0 added to every eigenvalue.
    ///   - eigenvalueFloor: the least eigenvalue, ≥ 0, after damping.
    /// - Throws: ``LinearAlgebraError/invalidArgument(_:)`` for the cases listed on the extension.
    public func power(_ exponent: Scalar, damping: Scalar = 0, eigenvalueFloor: Scalar = 0) throws -> Matrix<Scalar> {
        try Self.validate(exponent: exponent, operation: "power")
        let f: (Scalar) -> Scalar
        switch exponent {
        case 0: f = { _ in 1 }
        case 1: f = { $0 }
        case -1: f = { 1 / $0 }
        case 0.5: f = { $0.squareRoot() }
        case -0.5: f = { 1 / $0.squareRoot() }
        default: f = { Scalar.pow($0, exponent) }
        }
        return try applying(
            f, negativeExponent: exponent < 0, operation: "power(\(exponent))", damping: damping, eigenvalueFloor: eigenvalueFloor)
    }

    /// (A + damping·I)⁻¹ with eigenvalues raised to `eigenvalueFloor` first; the norm of the
    /// result is at most 1/max(floor, λ₁ + damping).
    /// - Throws: ``LinearAlgebraError/invalidArgument(_:)`` for the cases listed on the extension.
    public func inverse(damping: Scalar = 0, eigenvalueFloor: Scalar = 0) throws -> Matrix<Scalar> {
        try applying({ 1 / $0 }, negativeExponent: true, operation: "inverse", damping: damping, eigenvalueFloor: eigenvalueFloor)
    }

    /// (A + damping·I)^(1/2), the symmetric PSD square root, with eigenvalues raised to `eigenvalueFloor` first.
    /// - Throws: ``LinearAlgebraError/invalidArgument(_:)`` for the cases listed on the extension.
    public func squareRoot(damping: Scalar = 0, eigenvalueFloor: Scalar = 0) throws -> Matrix<Scalar> {
        try applying({ $0.squareRoot() }, negativeExponent: false, operation: "squareRoot", damping: damping, eigenvalueFloor: eigenvalueFloor)
    }

    /// (A + damping·I)^(−1/2) with eigenvalues raised to `eigenvalueFloor` first.
    /// - Throws: ``LinearAlgebraError/invalidArgument(_:)`` for the cases listed on the extension.
    public func inverseSquareRoot(damping: Scalar = 0, eigenvalueFloor: Scalar = 0) throws -> Matrix<Scalar> {
        try applying(
            { 1 / $0.squareRoot() }, negativeExponent: true, operation: "inverseSquareRoot", damping: damping, eigenvalueFloor: eigenvalueFloor)
    }

    /// (A + damping·I)^(−1/p) with eigenvalues raised to `eigenvalueFloor` first: Shampoo's
    /// preconditioner with p = 4 for a matrix parameter, 2k for an order-k tensor.
    /// - Parameter p: the root order, ≥ 1.
    /// - Throws: ``LinearAlgebraError/invalidArgument(_:)`` for p ≤ 0 and the cases listed on the extension.
    public func inversePthRoot(_ p: Int, damping: Scalar = 0, eigenvalueFloor: Scalar = 0) throws -> Matrix<Scalar> {
        guard p >= 1 else {
            throw LinearAlgebraError.invalidArgument("inversePthRoot: the root order p must be at least 1, got \(p)")
        }
        let f: (Scalar) -> Scalar
        switch p {
        case 1: f = { 1 / $0 }
        case 2: f = { 1 / $0.squareRoot() }
        case 4: f = { 1 / $0.squareRoot().squareRoot() }
        default: f = { 1 / Scalar.root($0, p) }
        }
        return try applying(f, negativeExponent: true, operation: "inversePthRoot(\(p))", damping: damping, eigenvalueFloor: eigenvalueFloor)
    }

    /// Q·diag(clamp(λᵢ, minimum, maximum))·Qᵀ: the matrix with its eigenvalues clipped to an interval.
    ///
    /// Clipping is one way to turn an indefinite curvature estimate (a Hessian) into a usable
    /// positive-definite one, and to cap the largest curvature. A bound left `nil` is not applied.
    /// - Throws: ``LinearAlgebraError/invalidArgument(_:)`` when a bound is NaN or minimum > maximum.
    public func clippingEigenvalues(minimum: Scalar? = nil, maximum: Scalar? = nil) throws -> Matrix<Scalar> {
        let low = minimum ?? -Scalar.infinity
        let high = maximum ?? Scalar.infinity
        guard !low.isNaN, !high.isNaN, low <= high else {
            throw LinearAlgebraError.invalidArgument(
                "clippingEigenvalues: need minimum ≤ maximum, got minimum \(String(describing: minimum)), maximum \(String(describing: maximum))")
        }
        return reconstructed(withEigenvalues: eigenvalues.elements.map { Swift.min(Swift.max($0, low), high) })
    }

    /// Q·diag(f(μ))·Qᵀ with μ = max(λ + damping, floor), after the checks shared by every function.
    func applying(
        _ f: (Scalar) -> Scalar, negativeExponent: Bool, operation: String, damping: Scalar, eigenvalueFloor: Scalar
    ) throws -> Matrix<Scalar> {
        try Self.validate(damping: damping, eigenvalueFloor: eigenvalueFloor, operation: operation)
        let shifted = eigenvalues.elements.map { Swift.max($0 + damping, eigenvalueFloor) }
        // Ascending eigenvalues: the first is the smallest.
        if negativeExponent, let smallest = shifted.first, smallest <= 0 {
            throw LinearAlgebraError.invalidArgument(
                "\(operation): a negative power needs a positive definite matrix, but the smallest eigenvalue after "
                    + "damping \(damping) and floor \(eigenvalueFloor) is \(smallest); pass a positive eigenvalueFloor or damping")
        }
        let values = shifted.map(f)
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw LinearAlgebraError.invalidArgument(
                "\(operation): the function of eigenvalue \(shifted[bad]) is \(values[bad]) (overflow in \(Scalar.precisionName)); "
                    + "raise the eigenvalueFloor or the damping")
        }
        return reconstructed(withEigenvalues: values)
    }

    /// Throws unless the exponent is finite.
    static func validate(exponent: Scalar, operation: String) throws {
        guard exponent.isFinite else {
            throw LinearAlgebraError.invalidArgument("\(operation): the exponent must be finite, got \(exponent)")
        }
    }

    /// Throws unless damping and floor are finite and non-negative.
    static func validate(damping: Scalar, eigenvalueFloor: Scalar, operation: String) throws {
        guard damping.isFinite, damping >= 0 else {
            throw LinearAlgebraError.invalidArgument("\(operation): the damping must be finite and ≥ 0, got \(damping)")
        }
        guard eigenvalueFloor.isFinite, eigenvalueFloor >= 0 else {
            throw LinearAlgebraError.invalidArgument("\(operation): the eigenvalueFloor must be finite and ≥ 0, got \(eigenvalueFloor)")
        }
    }
}
