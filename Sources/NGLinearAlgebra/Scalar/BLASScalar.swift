import COpenBLAS
@_exported import RealModule

/// Whether a BLAS operand is used as stored or transposed.
public enum Transpose: Sendable {
    case none
    case transpose

    @inlinable var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
    @inlinable var lapack: CChar { CChar(UInt8(ascii: self == .none ? "N" : "T")) }
}

/// Which triangle of a symmetric or triangular matrix holds the data.
public enum Triangle: Sendable {
    case lower
    case upper

    @inlinable var cblas: CBLAS_UPLO { self == .lower ? CblasLower : CblasUpper }
    /// The same triangle seen from a column-major routine: row-major lower is column-major upper.
    @inlinable var columnMajorLapack: CChar { CChar(UInt8(ascii: self == .lower ? "U" : "L")) }
}

/// A floating-point type with BLAS and LAPACK kernels: `Float` (s-routines) and `Double` (d-routines).
///
/// Every dense kernel of the package goes through these requirements, so generic code over
/// `BLASScalar` runs on OpenBLAS for both precisions. The wrappers keep Netlib names (`gemm`,
/// `potrf`, `syevd`) so they can be checked against the BLAS and LAPACK documentation.
/// Matrices are row-major throughout; routines on symmetric matrices call LAPACK's column-major
/// interface on the same memory (a symmetric matrix is its own transpose), which avoids the
/// transposing copies of `LAPACK_ROW_MAJOR`.
public protocol BLASScalar: Real, BinaryFloatingPoint, Sendable, Codable
where Self.RawSignificand: FixedWidthInteger {
    /// "float32" or "float64", as NumPy and safetensors name the type.
    static var precisionName: String { get }

    /// Whether every entry is finite: one witness call, then a concrete loop, so that generic
    /// callers that are not specialized (optimizers stepping through a type-erased box) do not
    /// pay a protocol dispatch per entry.
    static func allFinite(_ x: UnsafeBufferPointer<Self>) -> Bool

    // MARK: BLAS level 3 and 2 (row-major)
    static func gemm(
        _ transA: Transpose, _ transB: Transpose, _ m: Int32, _ n: Int32, _ k: Int32,
        _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int32,
        _ b: UnsafePointer<Self>, _ ldb: Int32,
        _ beta: Self, _ c: UnsafeMutablePointer<Self>, _ ldc: Int32)
    static func gemv(
        _ trans: Transpose, _ m: Int32, _ n: Int32, _ alpha: Self,
        _ a: UnsafePointer<Self>, _ lda: Int32, _ x: UnsafePointer<Self>, _ incx: Int32,
        _ beta: Self, _ y: UnsafeMutablePointer<Self>, _ incy: Int32)
    static func syrk(
        _ uplo: Triangle, _ trans: Transpose, _ n: Int32, _ k: Int32, _ alpha: Self,
        _ a: UnsafePointer<Self>, _ lda: Int32, _ beta: Self, _ c: UnsafeMutablePointer<Self>, _ ldc: Int32)
    static func ger(
        _ m: Int32, _ n: Int32, _ alpha: Self, _ x: UnsafePointer<Self>, _ incx: Int32,
        _ y: UnsafePointer<Self>, _ incy: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32)
    /// Solves op(A)·X = α·B in place of B (left side) with A triangular.
    static func trsm(
        _ uplo: Triangle, _ trans: Transpose, _ m: Int32, _ n: Int32, _ alpha: Self,
        _ a: UnsafePointer<Self>, _ lda: Int32, _ b: UnsafeMutablePointer<Self>, _ ldb: Int32)

    // MARK: BLAS level 1
    static func axpy(_ n: Int32, _ alpha: Self, _ x: UnsafePointer<Self>, _ incx: Int32, _ y: UnsafeMutablePointer<Self>, _ incy: Int32)
    static func dot(_ n: Int32, _ x: UnsafePointer<Self>, _ incx: Int32, _ y: UnsafePointer<Self>, _ incy: Int32) -> Self
    static func nrm2(_ n: Int32, _ x: UnsafePointer<Self>, _ incx: Int32) -> Self
    static func scal(_ n: Int32, _ alpha: Self, _ x: UnsafeMutablePointer<Self>, _ incx: Int32)

    // MARK: LAPACK (column-major interface; see the type's documentation)
    /// Cholesky factorization; `info > 0` means the leading minor of that order is not positive definite.
    static func potrf(_ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32) -> Int32
    /// A ← A⁻¹ in place from potrf's Cholesky factor in the `uplo` triangle (column-major);
    /// only that triangle is written. Info as LAPACK's (i > 0: the factor's diagonal entry i is zero).
    static func potri(_ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32) -> Int32
    /// Symmetric eigendecomposition by divide and conquer; eigenvalues ascending in `w`.
    static func syevd(_ jobz: CChar, _ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32, _ w: UnsafeMutablePointer<Self>) -> Int32
    /// Singular value decomposition by divide and conquer.
    static func gesdd(
        _ jobz: CChar, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32,
        _ s: UnsafeMutablePointer<Self>, _ u: UnsafeMutablePointer<Self>, _ ldu: Int32,
        _ vt: UnsafeMutablePointer<Self>, _ ldvt: Int32) -> Int32
    /// Eigenvalues and eigenvectors of a symmetric tridiagonal matrix (diagonal `d`, off-diagonal `e`).
    static func stev(_ jobz: CChar, _ n: Int32, _ d: UnsafeMutablePointer<Self>, _ e: UnsafeMutablePointer<Self>, _ z: UnsafeMutablePointer<Self>, _ ldz: Int32) -> Int32
}

extension CChar {
    /// A LAPACK option character such as `"U"` or `"V"`.
    @inlinable static func lapack(_ c: Unicode.Scalar) -> CChar { CChar(UInt8(ascii: c)) }
}
