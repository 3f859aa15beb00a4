import NGLinearAlgebra

/// One entry of an activation's value or derivative, f(x, y, d, e) of up to four same-shaped
/// operands (x the input, y = φ(x), d and e gradients or tangents; unused ones are ignored).
///
/// ``ActivationFunction`` applies these through ``ActivationFunction/map(_:_:_:_:_:)``, which is
/// generic over the kernel type: the compiler specializes it for each kernel, so the per-entry
/// call is inlined into the chunked loop and vectorizes (a closure passed into the parallel loop
/// would stay an indirect call per entry).
protocol EntrywiseKernel {
    associatedtype Scalar: BLASScalar
    func callAsFunction(_ x: Scalar, _ y: Scalar, _ d: Scalar, _ e: Scalar) -> Scalar
}

/// Float's ``FastMath`` or the scalar type's libm function, chosen once per specialization.
enum ActivationMath {
    @inline(__always)
    static func tanh<Scalar: BLASScalar>(_ x: Scalar) -> Scalar {
        Scalar.self == Float.self
            ? ElementwiseKernels.fromFloat(FastMath.tanh(ElementwiseKernels.asFloat(x))) : Scalar.tanh(x)
    }

    @inline(__always)
    static func logistic<Scalar: BLASScalar>(_ x: Scalar) -> Scalar {
        Scalar.self == Float.self
            ? ElementwiseKernels.fromFloat(FastMath.logistic(ElementwiseKernels.asFloat(x))) : ActivationFunction.logistic(x)
    }

    /// softplus(x) = max(x, 0) + log(1 + e^{−|x|}).
    @inline(__always)
    static func softplus<Scalar: BLASScalar>(_ x: Scalar) -> Scalar {
        if Scalar.self == Float.self {
            let z = ElementwiseKernels.asFloat(x)
            let e = FastMath.exp(-Float(bitPattern: z.bitPattern & 0x7FFF_FFFF))
            return ElementwiseKernels.fromFloat((z > 0 ? z : 0) + FastMath.log1p(unitInterval: e))
        }
        return Swift.max(x, 0) + Scalar.log(onePlus: Scalar.exp(-Swift.abs(x)))
    }
}

/// φ(x) = tanh x.
struct TanhKernel<Scalar: BLASScalar>: EntrywiseKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar, _ d: Scalar, _ e: Scalar) -> Scalar { ActivationMath.tanh(x) }
}

/// φ(x) = σ(x).
struct SigmoidKernel<Scalar: BLASScalar>: EntrywiseKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar, _ d: Scalar, _ e: Scalar) -> Scalar { ActivationMath.logistic(x) }
}

/// φ(x) = max(x, 0).
struct ReluKernel<Scalar: BLASScalar>: EntrywiseKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar, _ d: Scalar, _ e: Scalar) -> Scalar { x > 0 ? x : 0 }
}

/// φ(x) = softplus(x).
struct SoftplusKernel<Scalar: BLASScalar>: EntrywiseKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar, _ d: Scalar, _ e: Scalar) -> Scalar { ActivationMath.softplus(x) }
}

/// φ′·d for tanh: (1 − y²)·d.
struct TanhDerivativeKernel<Scalar: BLASScalar>: EntrywiseKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar, _ d: Scalar, _ e: Scalar) -> Scalar { (1 - y * y) * d }
}

/// φ′·d for the sigmoid: y·(1 − y)·d.
struct SigmoidDerivativeKernel<Scalar: BLASScalar>: EntrywiseKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar, _ d: Scalar, _ e: Scalar) -> Scalar { y * (1 - y) * d }
}

/// φ′·d for ReLU: d where x > 0, else 0.
struct ReluDerivativeKernel<Scalar: BLASScalar>: EntrywiseKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar, _ d: Scalar, _ e: Scalar) -> Scalar { x > 0 ? d : 0 }
}

/// φ′·d for softplus: σ(x)·d.
struct SoftplusDerivativeKernel<Scalar: BLASScalar>: EntrywiseKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar, _ d: Scalar, _ e: Scalar) -> Scalar { ActivationMath.logistic(x) * d }
}

/// φ″·d·e for tanh: −2y·(1 − y²)·d·e.
struct TanhSecondDerivativeKernel<Scalar: BLASScalar>: EntrywiseKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar, _ d: Scalar, _ e: Scalar) -> Scalar { -2 * y * (1 - y * y) * d * e }
}

/// φ″·d·e for the sigmoid: y·(1 − y)·(1 − 2y)·d·e.
struct SigmoidSecondDerivativeKernel<Scalar: BLASScalar>: EntrywiseKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar, _ d: Scalar, _ e: Scalar) -> Scalar { y * (1 - y) * (1 - 2 * y) * d * e }
}

/// φ″·d·e for softplus: σ(x)·(1 − σ(x))·d·e.
struct SoftplusSecondDerivativeKernel<Scalar: BLASScalar>: EntrywiseKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar, _ d: Scalar, _ e: Scalar) -> Scalar {
        let s = ActivationMath.logistic(x)
        return s * (1 - s) * d * e
    }
}

extension ActivationFunction {
    /// kernel(xᵢ, yᵢ, dᵢ, eᵢ) for every entry of four same-shaped matrices (the same matrix may be
    /// passed for operands the kernel ignores), into fresh storage of d's shape (not zero-filled
    /// first), in parallel chunks for large batches (``ParallelChunks``).
    static func map<K: EntrywiseKernel>(
        _ x: Matrix<K.Scalar>, _ y: Matrix<K.Scalar>, _ d: Matrix<K.Scalar>, _ e: Matrix<K.Scalar>, _ kernel: K
    ) -> Matrix<K.Scalar> {
        let count = x.elements.count
        precondition(y.elements.count == count && d.elements.count == count && e.elements.count == count, "ActivationFunction: operand shapes differ")
        return x.elements.withUnsafeBufferPointer { px in
            y.elements.withUnsafeBufferPointer { py in
                d.elements.withUnsafeBufferPointer { pd in
                    e.elements.withUnsafeBufferPointer { pe in
                        Matrix(rows: d.rows, columns: d.columns) { out in
                            guard let x = px.baseAddress, let y = py.baseAddress, let d = pd.baseAddress, let e = pe.baseAddress,
                                  let target = out.baseAddress else { return }
                            ParallelChunks.forEach(count: count) { _, range in
                                for i in range { target[i] = kernel(x[i], y[i], d[i], e[i]) }
                            }
                        }
                    }
                }
            }
        }
    }
}
