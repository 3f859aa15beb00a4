import CKernels
import NGLinearAlgebra

/// The Float32 elementwise kernels of the CKernels C target — tanh, the logistic sigmoid, the
/// fused tanh derivative with column sums and the Bernoulli loss terms — at the widest
/// instruction set this processor has.
///
/// The package is built for baseline x86-64 (it must run on any x86-64 processor), so Swift's
/// loops compile to 4-wide SSE. The C target compiles each kernel three times — baseline, AVX2
/// (8 floats per instruction) and AVX-512 (16) — and ``Level/current`` picks one once per
/// process from CPUID. Each kernel is ``FastMath``'s arithmetic operation for operation, without
/// fused multiply-adds, so every level gives the same bits as the Swift functions (tested by
/// `NetworkVectorKernelTests` for each level the machine supports).
///
/// The callers split a batch into chunks on the BLAS threads (``ParallelChunks``) and call a
/// kernel per chunk.
enum VectorKernels {
    /// An instruction-set level of the C kernels.
    enum Level: Int32, CaseIterable, Comparable, Sendable {
        /// x86-64's baseline (SSE2), or any other processor.
        case baseline = 0
        /// AVX2 (x86-64-v3).
        case avx2 = 1
        /// AVX-512 F and DQ (x86-64-v4).
        case avx512 = 2

        /// The widest level this processor and operating system support, read once (thread-safe
        /// lazy initialization of a static constant).
        static let supported = Level(rawValue: ck_supported_level()) ?? .baseline

        /// The level the library uses: ``supported``.
        static var current: Level { supported }

        /// Every level this machine can run, for tests.
        static var available: [Level] { allCases.filter { $0 <= supported } }

        static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// y[i] = FastMath.tanh(x[i]) for i < count (x and y must not overlap).
    @inline(__always)
    static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, level: Level = .current) {
        ck_tanh_f32(level.rawValue, x, y, count)
    }

    /// y[i] = FastMath.logistic(x[i]) for i < count (x and y must not overlap).
    @inline(__always)
    static func logistic(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, level: Level = .current) {
        ck_logistic_f32(level.rawValue, x, y, count)
    }

    /// Δ ← (1 − y²)·Δ in place on a rows×columns row-major block and sums[j] += Σᵢ Δᵢⱼ (of the
    /// new Δ, rows added in order, so the sums are those of the plain loop).
    @inline(__always)
    static func tanhDerivativeAndColumnSums(
        output y: UnsafePointer<Float>, delta: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
        sums: UnsafeMutablePointer<Float>, level: Level = .current
    ) {
        ck_tanh_derivative_column_sums_f32(level.rawValue, y, delta, rows, columns, sums)
    }

    /// terms[i] = softplus(zᵢ) − tᵢ·zᵢ and, when `gradients` is given, gradients[i] = α·(σ(zᵢ) − tᵢ),
    /// for i < count: the Bernoulli negative log-likelihood terms and their scaled gradients.
    @inline(__always)
    static func bernoulli(
        logits z: UnsafePointer<Float>, targets t: UnsafePointer<Float>, count: Int, scale alpha: Float,
        terms: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>?, level: Level = .current
    ) {
        ck_bernoulli_f32(level.rawValue, z, t, count, alpha, terms, gradients)
    }
}

extension VectorKernels {
    /// kernel(x) entrywise for a Float batch (`Scalar == Float`, checked by the caller), into
    /// fresh storage, one kernel call per chunk of ``ParallelChunks`` (in parallel for large
    /// batches).
    static func map<Scalar: BLASScalar>(
        _ x: Matrix<Scalar>,
        _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Level) -> Void
    ) -> Matrix<Scalar> {
        precondition(Scalar.self == Float.self, "VectorKernels.map: Float only")
        let count = x.elements.count
        return x.elements.withUnsafeBufferPointer { px in
            Matrix(rows: x.rows, columns: x.columns) { out in
                guard let source = px.baseAddress, let target = out.baseAddress else { return }
                let input = UnsafeRawPointer(source).assumingMemoryBound(to: Float.self)
                let output = UnsafeMutableRawPointer(target).assumingMemoryBound(to: Float.self)
                ParallelChunks.forEach(count: count) { _, range in
                    kernel(input + range.lowerBound, output + range.lowerBound, range.count, .current)
                }
            }
        }
    }
}
