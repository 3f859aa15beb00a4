import NGLinearAlgebra
import NGRandom

/// How softmax regression's weight matrix is parameterized.
public enum SoftmaxParameterization: Sendable, Equatable {
    /// K weight rows, one per class. Over-parameterized: adding the same vector v to every row
    /// leaves the probabilities unchanged, so the likelihood is flat, and the Fisher (= Hessian)
    /// singular, along every direction 1_K ⊗ v. Natural-gradient steps then need damping λ > 0
    /// (the damped step has no component along those directions, as the gradient has none).
    case full
    /// K − 1 weight rows; the last class's logit is fixed at 0 (the reference-category multinomial
    /// logit model). Identifiable: the Fisher is positive definite whenever the inputs have full
    /// column rank, so undamped natural-gradient (Newton) steps are defined.
    case lastClassPinned
}

/// Softmax (multinomial logistic) regression: y | x ∼ Categorical(softmax(W·x)), y ∈ {0, …, K−1}.
///
/// The categorical family with its canonical (multinomial logit) link. With logits zᵢ = W·xᵢ
/// (zᵢ,K−1 = 0 when the last class is pinned), pᵢ = softmax(zᵢ), and R free weight rows
/// (R = K, or K − 1 pinned),
///
///     L(W)  = (1/N)·Σᵢ [log Σₖ e^zᵢₖ − zᵢ,yᵢ]
///     ∇L    = (1/N)·Σᵢ (p̃ᵢ − ẽ_yᵢ) ⊗ xᵢ                       (R×d, i.e. (P̃ − Ỹ)ᵀX/N)
///     ∇²L   = F = (1/N)·Σᵢ (diag(p̃ᵢ) − p̃ᵢp̃ᵢᵀ) ⊗ xᵢxᵢᵀ
///
/// where p̃ and ẽ_y keep the first R entries of p and of the one-hot e_y (McCullagh & Nelder
/// 1989, ch. 5; Bishop, *Pattern Recognition and Machine Learning*, §4.3.4).
///
/// ## Parameter order
/// θ is W (R×d) flattened **row-major**: θ[k·d + j] = W[k, j], the weight of input j in class
/// k's logit, as PyTorch flattens a `Linear(d, K, bias=False)` weight. In this order the
/// Kronecker product above is the row-major one of ``NGLinearAlgebra/KroneckerProduct``: entry
/// (k·d + j, l·d + m) of F is (1/N)·Σᵢ pᵢₖ(δₖₗ − pᵢₗ)·xᵢⱼxᵢₘ.
public struct SoftmaxRegression<Scalar: BLASScalar>: GeneralizedLinearModel {
    public typealias Target = Int

    /// K ≥ 2, the number of classes.
    public let classCount: Int
    /// d, the number of input columns.
    public let inputDimension: Int
    /// Whether all K weight rows are free or the last class is pinned at zero.
    public let parameterization: SoftmaxParameterization

    public var modelName: String { "SoftmaxRegression" }
    /// R = K (full) or K − 1 (pinned), the number of weight rows in θ.
    public var weightRows: Int { parameterization == .full ? classCount : classCount - 1 }
    public var parameterCount: Int { weightRows * inputDimension }

    /// A softmax regression with K classes on d inputs.
    /// - Throws: ``StatisticalModelError/invalidArgument(model:reason:)`` unless K ≥ 2 and d ≥ 1.
    public init(classCount: Int, inputDimension: Int, parameterization: SoftmaxParameterization = .lastClassPinned) throws {
        guard classCount >= 2 else {
            throw StatisticalModelError.invalidArgument(model: "SoftmaxRegression", reason: "the class count must be at least 2, got \(classCount)")
        }
        guard inputDimension >= 1 else {
            throw StatisticalModelError.invalidArgument(model: "SoftmaxRegression", reason: "the input dimension must be at least 1, got \(inputDimension)")
        }
        self.classCount = classCount
        self.inputDimension = inputDimension
        self.parameterization = parameterization
    }

    /// The N×K class probabilities pᵢₖ = P(y = k | xᵢ, θ).
    /// - Throws: as ``fisher(parameters:inputs:)``.
    public func probabilities(parameters: Vector<Scalar>, inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try validate(parameters: parameters, inputs: inputs, targetCount: nil)
        return try softmax(logits(parameters, inputs)).probabilities
    }

    public func negativeLogLikelihood(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Int]) throws -> Scalar {
        let z = try checkedLogits(parameters, inputs, targets)
        let logNormalizers = softmax(z).logNormalizers
        var sum: Scalar = 0
        for i in 0..<targets.count {
            let y = targets[i]
            sum += logNormalizers[i] - (y < weightRows ? z[i, y] : 0)
        }
        return sum / Scalar(targets.count)
    }

    public func gradient(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Int]) throws -> Vector<Scalar> {
        let d = try residuals(parameters, inputs, targets)
        // (P̃ − Ỹ)ᵀ·X/N is R×d, already in θ's row-major order.
        var g = try d.multiplied(by: inputs, transposingSelf: true)
        g.scale(by: 1 / Scalar(inputs.rows))
        return Vector(g.elements)
    }

    /// Row i is vec((p̃ᵢ − ẽ_yᵢ)·xᵢᵀ), entry k·d + j = (pᵢₖ − [yᵢ = k])·xᵢⱼ.
    public func perExampleGradients(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Int]) throws -> Matrix<Scalar> {
        let d = try residuals(parameters, inputs, targets)
        let n = inputs.rows, columns = inputDimension, rows = weightRows
        var out = Matrix<Scalar>(rows: n, columns: parameterCount)
        inputs.elements.withUnsafeBufferPointer { x in
            d.elements.withUnsafeBufferPointer { r in
                out.elements.withUnsafeMutableBufferPointer { o in
                    for i in 0..<n {
                        for k in 0..<rows {
                            let rik = r[i * rows + k]
                            let start = i * rows * columns + k * columns
                            for j in 0..<columns { o[start + j] = rik * x[i * columns + j] }
                        }
                    }
                }
            }
        }
        return out
    }

    public func hessian(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: [Int]) throws -> Matrix<Scalar> {
        _ = try checkedLogits(parameters, inputs, targets)
        return try fisher(parameters: parameters, inputs: inputs)
    }

    /// F = (1/N)·Σᵢ (diag(p̃ᵢ) − p̃ᵢp̃ᵢᵀ) ⊗ xᵢxᵢᵀ, assembled block by block: block (k, l) is
    /// Xᵀ·diag(w)·X/N with wᵢ = pᵢₖ(δₖₗ − pᵢₗ), R(R+1)/2 products of d×N×d.
    public func fisher(parameters: Vector<Scalar>, inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try validate(parameters: parameters, inputs: inputs, targetCount: nil)
        let probabilities = softmax(try logits(parameters, inputs)).probabilities.elements
        let n = inputs.rows, d = inputDimension, rows = weightRows, order = parameterCount
        var f = Matrix<Scalar>(rows: order, columns: order)
        var block = Matrix<Scalar>(rows: d, columns: d)
        for k in 0..<rows {
            for l in k..<rows {
                let weights = (0..<n).map { i in
                    let row = i * classCount
                    // On the diagonal pₖ(1 − pₖ) = pₖ·Σ_{j≠k} pⱼ, which keeps its relative accuracy as pₖ → 1.
                    return k == l
                        ? probabilities[row + k] * (0..<classCount).reduce(0) { $1 == k ? $0 : $0 + probabilities[row + $1] }
                        : -probabilities[row + k] * probabilities[row + l]
                }
                if k == l {
                    // Non-negative weights pᵢₖ(1 − pᵢₖ): one syrk.
                    block = GLMKernels.weightedGram(inputs, weights: Vector(weights))
                } else {
                    try block.gemm(inputs, .transpose, GLMKernels.scalingRows(inputs, by: weights), .none, alpha: 1 / Scalar(n))
                }
                f.elements.withUnsafeMutableBufferPointer { out in
                    block.elements.withUnsafeBufferPointer { b in
                        for j in 0..<d {
                            for m in 0..<d {
                                out[(k * d + j) * order + l * d + m] = b[j * d + m]
                                out[(l * d + m) * order + k * d + j] = b[j * d + m]
                            }
                        }
                    }
                }
            }
        }
        return f
    }

    /// yᵢ drawn from Categorical(pᵢ).
    public func sampleTargets(parameters: Vector<Scalar>, inputs: Matrix<Scalar>, using generator: inout SeededGenerator) throws -> [Int] {
        let p = try probabilities(parameters: parameters, inputs: inputs)
        return (0..<p.rows).map { i in generator.categorical((0..<classCount).map { Double(p[i, $0]) }) }
    }

    // MARK: Internals

    /// The N×R logits X·Wᵀ (the pinned class's zero logit is implicit).
    private func logits(_ parameters: Vector<Scalar>, _ inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        let w = try Matrix(rows: weightRows, columns: inputDimension, elements: parameters.elements)
        return try inputs.multiplied(by: w, transposingOther: true)
    }

    /// The logits after checking shapes, finiteness and that every label is in 0..<K.
    private func checkedLogits(_ parameters: Vector<Scalar>, _ inputs: Matrix<Scalar>, _ targets: [Int]) throws -> Matrix<Scalar> {
        try validate(parameters: parameters, inputs: inputs, targetCount: targets.count)
        if let bad = targets.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw StatisticalModelError.invalidTarget(
                model: modelName, index: bad, value: "\(targets[bad])", expected: "a class index in 0..<\(classCount)")
        }
        return try logits(parameters, inputs)
    }

    /// The N×R matrix P̃ − Ỹ of ∂ℓᵢ/∂zᵢₖ = pᵢₖ − [yᵢ = k] for the free logits.
    private func residuals(_ parameters: Vector<Scalar>, _ inputs: Matrix<Scalar>, _ targets: [Int]) throws -> Matrix<Scalar> {
        let z = try checkedLogits(parameters, inputs, targets)
        let p = softmax(z).probabilities
        return Matrix(rows: inputs.rows, columns: weightRows) { i, k in p[i, k] - (targets[i] == k ? 1 : 0) }
    }

    /// Row-wise softmax of the K logits (the R free ones plus a zero when pinned), shifted by the
    /// row maximum so that no exponential overflows, with the log-normalizers log Σₖ e^zᵢₖ.
    private func softmax(_ z: Matrix<Scalar>) -> (probabilities: Matrix<Scalar>, logNormalizers: [Scalar]) {
        let n = z.rows, rows = weightRows, k = classCount
        var p = Matrix<Scalar>(rows: n, columns: k)
        var logNormalizers = [Scalar](repeating: 0, count: n)
        z.elements.withUnsafeBufferPointer { zs in
            p.elements.withUnsafeMutableBufferPointer { ps in
                for i in 0..<n {
                    var largest: Scalar = rows < k ? 0 : -Scalar.infinity
                    for c in 0..<rows { largest = Swift.max(largest, zs[i * rows + c]) }
                    var total: Scalar = 0
                    for c in 0..<k {
                        let e = Scalar.exp((c < rows ? zs[i * rows + c] : 0) - largest)
                        ps[i * k + c] = e
                        total += e
                    }
                    for c in 0..<k { ps[i * k + c] /= total }
                    logNormalizers[i] = largest + Scalar.log(total)
                }
            }
        }
        return (p, logNormalizers)
    }
}
