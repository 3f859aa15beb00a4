import COpenBLAS
import RealModule

extension Float: BLASScalar {
    public static var precisionName: String { "float32" }

    public static func allFinite(_ x: UnsafeBufferPointer<Float>) -> Bool {
        var finite = true
        for value in x { finite = finite && value.isFinite }
        return finite
    }

    @inlinable public static func gemm(
        _ transA: Transpose, _ transB: Transpose, _ m: Int32, _ n: Int32, _ k: Int32,
        _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int32, _ b: UnsafePointer<Float>, _ ldb: Int32,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int32
    ) {
        cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    @inlinable public static func gemv(
        _ trans: Transpose, _ m: Int32, _ n: Int32, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int32,
        _ x: UnsafePointer<Float>, _ incx: Int32, _ beta: Float, _ y: UnsafeMutablePointer<Float>, _ incy: Int32
    ) {
        cblas_sgemv(CblasRowMajor, trans.cblas, m, n, alpha, a, lda, x, incx, beta, y, incy)
    }

    @inlinable public static func syrk(
        _ uplo: Triangle, _ trans: Transpose, _ n: Int32, _ k: Int32, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int32, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int32
    ) {
        cblas_ssyrk(CblasRowMajor, uplo.cblas, trans.cblas, n, k, alpha, a, lda, beta, c, ldc)
    }

    @inlinable public static func ger(
        _ m: Int32, _ n: Int32, _ alpha: Float, _ x: UnsafePointer<Float>, _ incx: Int32,
        _ y: UnsafePointer<Float>, _ incy: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32
    ) {
        cblas_sger(CblasRowMajor, m, n, alpha, x, incx, y, incy, a, lda)
    }

    @inlinable public static func trsm(
        _ uplo: Triangle, _ trans: Transpose, _ m: Int32, _ n: Int32, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int32, _ b: UnsafeMutablePointer<Float>, _ ldb: Int32
    ) {
        cblas_strsm(CblasRowMajor, CblasLeft, uplo.cblas, trans.cblas, CblasNonUnit, m, n, alpha, a, lda, b, ldb)
    }

    @inlinable public static func axpy(_ n: Int32, _ alpha: Float, _ x: UnsafePointer<Float>, _ incx: Int32, _ y: UnsafeMutablePointer<Float>, _ incy: Int32) {
        cblas_saxpy(n, alpha, x, incx, y, incy)
    }

    @inlinable public static func dot(_ n: Int32, _ x: UnsafePointer<Float>, _ incx: Int32, _ y: UnsafePointer<Float>, _ incy: Int32) -> Float {
        cblas_sdot(n, x, incx, y, incy)
    }

    @inlinable public static func nrm2(_ n: Int32, _ x: UnsafePointer<Float>, _ incx: Int32) -> Float {
        cblas_snrm2(n, x, incx)
    }

    @inlinable public static func scal(_ n: Int32, _ alpha: Float, _ x: UnsafeMutablePointer<Float>, _ incx: Int32) {
        cblas_sscal(n, alpha, x, incx)
    }

    @inlinable public static func potrf(_ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32) -> Int32 {
        LAPACKE_spotrf(LAPACK_COL_MAJOR, uplo, n, a, lda)
    }
    @inlinable public static func potri(_ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32) -> Int32 {
        LAPACKE_spotri_work(LAPACK_COL_MAJOR, uplo, n, a, lda)
    }

    @inlinable public static func syevd(_ jobz: CChar, _ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ w: UnsafeMutablePointer<Float>) -> Int32 {
        LAPACKE_ssyevd(LAPACK_COL_MAJOR, jobz, uplo, n, a, lda, w)
    }

    @inlinable public static func gesdd(
        _ jobz: CChar, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
        _ s: UnsafeMutablePointer<Float>, _ u: UnsafeMutablePointer<Float>, _ ldu: Int32,
        _ vt: UnsafeMutablePointer<Float>, _ ldvt: Int32
    ) -> Int32 {
        LAPACKE_sgesdd(LAPACK_COL_MAJOR, jobz, m, n, a, lda, s, u, ldu, vt, ldvt)
    }

    @inlinable public static func stev(_ jobz: CChar, _ n: Int32, _ d: UnsafeMutablePointer<Float>, _ e: UnsafeMutablePointer<Float>, _ z: UnsafeMutablePointer<Float>, _ ldz: Int32) -> Int32 {
        LAPACKE_sstev(LAPACK_COL_MAJOR, jobz, n, d, e, z, ldz)
    }
}
