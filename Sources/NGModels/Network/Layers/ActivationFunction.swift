import NGLinearAlgebra

/// An elementwise nonlinearity φ with its first and second derivatives.
///
/// | name       | φ(x)                 | φ′ (from x, y = φ(x))  | φ″                     |
/// |------------|----------------------|------------------------|------------------------|
/// | `tanh`     | tanh x               | 1 − y²                 | −2y·(1 − y²)           |
/// | `sigmoid`  | σ(x) = 1/(1 + e⁻ˣ)   | y·(1 − y)              | y·(1 − y)·(1 − 2y)     |
/// | `relu`     | max(x, 0)            | 1 if x > 0 else 0      | 0                      |
/// | `softplus` | log(1 + eˣ)          | σ(x)                   | σ(x)·(1 − σ(x))        |
/// | `identity` | x                    | 1                      | 0                      |
///
/// ReLU's derivative at 0 is taken as 0 (PyTorch's choice). φ″ enters exact Hessian-vector
/// products through the R-op of the backward pass; the Gauss-Newton matrix ignores it.
/// Every function runs as one tight loop over the batch: the `switch` on the case happens once
/// per call, outside the loop.
public enum ActivationFunction: String, CaseIterable, Sendable {
    case tanh
    case sigmoid
    case relu
    case softplus
    case identity

    /// The activation for a name (`tanh`, `sigmoid`, `relu`, `softplus`, `identity`; `linear` and
    /// `none` are accepted for `identity`), case-insensitive.
    /// - Throws: ``NetworkError/unknownName(kind:name:choices:)`` for any other name.
    public init(name: String) throws {
        let lowered = name.lowercased()
        if let known = ActivationFunction(rawValue: lowered) {
            self = known
        } else if lowered == "linear" || lowered == "none" {
            self = .identity
        } else {
            throw NetworkError.unknownName(kind: "activation", name: name, choices: ActivationFunction.allCases.map(\.rawValue))
        }
    }

    /// y = φ(x) entrywise.
    ///
    /// In Float, tanh, sigmoid and softplus use ``FastMath`` (tanh ≤ 6 ulp, the others ≤ 3 ulp,
    /// vectorized; tanh and sigmoid through ``VectorKernels`` at the processor's widest vector
    /// instructions, same bits); in Double the libm functions.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func apply<Scalar: BLASScalar>(_ x: Matrix<Scalar>) -> Matrix<Scalar> {
        switch self {
        case .tanh:
            if Scalar.self == Float.self { return VectorKernels.map(x, VectorKernels.tanh) }
            return Self.map(x, x, x, x, TanhKernel())
        case .sigmoid:
            if Scalar.self == Float.self { return VectorKernels.map(x, VectorKernels.logistic) }
            return Self.map(x, x, x, x, SigmoidKernel())
        case .relu: return Self.map(x, x, x, x, ReluKernel())
        case .softplus: return Self.map(x, x, x, x, SoftplusKernel())
        case .identity: return x
        }
    }

    /// φ′(x) ⊙ d entrywise, for x the input, y = φ(x) the output and d a same-shaped matrix (the
    /// backward pass with d = ∂s/∂y, the forward tangent with d = ẋ).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func derivativeProduct<Scalar: BLASScalar>(input x: Matrix<Scalar>, output y: Matrix<Scalar>, _ d: Matrix<Scalar>) -> Matrix<Scalar> {
        switch self {
        case .tanh: return Self.map(x, y, d, d, TanhDerivativeKernel())
        case .sigmoid: return Self.map(x, y, d, d, SigmoidDerivativeKernel())
        case .relu: return Self.map(x, y, d, d, ReluDerivativeKernel())
        case .softplus: return Self.map(x, y, d, d, SoftplusDerivativeKernel())
        case .identity: return d
        }
    }

    /// φ″(x) ⊙ d ⊙ e entrywise (the curvature term of the R-op of the backward pass, with
    /// d = ẋ and e = ∂s/∂y); nil when φ″ ≡ 0 (ReLU almost everywhere, identity).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func secondDerivativeProduct<Scalar: BLASScalar>(
        input x: Matrix<Scalar>, output y: Matrix<Scalar>, _ d: Matrix<Scalar>, _ e: Matrix<Scalar>
    ) -> Matrix<Scalar>? {
        switch self {
        case .tanh: return Self.map(x, y, d, e, TanhSecondDerivativeKernel())
        case .sigmoid: return Self.map(x, y, d, e, SigmoidSecondDerivativeKernel())
        case .softplus: return Self.map(x, y, d, e, SoftplusSecondDerivativeKernel())
        case .relu, .identity: return nil
        }
    }

    /// σ(x) = 1/(1 + e⁻ˣ), evaluated without overflow for either sign of x.
    @inlinable
    static func logistic<Scalar: BLASScalar>(_ x: Scalar) -> Scalar {
        if x >= 0 { return 1 / (1 + Scalar.exp(-x)) }
        let e = Scalar.exp(x)
        return e / (1 + e)
    }
}
