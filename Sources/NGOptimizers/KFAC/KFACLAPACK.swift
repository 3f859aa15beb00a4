import COpenBLAS
import NGLinearAlgebra

/// The LAPACK routine K-FAC needs beyond `BLASScalar`'s wrappers: the inverse of a symmetric
/// positive-definite matrix from its Cholesky factor (potri), dispatched to the Float or Double
/// routine.
enum KFACLAPACK {
    /// A ← A⁻¹ in place from the Cholesky factor that `potrf("L")` left in the column-major
    /// lower (= row-major upper) triangle of the n×n matrix at `a`; only that triangle is
    /// written. Returns LAPACK's info (0: success; i > 0: U[i, i] is zero).
    static func potri<Scalar: BLASScalar>(_ n: Int32, _ a: UnsafeMutablePointer<Scalar>) -> Int32 {
        let lower = CChar(UInt8(ascii: "L"))
        let count = Int(n) * Int(n)
        if Scalar.self == Float.self {
            return a.withMemoryRebound(to: Float.self, capacity: count) { LAPACKE_spotri_work(LAPACK_COL_MAJOR, lower, n, $0, n) }
        }
        precondition(Scalar.self == Double.self, "K-FAC: potri for \(Scalar.self) is not available")
        return a.withMemoryRebound(to: Double.self, capacity: count) { LAPACKE_dpotri_work(LAPACK_COL_MAJOR, lower, n, $0, n) }
    }
}
