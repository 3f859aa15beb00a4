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

    /// p = σ(z) entrywise.
    public func probabilities(outputs: Matrix<Scalar>) -> Matrix<Scalar> {
        outputs.map { ActivationFunction.logistic($0) }
    }

    public func negativeLogLikelihoods(outputs: Matrix<Scalar>, targets: Matrix<Scalar>) throws -> Vector<Scalar> {
        try checkSameShape(outputs, targets, "targets")
        let columns = outputs.columns
        var losses = Vector<Scalar>(count: outputs.rows)
        for i in 0..<outputs.rows {
            var sum: Scalar = 0
            for j in 0..<columns {
                let z = outputs.elements[i * columns + j], y = targets.elements[i * columns + j]
                sum += Swift.max(z, 0) + Scalar.log(onePlus: Scalar.exp(-Swift.abs(z))) - y * z
            }
            losses[i] = sum
        }
        return losses
    }

    public func outputGradients(outputs: Matrix<Scalar>, targets: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkSameShape(outputs, targets, "targets")
        return probabilities(outputs: outputs) - targets
    }

    /// y_k = 1 with probability σ(z_k), independently.
    public func sampleTargets(outputs: Matrix<Scalar>, generator: inout SeededGenerator) -> Matrix<Scalar> {
        probabilities(outputs: outputs).map { generator.uniform() < Double($0) ? 1 : 0 }
    }

    public func fisherMatrix(output: Vector<Scalar>) -> Matrix<Scalar> {
        Matrix(diagonal: Vector(output.elements.map { z in
            let p = ActivationFunction.logistic(z)
            return p * (1 - p)
        }))
    }

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

    public func validate(targets: Matrix<Scalar>, outputCount: Int) throws {
        try validateShapeAndFiniteness(targets, outputCount: outputCount)
        if let bad = targets.elements.firstIndex(where: { $0 < 0 || $0 > 1 }) {
            throw NetworkError.invalidConfiguration(
                "bernoulli targets: example \(bad / outputCount) has value \(targets.elements[bad]) outside [0, 1]")
        }
    }
}
