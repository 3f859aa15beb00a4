import NaturalGradient

/// Ridge least squares with an unpenalized intercept, solved exactly by Cholesky.
///
/// Minimizes L(w, b) = (1/2N)·‖Xw + b − y‖² + (λ/2)·‖w‖², whose normal equations are
/// (X̃ᵀX̃/N + λP)·θ = X̃ᵀy/N with X̃ = [X 1], θ = (w, b) and P = diag(1, …, 1, 0).
/// For this Gaussian model the Fisher information is X̃ᵀX̃/N (unit noise variance), so the
/// undamped natural-gradient step from any θ lands on this solution in one step.
struct RidgeRegression {
    /// The weights w followed by the intercept b.
    let parameters: Vector<Double>
    let l2: Double

    /// A model with given parameters (weights, then intercept).
    init(parameters: Vector<Double>, l2: Double) {
        self.parameters = parameters
        self.l2 = l2
    }

    /// Fits the model to `features` (N×d) and `targets` (N).
    init(features: Matrix<Double>, targets: [Double], l2: Double) throws {
        let design = features.appendingOnesColumn()
        let n = Double(features.rows)
        var normal = design.gram(alpha: 1 / n)
        for i in 0..<features.columns { normal[i, i] += l2 }
        let rhs = try design.multiplied(by: Vector(targets), transposingSelf: true)
        parameters = try Cholesky(normal, jitter: 1e-12).solve((1 / n) * rhs)
        self.l2 = l2
    }

    func predictions(_ features: Matrix<Double>) -> Vector<Double> {
        features.appendingOnesColumn() * parameters
    }

    /// The objective L(w, b) on the given data.
    func objective(features: Matrix<Double>, targets: [Double]) -> Double {
        let residual = predictions(features) - Vector(targets)
        let w = parameters.elements.dropLast()
        return 0.5 * residual.norm * residual.norm / Double(features.rows) + 0.5 * l2 * w.reduce(0) { $0 + $1 * $1 }
    }

    /// ∇L = X̃ᵀ(X̃θ − y)/N + λPθ, zero at the solution.
    func gradient(features: Matrix<Double>, targets: [Double]) -> Vector<Double> {
        let design = features.appendingOnesColumn()
        let residual = design * parameters - Vector(targets)
        var g = (1 / Double(features.rows)) * (try! design.multiplied(by: residual, transposingSelf: true))
        for i in 0..<features.columns { g[i] += l2 * parameters[i] }
        return g
    }

    /// Root-mean-square error and the coefficient of determination R² = 1 − SS_res/SS_tot.
    func scores(features: Matrix<Double>, targets: [Double]) -> (rmse: Double, r2: Double) {
        let residual = predictions(features) - Vector(targets)
        let mean = targets.reduce(0, +) / Double(targets.count)
        let total = targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let squared = residual.norm * residual.norm
        return ((squared / Double(targets.count)).squareRoot(), 1 - squared / total)
    }
}

extension Matrix where Scalar == Double {
    /// [X 1]: the design matrix with an intercept column.
    func appendingOnesColumn() -> Matrix {
        Matrix(rows: rows, columns: columns + 1) { i, j in j == columns ? 1 : self[i, j] }
    }
}
