// Level-1 BLAS on bare arrays for the iterative solvers: no shape strings, no copies, so the
// inner loops allocate nothing (the DenseStorage methods check shapes by comparing descriptions).

/// y ← y + α·x over the first `x.count` entries (BLAS axpy); the lengths must agree.
@inlinable
func arrayAxpy<Scalar: BLASScalar>(_ alpha: Scalar, _ x: [Scalar], _ y: inout [Scalar]) {
    precondition(x.count == y.count, "axpy: lengths \(x.count) and \(y.count)")
    let n = Int32(x.count)
    if n == 0 { return }
    x.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in Scalar.axpy(n, alpha, px.baseAddress!, 1, py.baseAddress!, 1) }
    }
}

/// xᵀy (BLAS dot); the lengths must agree.
@inlinable
func arrayDot<Scalar: BLASScalar>(_ x: [Scalar], _ y: [Scalar]) -> Scalar {
    precondition(x.count == y.count, "dot: lengths \(x.count) and \(y.count)")
    let n = Int32(x.count)
    if n == 0 { return 0 }
    return x.withUnsafeBufferPointer { px in
        y.withUnsafeBufferPointer { py in Scalar.dot(n, px.baseAddress!, 1, py.baseAddress!, 1) }
    }
}

/// ‖x‖₂ without overflow (BLAS nrm2).
@inlinable
func arrayNorm<Scalar: BLASScalar>(_ x: [Scalar]) -> Scalar {
    let n = Int32(x.count)
    if n == 0 { return 0 }
    return x.withUnsafeBufferPointer { px in Scalar.nrm2(n, px.baseAddress!, 1) }
}

/// x ← α·x (BLAS scal).
@inlinable
func arrayScale<Scalar: BLASScalar>(_ alpha: Scalar, _ x: inout [Scalar]) {
    let n = Int32(x.count)
    if n == 0 { return }
    x.withUnsafeMutableBufferPointer { px in Scalar.scal(n, alpha, px.baseAddress!, 1) }
}

/// Removes from `w` its components along the first `count` rows of the row-major `basis`
/// (each of length `w.count`, orthonormal), by classical Gram–Schmidt done twice — "twice is
/// enough" (Giraud, Langou & Rozložník 2005) — as two gemv pairs. Returns the coefficients
/// of the first pass plus the second, i.e. the total projection `basis·w_original`.
func orthogonalize<Scalar: BLASScalar>(_ w: inout [Scalar], against basis: [Scalar], count: Int, coefficients: inout [Scalar]) {
    let n = w.count
    precondition(basis.count >= count * n && coefficients.count >= count, "orthogonalize: buffers too small")
    if count == 0 || n == 0 { return }
    for index in 0..<count { coefficients[index] = 0 }
    var pass = [Scalar](repeating: 0, count: count)
    for _ in 0..<2 {
        basis.withUnsafeBufferPointer { q in
            w.withUnsafeMutableBufferPointer { pw in
                pass.withUnsafeMutableBufferPointer { h in
                    // h = Q·w, then w ← w − Qᵀ·h.
                    Scalar.gemv(.none, Int32(count), Int32(n), 1, q.baseAddress!, Int32(n), pw.baseAddress!, 1, 0, h.baseAddress!, 1)
                    Scalar.gemv(.transpose, Int32(count), Int32(n), -1, q.baseAddress!, Int32(n), h.baseAddress!, 1, 1, pw.baseAddress!, 1)
                }
            }
        }
        for index in 0..<count { coefficients[index] += pass[index] }
    }
}
