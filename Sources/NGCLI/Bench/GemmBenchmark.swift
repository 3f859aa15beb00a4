import COpenBLAS
import NaturalGradient

/// Measures the package's gemm path against the same OpenBLAS call made directly.
///
/// Both sides multiply the same operands into a preallocated C; the package side calls
/// `Matrix.gemm` (shape checks, buffer access, the `BLASScalar` wrapper), the direct side calls
/// `cblas_?gemm` on raw pointers. Repetitions alternate between the two so that the machine's
/// drift (other load, frequency changes) affects both alike; each side reports its median rate.
struct GemmBenchmark {
    struct Result: Codable {
        let precision: String
        let m: Int
        let n: Int
        let k: Int
        let packageGflops: Double
        let directGflops: Double

        enum CodingKeys: String, CodingKey {
            case precision, m, n, k
            case packageGflops = "package_gflops"
            case directGflops = "direct_gflops"
        }
    }

    /// (m, n, k) triples: square sizes, plus the shape of a K-FAC-sized layer product.
    var shapes: [(m: Int, n: Int, k: Int)]
    /// Timed repetitions per side after one warm-up call each.
    var repetitions: Int
    var seed: UInt64

    func run() -> [Result] {
        shapes.map { measure(Float.self, $0) } + shapes.map { measure(Double.self, $0) }
    }

    private func measure<T: BLASScalar & DirectGemm>(_: T.Type, _ shape: (m: Int, n: Int, k: Int)) -> Result {
        var rng = SeededGenerator(seed: seed)
        let a = try! Matrix<T>(rows: shape.m, columns: shape.k, elements: rng.normals(shape.m * shape.k))
        let b = try! Matrix<T>(rows: shape.k, columns: shape.n, elements: rng.normals(shape.k * shape.n))
        var cPackage = Matrix<T>(rows: shape.m, columns: shape.n)
        var cDirect = cPackage.elements
        let flops = 2.0 * Double(shape.m) * Double(shape.n) * Double(shape.k)

        func timePackage() -> Double {
            seconds { try! cPackage.gemm(a, .none, b, .none) }
        }
        func timeDirect() -> Double {
            a.elements.withUnsafeBufferPointer { pa in
                b.elements.withUnsafeBufferPointer { pb in
                    cDirect.withUnsafeMutableBufferPointer { pc in
                        seconds {
                            T.directGemm(Int32(shape.m), Int32(shape.n), Int32(shape.k), pa.baseAddress!, pb.baseAddress!, pc.baseAddress!)
                        }
                    }
                }
            }
        }
        _ = timePackage()
        _ = timeDirect()
        var packageTimes: [Double] = []
        var directTimes: [Double] = []
        for rep in 0..<repetitions {
            // Alternate which side goes first so neither always runs on a warmer cache.
            if rep % 2 == 0 {
                packageTimes.append(timePackage())
                directTimes.append(timeDirect())
            } else {
                directTimes.append(timeDirect())
                packageTimes.append(timePackage())
            }
        }
        return Result(
            precision: T.precisionName, m: shape.m, n: shape.n, k: shape.k,
            packageGflops: flops / median(packageTimes) / 1e9, directGflops: flops / median(directTimes) / 1e9)
    }
}

/// Seconds taken by `body`, on the monotonic clock.
func seconds(_ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    let elapsed = clock.measure(body)
    return elapsed.inSeconds
}

/// The median of a non-empty list.
func median(_ values: [Double]) -> Double { values.median ?? .nan }

/// The raw CBLAS call, C = A·B row-major, that the package's path is compared with.
protocol DirectGemm {
    static func directGemm(_ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ c: UnsafeMutablePointer<Self>)
}

extension Float: DirectGemm {
    static func directGemm(_ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a, k, b, n, 0, c, n)
    }
}

extension Double: DirectGemm {
    static func directGemm(_ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a, k, b, n, 0, c, n)
    }
}
