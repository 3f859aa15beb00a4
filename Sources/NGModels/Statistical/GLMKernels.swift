import NGLinearAlgebra

/// The dense kernels shared by the generalized linear models with one linear predictor per
/// example (linear, logistic and Poisson regression), plus numerically stable link functions.
///
/// With ηᵢ = θᵀxᵢ, per-example residuals rᵢ = ∂ℓᵢ/∂ηᵢ and curvature weights wᵢ = ∂²ℓᵢ/∂ηᵢ²,
///
///     ∇L = (1/N)·Xᵀr  (gemv),   ∇ℓᵢ = rᵢ·xᵢ,   ∇²L = (1/N)·Xᵀ·diag(w)·X  (syrk on diag(√w)·X).
///
/// Each model computes r and w in one loop over η, and the kernels do the rest on BLAS.
enum GLMKernels {
    /// η = X·θ (gemv).
    static func linearPredictor<Scalar: BLASScalar>(_ inputs: Matrix<Scalar>, _ parameters: Vector<Scalar>) throws -> Vector<Scalar> {
        try inputs.multiplied(by: parameters)
    }

    /// (1/N)·Xᵀr (gemv).
    static func meanGradient<Scalar: BLASScalar>(_ inputs: Matrix<Scalar>, residuals: Vector<Scalar>) throws -> Vector<Scalar> {
        var g = try inputs.multiplied(by: residuals, transposingSelf: true)
        g.scale(by: 1 / Scalar(inputs.rows))
        return g
    }

    /// diag(r)·X: row i is rᵢ·xᵢ.
    static func perExampleGradients<Scalar: BLASScalar>(_ inputs: Matrix<Scalar>, residuals: Vector<Scalar>) -> Matrix<Scalar> {
        scalingRows(inputs, by: residuals.elements)
    }

    /// (1/N)·Xᵀ·diag(w)·X for weights w ≥ 0, as one syrk on diag(√w)·X (exactly symmetric).
    static func weightedGram<Scalar: BLASScalar>(_ inputs: Matrix<Scalar>, weights: Vector<Scalar>) -> Matrix<Scalar> {
        scalingRows(inputs, by: weights.elements.map { $0.squareRoot() }).gram(alpha: 1 / Scalar(inputs.rows))
    }

    /// The matrix with row i multiplied by `factors[i]`.
    static func scalingRows<Scalar: BLASScalar>(_ matrix: Matrix<Scalar>, by factors: [Scalar]) -> Matrix<Scalar> {
        precondition(factors.count == matrix.rows, "scalingRows: \(factors.count) factors for \(matrix.rows) rows")
        var out = matrix
        let n = matrix.columns
        out.elements.withUnsafeMutableBufferPointer { p in
            factors.withUnsafeBufferPointer { f in
                for i in 0..<f.count {
                    let factor = f[i]
                    for j in 0..<n { p[i * n + j] *= factor }
                }
            }
        }
        return out
    }

    /// σ(z) = 1/(1 + e⁻ᶻ), evaluated without overflow for either sign of z.
    static func sigmoid<Scalar: BLASScalar>(_ z: Scalar) -> Scalar {
        if z >= 0 { return 1 / (1 + Scalar.exp(-z)) }
        let e = Scalar.exp(z)
        return e / (1 + e)
    }

    /// softplus(z) = log(1 + eᶻ), evaluated without overflow (= z + log(1 + e⁻ᶻ) for z > 0).
    static func softplus<Scalar: BLASScalar>(_ z: Scalar) -> Scalar {
        z > 0 ? z + Scalar.log(onePlus: Scalar.exp(-z)) : Scalar.log(onePlus: Scalar.exp(z))
    }
}
