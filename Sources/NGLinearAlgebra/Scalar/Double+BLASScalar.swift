import COpenBLAS
import RealModule

extension Double: BLASScalar {
    public static var precisionName: String { "float64" }

    public static func allFinite(_ x: UnsafeBufferPointer<Double>) -> Bool {
        var finite = true
        for value in x { finite = finite && value.isFinite }
        return finite
    }

    @inlinable public static func gemm(
        _ transA: Transpose, _ transB: Transpose, _ m: Int32, _ n: Int32, _ k: Int32,
        _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int32, _ b: UnsafePointer<Double>, _ ldb: Int32,
        _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int32
    ) {
        cblas_dgemm(CblasRowMajor, transA.cblas, transB.cblas, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    @inlinable public static func gemv(
        _ trans: Transpose, _ m: Int32, _ n: Int32, _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int32,
        _ x: UnsafePointer<Double>, _ incx: Int32, _ beta: Double, _ y: UnsafeMutablePointer<Double>, _ incy: Int32
    ) {
        cblas_dgemv(CblasRowMajor, trans.cblas, m, n, alpha, a, lda, x, incx, beta, y, incy)
    }

    @inlinable public static func syrk(
        _ uplo: Triangle, _ trans: Transpose, _ n: Int32, _ k: Int32, _ alpha: Double,
        _ a: UnsafePointer<Double>, _ lda: Int32, _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int32
    ) {
        cblas_dsyrk(CblasRowMajor, uplo.cblas, trans.cblas, n, k, alpha, a, lda, beta, c, ldc)
    }

    @inlinable public static func ger(
        _ m: Int32, _ n: Int32, _ alpha: Double, _ x: UnsafePointer<Double>, _ incx: Int32,
        _ y: UnsafePointer<Double>, _ incy: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32
    ) {
        cblas_dger(CblasRowMajor, m, n, alpha, x, incx, y, incy, a, lda)
    }

    @inlinable public static func trsm(
        _ uplo: Triangle, _ trans: Transpose, _ m: Int32, _ n: Int32, _ alpha: Double,
        _ a: UnsafePointer<Double>, _ lda: Int32, _ b: UnsafeMutablePointer<Double>, _ ldb: Int32
    ) {
        cblas_dtrsm(CblasRowMajor, CblasLeft, uplo.cblas, trans.cblas, CblasNonUnit, m, n, alpha, a, lda, b, ldb)
    }

    @inlinable public static func axpy(_ n: Int32, _ alpha: Double, _ x: UnsafePointer<Double>, _ incx: Int32, _ y: UnsafeMutablePointer<Double>, _ incy: Int32) {
        cblas_daxpy(n, alpha, x, incx, y, incy)
    }

    @inlinable public static func dot(_ n: Int32, _ x: UnsafePointer<Double>, _ incx: Int32, _ y: UnsafePointer<Double>, _ incy: Int32) -> Double {
        cblas_ddot(n, x, incx, y, incy)
    }

    @inlinable public static func nrm2(_ n: Int32, _ x: UnsafePointer<Double>, _ incx: Int32) -> Double {
        cblas_dnrm2(n, x, incx)
    }

    @inlinable public static func scal(_ n: Int32, _ alpha: Double, _ x: UnsafeMutablePointer<Double>, _ incx: Int32) {
        cblas_dscal(n, alpha, x, incx)
    }

    @inlinable public static func potrf(_ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32) -> Int32 {
        LAPACKE_dpotrf(LAPACK_COL_MAJOR, uplo, n, a, lda)
    }
    @inlinable public static func potri(_ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32) -> Int32 {
        LAPACKE_dpotri_work(LAPACK_COL_MAJOR, uplo, n, a, lda)
    }

    @inlinable public static func syevd(_ jobz: CChar, _ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32, _ w: UnsafeMutablePointer<Double>) -> Int32 {
        LAPACKE_dsyevd(LAPACK_COL_MAJOR, jobz, uplo, n, a, lda, w)
    }

    @inlinable public static func gesdd(
        _ jobz: CChar, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
        _ s: UnsafeMutablePointer<Double>, _ u: UnsafeMutablePointer<Double>, _ ldu: Int32,
        _ vt: UnsafeMutablePointer<Double>, _ ldvt: Int32
    ) -> Int32 {
        LAPACKE_dgesdd(LAPACK_COL_MAJOR, jobz, m, n, a, lda, s, u, ldu, vt, ldvt)
    }

    @inlinable public static func stev(_ jobz: CChar, _ n: Int32, _ d: UnsafeMutablePointer<Double>, _ e: UnsafeMutablePointer<Double>, _ z: UnsafeMutablePointer<Double>, _ ldz: Int32) -> Int32 {
        LAPACKE_dstev(LAPACK_COL_MAJOR, jobz, n, d, e, z, ldz)
    }
}
