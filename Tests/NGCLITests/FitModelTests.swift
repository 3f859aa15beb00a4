import NGTestSupport
import NaturalGradient
import Testing

@testable import NGCLI

/// The `fit` job's penalized Newton solver, checked against finite differences, an independent
/// normal-equations solve and its optimality conditions.
@Suite("Fit models")
struct FitModelTests {
    let inputs: Matrix<Double> = TestMatrices.gaussian(60, 4, seed: 11).appendingInterceptColumn()

    /// Central difference of `f` along each coordinate of `x`.
    func numericalGradient(_ f: (Vector<Double>) throws -> Double, at x: Vector<Double>, step: Double = 1e-6) rethrows -> Vector<Double> {
        Vector(try (0..<x.count).map { i in
            var plus = x, minus = x
            plus[i] += step
            minus[i] -= step
            return (try f(plus) - f(minus)) / (2 * step)
        })
    }

    @Test("ridge: one Newton step gives the normal-equations solution, intercept unpenalized")
    func ridge() throws {
        var rng = SeededGenerator(seed: 12)
        let targets = (0..<inputs.rows).map { i in 2 * inputs[i, 0] - inputs[i, 3] + 0.5 + 0.1 * rng.normal() }
        let solver = PenalizedNewton(model: try LinearRegression<Double>(inputDimension: 5), l2: 0.1)
        let result = try solver.minimize(inputs: inputs, targets: targets)
        #expect(result.iterations == 1)
        // (XᵀX/N + λP)θ = Xᵀy/N with P = diag(1, 1, 1, 1, 0), built by naive loops.
        let n = Double(inputs.rows)
        var normal = TestMatrices.naiveProduct(inputs.transposed, inputs).map { $0 / n }
        for j in 0..<4 { normal[j, j] += 0.1 }
        let rhs = Vector((0..<5).map { j in (0..<inputs.rows).reduce(0.0) { $0 + inputs[$1, j] * targets[$1] } / n })
        let expected = try SymmetricEigendecomposition(normal).reconstructed { 1 / $0 } * rhs
        #expect(TestMatrices.maxDifference(result.parameters, expected) < 1e-10)
        #expect(result.gradientNorm < 1e-10)
    }

    @Test("logistic: the penalized gradient matches finite differences, and Newton reaches a zero gradient")
    func logistic() throws {
        var rng = SeededGenerator(seed: 13)
        let labels = (0..<inputs.rows).map { i in
            rng.uniform() < 1 / (1 + Double.exp(-(1.5 * inputs[i, 1] - inputs[i, 2]))) ? 1 : 0
        }
        let solver = PenalizedNewton(model: try LogisticRegression<Double>(inputDimension: 5), l2: 0.05)
        #expect(solver.penaltyMask == [1, 1, 1, 1, 0])
        let theta = TestMatrices.gaussianVector(5, seed: 14, as: Double.self)
        let analytic = try solver.gradient(theta, inputs: inputs, targets: labels)
        let numeric = try numericalGradient({ try solver.objective($0, inputs: inputs, targets: labels) }, at: theta)
        #expect(TestMatrices.maxDifference(analytic, numeric) < 1e-7)

        let result = try solver.minimize(inputs: inputs, targets: labels)
        #expect(result.gradientNorm < 1e-10 && result.iterations < 15)
        #expect(try solver.gradient(result.parameters, inputs: inputs, targets: labels).norm < 1e-10)
    }

    @Test("softmax: each class row's intercept is unpenalized")
    func softmaxMask() throws {
        let solver = PenalizedNewton(model: try SoftmaxRegression<Double>(classCount: 3, inputDimension: 3), l2: 1)
        #expect(solver.penaltyMask == [1, 1, 0, 1, 1, 0])
    }
}
