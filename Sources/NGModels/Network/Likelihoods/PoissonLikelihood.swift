import NGLinearAlgebra
import NGRandom

/// Independent Poisson counts with the log (canonical) link: y_k ~ Poisson(λ_k), λ_k = exp(z_k),
/// the output z being the log-rate (Poisson regression when the network is one dense layer).
///
///     ℓ(z, y) = Σ_k [exp(z_k) − y_k·z_k + log(y_k!)]
///     ∇_z ℓ = exp(z) − y,      ∇²_z ℓ = F_z = diag(exp(z))
///
/// (McCullagh & Nelder, *Generalized Linear Models*, 1989, ch. 6). The normalizing constant
/// log(y!) = logΓ(y + 1) is kept, so ℓ is the exact negative log-likelihood and matches
/// ``PoissonRegression``. The link is canonical: the Hessian equals the Fisher whatever y, so the
/// exact Fisher equals the generalized Gauss-Newton matrix. The square-root factors are B_r with
/// row i equal to √λ_{ir}·e_r (K = out). Targets are counts: non-negative integers.
///
/// A log-rate above ≈ 709 (Double) or 88 (Float) overflows the rate; the loss is then infinite,
/// which a training loop reports as a non-finite step.
public struct PoissonLikelihood<Scalar: BLASScalar>: Likelihood {
    public init() {}

    public var kind: LikelihoodKind { .poisson }

    public var description: String { "poisson" }

    /// λ = exp(z) entrywise: the expected counts.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func rates(outputs: Matrix<Scalar>) -> Matrix<Scalar> {
        outputs.map { Scalar.exp($0) }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func negativeLogLikelihoods(outputs: Matrix<Scalar>, targets: Matrix<Scalar>) throws -> Vector<Scalar> {
        try checkShape(outputs, targets, "targets")
        let columns = outputs.columns
        var losses = Vector<Scalar>(count: outputs.rows)
        outputs.elements.withUnsafeBufferPointer { z in
            targets.elements.withUnsafeBufferPointer { y in
                for i in 0..<outputs.rows {
                    var sum: Scalar = 0
                    for j in 0..<columns {
                        let (logRate, count) = (z[i * columns + j], y[i * columns + j])
                        // y·z is taken as 0 for y = 0, so that a rate of 0 (z = −∞) costs nothing.
                        sum += Scalar.exp(logRate) - (count == 0 ? 0 : count * logRate) + Scalar.logGamma(count + 1)
                    }
                    losses[i] = sum
                }
            }
        }
        return losses
    }

    public func outputGradients(outputs: Matrix<Scalar>, targets: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkShape(outputs, targets, "targets")
        return try rates(outputs: outputs).zipMap(targets, -)
    }

    /// y_k ~ Poisson(exp(z_k)), independently, drawn by ``SeededGenerator/poisson(mean:)``
    /// (inversion below a rate of 10, Hörmann's PTRS above).
    ///
    /// A rate beyond 2⁵² (where counts are no longer exact in Double), or an infinite one, gives
    /// the count 2⁵²; a NaN rate gives a NaN target — sampling never traps on a diverged model.
    public func sampleTargets(outputs: Matrix<Scalar>, generator: inout SeededGenerator) -> Matrix<Scalar> {
        var targets = outputs
        for index in targets.elements.indices {
            let rate = Double.exp(Double(outputs.elements[index]))
            if rate.isNaN {
                targets.elements[index] = .nan
            } else if rate >= SeededGenerator.largestPoissonMean {
                targets.elements[index] = Scalar(SeededGenerator.largestPoissonMean)
            } else {
                targets.elements[index] = Scalar(generator.poisson(mean: rate))
            }
        }
        return targets
    }

    public func fisherMatrix(output: Vector<Scalar>) -> Matrix<Scalar> {
        Matrix(diagonal: output.map { Scalar.exp($0) })
    }

    /// Row i: λᵢ ⊙ uᵢ.
    public func fisherProducts(outputs: Matrix<Scalar>, _ directions: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkShape(outputs, directions, "Fisher product directions")
        return try rates(outputs: outputs).zipMap(directions, *)
    }

    public func fisherSquareRootFactors(outputs: Matrix<Scalar>) -> [Matrix<Scalar>] {
        let roots = outputs.map { Scalar.exp($0 / 2) }
        return (0..<outputs.columns).map { r in
            Matrix(rows: outputs.rows, columns: outputs.columns) { i, j in j == r ? roots[i, j] : 0 }
        }
    }

    public func hessianMatrix(output: Vector<Scalar>, target: Vector<Scalar>) -> Matrix<Scalar> { fisherMatrix(output: output) }

    public func hessianProducts(outputs: Matrix<Scalar>, targets: Matrix<Scalar>, _ directions: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkShape(outputs, targets, "targets")
        return try fisherProducts(outputs: outputs, directions)
    }

    /// Checks that the targets have `outputCount` columns and are counts (finite non-negative integers).
    public func validate(targets: Matrix<Scalar>, outputCount: Int) throws {
        guard targets.columns == outputCount else {
            throw NetworkError.shapeMismatch(
                operation: "poisson targets", expected: "\(outputCount) columns (one per network output)", actual: targets.shapeDescription)
        }
        if let bad = targets.elements.firstIndex(where: { !($0 >= 0 && $0.isFinite && $0.rounded() == $0) }) {
            throw NetworkError.invalidConfiguration(
                "poisson targets: example \(bad / Swift.max(outputCount, 1)) has value \(targets.elements[bad]); counts must be non-negative integers")
        }
    }

    /// Throws unless `other` has the outputs' shape, naming the Poisson likelihood.
    private func checkShape(_ outputs: Matrix<Scalar>, _ other: Matrix<Scalar>, _ operation: String) throws {
        guard outputs.rows == other.rows, outputs.columns == other.columns else {
            throw NetworkError.shapeMismatch(
                operation: "poisson likelihood: \(operation)", expected: "\(outputs.shapeDescription) like the outputs",
                actual: other.shapeDescription)
        }
    }
}
