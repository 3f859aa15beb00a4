import NGLinearAlgebra
import NGRandom

/// Independent Bernoulli outputs with logits z: y_k ~ Bernoulli(σ(z_k)), the sigmoid
/// cross-entropy summed over outputs (multi-label classification).
///
///     ℓ(z, y) = Σ_k [softplus(z_k) − y_k·z_k] = −Σ_k [y_k log p_k + (1 − y_k) log(1 − p_k)],   p = σ(z)
///     ∇_z ℓ = p − y,      ∇²_z ℓ = F_z = diag(p ⊙ (1 − p))
///
/// softplus(z) = max(z, 0) + log(1 + e^(−|z|)) keeps the loss finite for any logit. The
/// square-root factors are B_r with row i equal to √(p_{ir}(1 − p_{ir}))·e_r (K = out).
public struct BernoulliLikelihood<Scalar: BLASScalar>: Likelihood {
    public init() {}

    public var kind: LikelihoodKind { .bernoulli }

    /// p = σ(z) entrywise (``FastMath/logistic(_:)`` in Float).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func probabilities(outputs: Matrix<Scalar>) -> Matrix<Scalar> {
        ActivationFunction.sigmoid.apply(outputs)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func negativeLogLikelihoods(outputs: Matrix<Scalar>, targets: Matrix<Scalar>) throws -> Vector<Scalar> {
        try checkSameShape(outputs, targets, "targets")
        var losses = [Scalar](repeating: 0, count: outputs.rows)
        losses.withUnsafeMutableBufferPointer { l in
            _ = Self.fusedLossAndGradients(outputs: outputs, targets: targets, gradientScale: 0, gradients: nil, losses: l.baseAddress)
        }
        return Vector(losses)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func outputGradients(outputs: Matrix<Scalar>, targets: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkSameShape(outputs, targets, "targets")
        let isFloat = Scalar.self == Float.self
        return outputs.elements.withUnsafeBufferPointer { z in
            targets.elements.withUnsafeBufferPointer { y in
                Matrix(rows: outputs.rows, columns: outputs.columns) { out in
                    if isFloat {
                        for i in 0..<z.count {
                            out[i] = ElementwiseKernels.fromFloat(FastMath.logistic(ElementwiseKernels.asFloat(z[i]))) - y[i]
                        }
                    } else {
                        for i in 0..<z.count { out[i] = ActivationFunction.logistic(z[i]) - y[i] }
                    }
                }
            }
        }
    }

    /// The mean loss and α·(σ(z) − y) in one loop over the batch (one exponential and one
    /// logarithm per entry; ``FastMath`` in Float).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func lossAndOutputGradients(outputs: Matrix<Scalar>, targets: Matrix<Scalar>, gradientScale: Scalar) throws
        -> (meanLoss: Scalar, outputGradients: Matrix<Scalar>) {
        try checkSameShape(outputs, targets, "targets")
        var total: Double = 0
        let gradients = Matrix(rows: outputs.rows, columns: outputs.columns) { out in
            total = Self.fusedLossAndGradients(
                outputs: outputs, targets: targets, gradientScale: gradientScale, gradients: out.baseAddress, losses: nil)
        }
        return (Scalar(total / Double(Swift.max(outputs.rows, 1))), gradients)
    }

    /// The loss terms softplus(z) − y·z and the gradients α·(σ(z) − y) of a batch, from
    /// e = e^{−|z|}: softplus(z) = max(z, 0) + log1p(e), σ(z) = 1/(1 + e) for z ≥ 0 and
    /// e/(1 + e) for z < 0 — finite for every finite logit.
    ///
    /// Writes each example's loss ℓᵢ to `losses[i]` and the gradients to `gradients` (row-major,
    /// N×out) when given, and returns Σᵢ ℓᵢ (accumulated in Double across examples). In Float the
    /// rows run through ``VectorKernels`` at `vectorLevel` (nil: the Swift loop; the same bits).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func fusedLossAndGradients(
        outputs: Matrix<Scalar>, targets: Matrix<Scalar>, gradientScale: Scalar,
        gradients: UnsafeMutablePointer<Scalar>?, losses: UnsafeMutablePointer<Scalar>?,
        vectorLevel: VectorKernels.Level? = .current
    ) -> Double {
        let (rows, columns) = (outputs.rows, outputs.columns)
        guard rows > 0, columns > 0 else { return 0 }
        // Chunks of whole examples run in parallel; each sums its examples' losses in order, and
        // the chunk sums are added in chunk order (reproducible for a given thread count).
        let chunks = ParallelChunks.ranges(count: rows * columns, alignment: columns)
        var chunkTotals = [Double](repeating: 0, count: chunks.count)
        outputs.elements.withUnsafeBufferPointer { zBuffer in
            targets.elements.withUnsafeBufferPointer { yBuffer in
                chunkTotals.withUnsafeMutableBufferPointer { totals in
                    let (z, y, chunkTotal) = (zBuffer.baseAddress!, yBuffer.baseAddress!, totals.baseAddress!)
                    ParallelChunks.forEach(count: rows * columns, alignment: columns) { chunk, range in
                        withUnsafeTemporaryAllocation(of: Scalar.self, capacity: columns) { terms in
                            let term = terms.baseAddress!
                            var total: Double = 0
                            for i in (range.lowerBound / columns)..<(range.upperBound / columns) {
                                let (zRow, yRow) = (z + i * columns, y + i * columns)
                                Self.rowKernel(
                                    zRow, yRow, columns: columns, scale: gradientScale, terms: term, gradients: gradients.map { $0 + i * columns },
                                    vectorLevel: vectorLevel)
                                let loss = ElementwiseKernels.sum(term, count: columns)
                                losses?[i] = loss
                                total += Double(loss)
                            }
                            chunkTotal[chunk] = total
                        }
                    }
                }
            }
        }
        return chunkTotals.reduce(0, +)
    }

    /// One example: terms[j] = softplus(z_j) − y_j·z_j and, when given, gradients[j] = α·(σ(z_j) − y_j).
    /// In Float, by ``VectorKernels/bernoulli(logits:targets:count:scale:terms:gradients:level:)``
    /// at `vectorLevel`, or by the Swift loop (the same bits) when it is nil.
    @inline(__always)
    static func rowKernel(
        _ z: UnsafePointer<Scalar>, _ y: UnsafePointer<Scalar>, columns: Int, scale: Scalar,
        terms: UnsafeMutablePointer<Scalar>, gradients: UnsafeMutablePointer<Scalar>?,
        vectorLevel: VectorKernels.Level? = .current
    ) {
        if Scalar.self == Float.self {
            let (zf, yf) = (UnsafeRawPointer(z).assumingMemoryBound(to: Float.self), UnsafeRawPointer(y).assumingMemoryBound(to: Float.self))
            let tf = UnsafeMutableRawPointer(terms).assumingMemoryBound(to: Float.self)
            let alpha = ElementwiseKernels.asFloat(scale)
            let gf = gradients.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Float.self) }
            if let level = vectorLevel {
                VectorKernels.bernoulli(logits: zf, targets: yf, count: columns, scale: alpha, terms: tf, gradients: gf, level: level)
            } else if let gf {
                for j in 0..<columns {
                    let (logit, target) = (zf[j], yf[j])
                    let e = FastMath.exp(-Float(bitPattern: logit.bitPattern & 0x7FFF_FFFF))
                    tf[j] = (logit > 0 ? logit : 0) + FastMath.log1p(unitInterval: e) - target * logit
                    let numerator: Float = logit < 0 ? e : 1
                    gf[j] = alpha * (numerator / (1 + e) - target)
                }
            } else {
                for j in 0..<columns {
                    let (logit, target) = (zf[j], yf[j])
                    let e = FastMath.exp(-Float(bitPattern: logit.bitPattern & 0x7FFF_FFFF))
                    tf[j] = (logit > 0 ? logit : 0) + FastMath.log1p(unitInterval: e) - target * logit
                }
            }
        } else {
            for j in 0..<columns {
                let (logit, target) = (z[j], y[j])
                let e = Scalar.exp(-Swift.abs(logit))
                terms[j] = Swift.max(logit, 0) + Scalar.log(onePlus: e) - target * logit
                if let gradients {
                    let probability = logit < 0 ? e / (1 + e) : 1 / (1 + e)
                    gradients[j] = scale * (probability - target)
                }
            }
        }
    }

    /// y_k = 1 with probability σ(z_k), independently.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sampleTargets(outputs: Matrix<Scalar>, generator: inout SeededGenerator) -> Matrix<Scalar> {
        probabilities(outputs: outputs).map { generator.uniform() < Double($0) ? 1 : 0 }
    }

    public func fisherMatrix(output: Vector<Scalar>) -> Matrix<Scalar> {
        Matrix(diagonal: Vector(output.elements.map { z in
            let p = ActivationFunction.logistic(z)
            return p * (1 - p)
        }))
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func fisherProducts(outputs: Matrix<Scalar>, _ directions: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkSameShape(outputs, directions, "Fisher product directions")
        return try probabilities(outputs: outputs).zipMap(directions) { p, u in p * (1 - p) * u }
    }

    public func fisherSquareRootFactors(outputs: Matrix<Scalar>) -> [Matrix<Scalar>] {
        let p = probabilities(outputs: outputs)
        return (0..<outputs.columns).map { r in
            Matrix(rows: outputs.rows, columns: outputs.columns) { i, j in
                guard j == r else { return 0 }
                let probability = p[i, j]
                return (probability * (1 - probability)).squareRoot()
            }
        }
    }

    public func hessianMatrix(output: Vector<Scalar>, target: Vector<Scalar>) -> Matrix<Scalar> { fisherMatrix(output: output) }

    public func hessianProducts(outputs: Matrix<Scalar>, targets: Matrix<Scalar>, _ directions: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkSameShape(outputs, targets, "targets")
        return try fisherProducts(outputs: outputs, directions)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func validate(targets: Matrix<Scalar>, outputCount: Int) throws {
        try validateShapeAndFiniteness(targets, outputCount: outputCount)
        if let bad = targets.elements.firstIndex(where: { $0 < 0 || $0 > 1 }) {
            throw NetworkError.invalidConfiguration(
                "bernoulli targets: example \(bad / outputCount) has value \(targets.elements[bad]) outside [0, 1]")
        }
    }
}
