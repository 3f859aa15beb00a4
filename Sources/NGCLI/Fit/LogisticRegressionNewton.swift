import NaturalGradient

/// Binary logistic regression fitted by Newton's method with a backtracking line search.
///
/// Minimizes L(θ) = −(1/N)·Σ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)] + (λ/2)·‖w‖², pᵢ = σ(x̃ᵢᵀθ),
/// θ = (w, b), intercept unpenalized. The Hessian (1/N)·X̃ᵀ diag(pᵢ(1 − pᵢ)) X̃ + λP equals the
/// Fisher information plus the penalty (a canonical-link GLM), so each step is also the
/// undamped natural-gradient step; convergence is quadratic near the optimum.
struct LogisticRegressionNewton {
    let parameters: Vector<Double>
    let iterations: Int
    let gradientNorm: Double
    let l2: Double

    init(features: Matrix<Double>, labels: [Int], l2: Double, tolerance: Double = 1e-10, maxIterations: Int = 100) throws {
        let design = features.appendingOnesColumn()
        let y = Vector(labels.map(Double.init))
        var theta = Vector<Double>(count: design.columns)
        var iteration = 0
        var gNorm = Double.infinity
        while iteration < maxIterations {
            let (value, gradient, hessian) = Self.derivatives(design, y, theta, l2: l2)
            gNorm = gradient.norm
            if gNorm <= tolerance { break }
            let direction = try Cholesky(hessian, jitter: 1e-10).solve(gradient)
            // Backtrack until the Armijo condition holds; the full step is accepted near the optimum.
            var step = 1.0
            let slope = try gradient.dot(direction)
            var candidate = theta - direction
            while Self.objective(design, y, candidate, l2: l2) > value - 1e-4 * step * slope, step > 1e-10 {
                step *= 0.5
                candidate = theta - step * direction
            }
            theta = candidate
            iteration += 1
        }
        parameters = theta
        iterations = iteration
        gradientNorm = gNorm
        self.l2 = l2
    }

    /// Probabilities P(y = 1 | x).
    func probabilities(_ features: Matrix<Double>) -> Vector<Double> {
        (features.appendingOnesColumn() * parameters).map(sigmoid)
    }

    func accuracy(features: Matrix<Double>, labels: [Int]) -> Double {
        let p = probabilities(features)
        let correct = zip(p.elements, labels).filter { ($0 >= 0.5 ? 1 : 0) == $1 }.count
        return Double(correct) / Double(labels.count)
    }

    func objective(features: Matrix<Double>, labels: [Int]) -> Double {
        Self.objective(features.appendingOnesColumn(), Vector(labels.map(Double.init)), parameters, l2: l2)
    }

    static func objective(_ design: Matrix<Double>, _ y: Vector<Double>, _ theta: Vector<Double>, l2: Double) -> Double {
        let z = design * theta
        // −[y log σ(z) + (1−y) log(1−σ(z))] = softplus(z) − y·z, computed stably.
        var total = 0.0
        for i in 0..<z.count { total += softplus(z[i]) - y[i] * z[i] }
        let w = theta.elements.dropLast()
        return total / Double(design.rows) + 0.5 * l2 * w.reduce(0) { $0 + $1 * $1 }
    }

    /// Value, gradient X̃ᵀ(p − y)/N + λPθ and Hessian X̃ᵀ diag(p(1−p)) X̃/N + λP.
    static func derivatives(_ design: Matrix<Double>, _ y: Vector<Double>, _ theta: Vector<Double>, l2: Double)
        -> (Double, Vector<Double>, Matrix<Double>)
    {
        let n = Double(design.rows)
        let p = (design * theta).map(sigmoid)
        var gradient = (1 / n) * (try! design.multiplied(by: p - y, transposingSelf: true))
        // Rows scaled by √(p(1−p)) so that the Hessian is one syrk.
        var weighted = design
        for i in 0..<design.rows {
            let s = (p[i] * (1 - p[i])).squareRoot()
            for j in 0..<design.columns { weighted[i, j] *= s }
        }
        var hessian = weighted.gram(alpha: 1 / n)
        let d = design.columns - 1
        for i in 0..<d {
            gradient[i] += l2 * theta[i]
            hessian[i, i] += l2
        }
        return (objective(design, y, theta, l2: l2), gradient, hessian)
    }
}

@inlinable func sigmoid(_ z: Double) -> Double { z >= 0 ? 1 / (1 + .exp(-z)) : .exp(z) / (1 + .exp(z)) }
@inlinable func softplus(_ z: Double) -> Double { z > 0 ? z + .log(onePlus: .exp(-z)) : .log(onePlus: .exp(z)) }
