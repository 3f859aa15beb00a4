import Foundation
import NGLinearAlgebra

/// The two exact 2-parameter models of the landscape experiment, in closed form.
enum LandscapeModels {
    /// A univariate Gaussian N(μ, σ²) fitted to data by maximum likelihood in the coordinates
    /// θ = (μ, s = log σ). With x̄ the data mean and m₂(μ) = mean (xᵢ − μ)², the mean negative
    /// log-likelihood (nats) is
    ///
    ///     J(μ, s) = ½·log 2π + s + m₂(μ)·e^{−2s}/2,
    ///     ∇J = (−(x̄ − μ)·e^{−2s},  1 − m₂(μ)·e^{−2s}),
    ///     H = [[e^{−2s}, 2(x̄ − μ)e^{−2s}], [2(x̄ − μ)e^{−2s}, 2·m₂(μ)·e^{−2s}]],
    ///     F = diag(e^{−2s}, 2).
    ///
    /// The Fisher is far from the identity (its μ entry is 1/σ²) and from the Hessian away from
    /// the optimum (μ = x̄, e^{2s} = m₂(x̄)), where the Hessian is even indefinite once
    /// (x̄ − μ)² > m₂(μ)/2 — the natural gradient's metric and Newton's curvature disagree.
    static func gaussian(data: [Double]) -> LandscapeClosedFormObjective {
        precondition(!data.isEmpty, "gaussian: no data")
        let n = Double(data.count)
        let mean = data.reduce(0, +) / n
        let variance = data.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        let constant = 0.5 * Foundation.log(2 * Double.pi)
        @Sendable func m2(_ mu: Double) -> Double { variance + (mean - mu) * (mean - mu) }
        return LandscapeClosedFormObjective(
            parameterCount: 2,
            value: { t in constant + t[1] + m2(t[0]) * Foundation.exp(-2 * t[1]) / 2 },
            gradient: { t in
                let e = Foundation.exp(-2 * t[1])
                return Vector([-(mean - t[0]) * e, 1 - m2(t[0]) * e])
            },
            fisher: { t in try! Matrix([[Foundation.exp(-2 * t[1]), 0], [0, 2]]) },
            hessian: { t in
                let e = Foundation.exp(-2 * t[1])
                let cross = 2 * (mean - t[0]) * e
                return try! Matrix([[e, cross], [cross, 2 * m2(t[0]) * e]])
            })
    }

    /// The optimum (x̄, log √m₂(x̄)) of ``gaussian(data:)``.
    static func gaussianOptimum(data: [Double]) -> (mu: Double, s: Double) {
        let n = Double(data.count)
        let mean = data.reduce(0, +) / n
        let variance = data.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        return (mean, 0.5 * Foundation.log(variance))
    }

    /// A two-layer scalar linear network ŷ = a·b·x with a unit-variance Gaussian likelihood — the
    /// smallest deep linear model (Saxe, McClelland & Ganguli 2014; Kawaguchi 2016). With the
    /// data moments Sxx = mean x², Sxy = mean x·y, Syy = mean y², the mean loss
    /// (½·squared error, the NLL without its constant) is
    ///
    ///     J(a, b) = ½·(Syy − 2ab·Sxy + a²b²·Sxx),
    ///     ∇J = (ab·Sxx − Sxy)·(b, a),
    ///     H = [[b²Sxx, 2ab·Sxx − Sxy], [2ab·Sxx − Sxy, a²Sxx]],
    ///     F = Sxx·(b, a)(b, a)ᵀ     (rank one: the Gauss–Newton matrix).
    ///
    /// (0, 0) is a saddle point — H = [[0, −Sxy], [−Sxy, 0]], eigenvalues ±Sxy — and the minima
    /// form the hyperbola ab = Sxy/Sxx.
    static func deepLinear(sxx: Double, sxy: Double, syy: Double) -> LandscapeClosedFormObjective {
        LandscapeClosedFormObjective(
            parameterCount: 2,
            value: { t in 0.5 * (syy - 2 * t[0] * t[1] * sxy + t[0] * t[0] * t[1] * t[1] * sxx) },
            gradient: { t in
                let residual = t[0] * t[1] * sxx - sxy
                return Vector([t[1] * residual, t[0] * residual])
            },
            fisher: { t in try! Matrix([[sxx * t[1] * t[1], sxx * t[0] * t[1]], [sxx * t[0] * t[1], sxx * t[0] * t[0]]]) },
            hessian: { t in
                let cross = 2 * t[0] * t[1] * sxx - sxy
                return try! Matrix([[t[1] * t[1] * sxx, cross], [cross, t[0] * t[0] * sxx]])
            })
    }
}
