import COpenBLAS

#if canImport(Glibc)
import Glibc
#endif

/// What the BLAS library underneath reports about itself: which kernels it chose and how many threads.
///
/// Debian's OpenBLAS is built with DYNAMIC_ARCH: it picks its kernels for the CPU at load time
/// unless the `OPENBLAS_CORETYPE` environment variable names a core (e.g. `Haswell`, holding it to
/// AVX2). The package never sets that variable itself — a user's explicit choice stands — but
/// benchmarks record it next to their figures.
public enum BLASRuntime {
    /// The core whose kernels OpenBLAS uses, e.g. "Haswell" or "Zen" / "SkylakeX".
    public static var coreName: String { String(cString: openblas_get_corename()) }
    /// OpenBLAS's build configuration string (version, DYNAMIC_ARCH, threading).
    public static var configuration: String { String(cString: openblas_get_config()) }
    /// The number of threads OpenBLAS uses.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }
    /// The value of `OPENBLAS_CORETYPE` in this process's environment, or `nil` when unset.
    public static var coreTypeEnvironment: String? {
        getenv("OPENBLAS_CORETYPE").map { String(cString: $0) }
    }
}
