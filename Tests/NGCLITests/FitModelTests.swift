import NGTestSupport
import NaturalGradient
import Testing

@testable import NGCLI

/// The `fit` job's two models, checked against finite differences and their optimality conditions.
@Suite("Fit models")
struct FitModelTests {
    let features: Matrix<Double> = TestMatrices.gaussian(60, 4, seed: 11)

    /// Central difference of `f` along each coordinate of `x`.
    func numericalGradient(_ f: (Vector<Double>) -> Double, at x: Vector<Double>, step: Double = 1e-6) -> Vector<Double> {
        Vector((0..<x.count).map { i in
            var plus = x, minus = x
            plus[i] += step
            minus[i] -= step
            return (f(plus) - f(minus)) / (2 * step)
        })
    }

    @Test("ridge regression: the gradient at the Cholesky solution vanishes, and matches finite differences elsewhere")
    func ridge() throws {
        var rng = SeededGenerator(seed: 12)
        let targets = (0..<features.rows).map { i in 2 * features[i, 0] - features[i, 3] + 0.5 + 0.1 * rng.normal() }
        let model = try RidgeRegression(features: features, targets: targets, l2: 0.1)
        #expect(model.gradient(features: features, targets: targets).norm < 1e-12)
        // With a negligible penalty the recovered weights are the generating ones up to the noise.
        let nearlyUnpenalized = try RidgeRegression(features: features, targets: targets, l2: 1e-8)
        let generating: [Double] = [2, 0, 0, -1, 0.5]
        #expect(zip(nearlyUnpenalized.parameters.elements, generating).allSatisfy { abs($0 - $1) < 0.1 })
        // The penalty shrinks the weights, never the intercept's role: ‖w(λ)‖ < ‖w(0)‖.
        #expect(Vector(Array(model.parameters.elements.prefix(4))).norm < Vector(Array(nearlyUnpenalized.parameters.elements.prefix(4))).norm)

        let moved = Vector(model.parameters.elements.map { $0 + 0.3 })
        func objective(_ theta: Vector<Double>) -> Double {
            RidgeRegression(parameters: theta, l2: 0.1).objective(features: features, targets: targets)
        }
        let analytic = RidgeRegression(parameters: moved, l2: 0.1).gradient(features: features, targets: targets)
        #expect(TestMatrices.maxDifference(analytic, numericalGradient(objective, at: moved)) < 1e-7)
    }

    @Test("logistic regression: gradient and Hessian match finite differences, Newton reaches a zero gradient")
    func logistic() throws {
        var rng = SeededGenerator(seed: 13)
        let labels = (0..<features.rows).map { i in
            rng.uniform() < sigmoid(1.5 * features[i, 1] - features[i, 2]) ? 1 : 0
        }
        let design = features.appendingOnesColumn()
        let y = Vector(labels.map(Double.init))
        let theta = TestMatrices.gaussianVector(5, seed: 14, as: Double.self)
        let l2 = 0.05
        let (_, gradient, hessian) = LogisticRegressionNewton.derivatives(design, y, theta, l2: l2)
        let numeric = numericalGradient({ LogisticRegressionNewton.objective(design, y, $0, l2: l2) }, at: theta)
        #expect(TestMatrices.maxDifference(gradient, numeric) < 1e-7)
        for j in 0..<5 {
            let column = numericalGradient({ LogisticRegressionNewton.derivatives(design, y, $0, l2: l2).1[j] }, at: theta)
            #expect(TestMatrices.maxDifference(hessian.row(j), column) < 1e-6)
        }

        let model = try LogisticRegressionNewton(features: features, labels: labels, l2: l2)
        #expect(model.gradientNorm < 1e-10)
        #expect(model.iterations < 15)
        let (_, finalGradient, _) = LogisticRegressionNewton.derivatives(design, y, model.parameters, l2: l2)
        #expect(finalGradient.norm < 1e-10)
    }
}
