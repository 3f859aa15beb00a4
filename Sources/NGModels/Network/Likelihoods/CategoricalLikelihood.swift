import NGLinearAlgebra
import NGRandom

/// A categorical distribution over `out` classes with logits z: p = softmax(z), the softmax
/// cross-entropy of multiclass classification.
///
///     ℓ(z, y) = −Σ_k y_k·log p_k = (Σ_k y_k)·logsumexp(z) − yᵀz       (−log p_c for a one-hot y = e_c)
///     ∇_z ℓ = (Σ_k y_k)·p − y                                          (p − e_c)
///     ∇²_z ℓ = (Σ_k y_k)·(diag(p) − p·pᵀ),     F_z = diag(p) − p·pᵀ
///
/// Targets are one-hot rows (``oneHot(labels:classCount:)``); rows of class probabilities are
/// accepted too (the cross-entropy with soft labels). Log-probabilities are computed as
/// z − logsumexp(z) with the maximum subtracted, so large logits do not overflow.
///
/// Square-root factors: B = diag(√p) − √p·pᵀ satisfies BᵀB = diag(p) − p·pᵀ (using Σ p = 1); its
/// row r is √p_r·(e_r − p) = √p_r·∇_z ℓ(z, e_r), so F_z = Σ_r p_r·∇ℓ(z, e_r)·∇ℓ(z, e_r)ᵀ is
/// literally the expectation over labels. ``fisherSquareRootFactors(outputs:)`` returns these
/// rows: B_r has row i equal to √p_{ir}·(e_r − pᵢ) (K = out).
public struct CategoricalLikelihood<Scalar: BLASScalar>: Likelihood {
    public init() {}

    public var kind: LikelihoodKind { .categorical }

    /// One-hot targets for integer class labels: row i is e_{labels[i]}, N×classCount.
    /// - Throws: ``NetworkError/invalidConfiguration(_:)`` for a label outside 0..<classCount
    ///   (naming the example) or a non-positive class count.
    public static func oneHot(labels: [Int], classCount: Int) throws -> Matrix<Scalar> {
        guard classCount > 0 else { throw NetworkError.invalidConfiguration("one-hot labels: class count must be positive, got \(classCount)") }
        var targets = Matrix<Scalar>(rows: labels.count, columns: classCount)
        for (i, label) in labels.enumerated() {
            guard label >= 0, label < classCount else {
                throw NetworkError.invalidConfiguration("label \(label) of example \(i) is outside 0..<\(classCount)")
            }
            targets.elements[i * classCount + label] = 1
        }
        return targets
    }

    /// p = softmax(z) row by row.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func probabilities(outputs: Matrix<Scalar>) -> Matrix<Scalar> {
        var p = logProbabilities(outputs: outputs)
        p.elements.withUnsafeMutableBufferPointer { q in
            for index in q.indices { q[index] = Scalar.exp(q[index]) }
        }
        return p
    }

    /// log p = z − logsumexp(z) row by row, with the row maximum subtracted first.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func logProbabilities(outputs: Matrix<Scalar>) -> Matrix<Scalar> {
        var result = outputs
        let columns = outputs.columns
        result.elements.withUnsafeMutableBufferPointer { z in
            for i in 0..<outputs.rows {
                let row = i * columns
                var largest = -Scalar.infinity
                for j in 0..<columns { largest = Swift.max(largest, z[row + j]) }
                var sum: Scalar = 0
                for j in 0..<columns { sum += Scalar.exp(z[row + j] - largest) }
                let logSum = largest + Scalar.log(sum)
                for j in 0..<columns { z[row + j] -= logSum }
            }
        }
        return result
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func negativeLogLikelihoods(outputs: Matrix<Scalar>, targets: Matrix<Scalar>) throws -> Vector<Scalar> {
        try checkSameShape(outputs, targets, "targets")
        let logP = logProbabilities(outputs: outputs)
        let columns = outputs.columns
        var losses = Vector<Scalar>(count: outputs.rows)
        for i in 0..<outputs.rows {
            var sum: Scalar = 0
            // Skip zero targets so that 0·log 0 (a class of probability 0 after underflow) counts as 0.
            for j in 0..<columns where targets.elements[i * columns + j] != 0 {
                sum -= targets.elements[i * columns + j] * logP.elements[i * columns + j]
            }
            losses[i] = sum
        }
        return losses
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func outputGradients(outputs: Matrix<Scalar>, targets: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkSameShape(outputs, targets, "targets")
        var gradient = probabilities(outputs: outputs)
        let columns = outputs.columns
        for i in 0..<outputs.rows {
            var mass: Scalar = 0
            for j in 0..<columns { mass += targets.elements[i * columns + j] }
            for j in 0..<columns { gradient.elements[i * columns + j] = mass * gradient.elements[i * columns + j] - targets.elements[i * columns + j] }
        }
        return gradient
    }

    /// A one-hot row e_c per example, c ~ softmax(zᵢ), by inverting the cumulative distribution.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sampleTargets(outputs: Matrix<Scalar>, generator: inout SeededGenerator) -> Matrix<Scalar> {
        let p = probabilities(outputs: outputs)
        let columns = outputs.columns
        var targets = Matrix<Scalar>(rows: outputs.rows, columns: columns)
        for i in 0..<outputs.rows {
            let threshold = generator.uniform()
            var cumulative = 0.0
            var chosen = columns - 1  // when rounding leaves the total just below the threshold
            for j in 0..<columns {
                cumulative += Double(p.elements[i * columns + j])
                if threshold < cumulative {
                    chosen = j
                    break
                }
            }
            targets.elements[i * columns + chosen] = 1
        }
        return targets
    }

    public func fisherMatrix(output: Vector<Scalar>) -> Matrix<Scalar> {
        let p = probabilities(outputs: output.asColumn.transposed).elements
        return Matrix(rows: p.count, columns: p.count) { j, k in (j == k ? p[j] : 0) - p[j] * p[k] }
    }

    /// Row i: pᵢ ⊙ uᵢ − pᵢ·(pᵢᵀuᵢ).
    public func fisherProducts(outputs: Matrix<Scalar>, _ directions: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkSameShape(outputs, directions, "Fisher product directions")
        return scaledFisherProducts(probabilities(outputs: outputs), directions, weights: nil)
    }

    public func fisherSquareRootFactors(outputs: Matrix<Scalar>) -> [Matrix<Scalar>] {
        let p = probabilities(outputs: outputs)
        return (0..<outputs.columns).map { r in
            Matrix(rows: outputs.rows, columns: outputs.columns) { i, j in
                p[i, r].squareRoot() * ((j == r ? 1 : 0) - p[i, j])
            }
        }
    }

    public func hessianMatrix(output: Vector<Scalar>, target: Vector<Scalar>) -> Matrix<Scalar> {
        let mass = target.elements.reduce(0, +)
        return fisherMatrix(output: output).map { mass * $0 }
    }

    /// Row i: (Σ_k y_{ik})·F_z(zᵢ)·uᵢ.
    public func hessianProducts(outputs: Matrix<Scalar>, targets: Matrix<Scalar>, _ directions: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkSameShape(outputs, targets, "targets")
        try checkSameShape(outputs, directions, "Hessian product directions")
        let columns = targets.columns
        let masses = (0..<targets.rows).map { i in targets.elements[(i * columns)..<((i + 1) * columns)].reduce(0, +) }
        return scaledFisherProducts(probabilities(outputs: outputs), directions, weights: masses)
    }

    /// Row i: wᵢ·(pᵢ ⊙ uᵢ − pᵢ·(pᵢᵀuᵢ)), with wᵢ = 1 when `weights` is nil.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func scaledFisherProducts(_ p: Matrix<Scalar>, _ u: Matrix<Scalar>, weights: [Scalar]?) -> Matrix<Scalar> {
        var result = Matrix<Scalar>(rows: p.rows, columns: p.columns)
        let columns = p.columns
        for i in 0..<p.rows {
            var inner: Scalar = 0
            for j in 0..<columns { inner += p.elements[i * columns + j] * u.elements[i * columns + j] }
            let weight = weights?[i] ?? 1
            for j in 0..<columns {
                let index = i * columns + j
                result.elements[index] = weight * p.elements[index] * (u.elements[index] - inner)
            }
        }
        return result
    }

    public func validate(targets: Matrix<Scalar>, outputCount: Int) throws {
        try validateShapeAndFiniteness(targets, outputCount: outputCount)
        let tolerance = Scalar.ulpOfOne.squareRoot()
        for i in 0..<targets.rows {
            let row = targets.elements[(i * outputCount)..<((i + 1) * outputCount)]
            let mass = row.reduce(0, +)
            guard row.allSatisfy({ $0 >= 0 }), Swift.abs(mass - 1) <= tolerance * Scalar(outputCount) else {
                throw NetworkError.invalidConfiguration(
                    "categorical targets: example \(i) is not a probability row (non-negative, summing to 1; its sum is \(mass))")
            }
        }
    }
}
