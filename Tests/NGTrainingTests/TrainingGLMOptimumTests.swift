import Foundation
import NGData
import NGLinearAlgebra
import NGModels
import NGTestSupport
import Testing

@testable import NGTraining

/// `--model logistic|softmax|poisson` with an exact second-order optimizer reaches the optimum
/// of the penalized GLM — scikit-learn's `LogisticRegression(C)` with l2 = 1/(C·N) — checked
/// against a direct Newton solve on the closed-form models of NGModels (an independent
/// implementation: its own likelihood, gradient and Hessian formulas, inputs with a ones column).
@Suite struct TrainingGLMOptimumTests {
    /// Newton's method on a closed-form GLM with the penalty (l2/2)·‖m⊙θ‖², m = 0 on the
    /// intercept (the last input column), from θ = 0, with step halving.
    func directNewton<Model: GeneralizedLinearModel>(
        _ model: Model, inputs: Matrix<Double>, targets: [Model.Target], l2: Double, mask: [Double]
    ) throws -> Vector<Double> where Model.Scalar == Double {
        func objective(_ theta: Vector<Double>) throws -> Double {
            try model.negativeLogLikelihood(parameters: theta, inputs: inputs, targets: targets)
                + l2 / 2 * zip(mask, theta.elements).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
        }
        var theta = Vector<Double>(count: model.parameterCount)
        for _ in 0..<100 {
            var gradient = try model.gradient(parameters: theta, inputs: inputs, targets: targets)
            try gradient.add(Vector(zip(mask, theta.elements).map { $0 * $1 }), scaledBy: l2)
            if gradient.norm < 1e-13 { break }
            var hessian = try model.hessian(parameters: theta, inputs: inputs, targets: targets)
            for j in 0..<mask.count { hessian[j, j] += l2 * mask[j] + 1e-12 }
            let direction = try Cholesky(hessian).solve(gradient)
            var step = 1.0
            let current = try objective(theta)
            while try objective(theta - step * direction) > current, step > 1e-10 { step /= 2 }
            theta = theta - step * direction
        }
        return theta
    }

    func standardizedDesign(_ dataset: Dataset) throws -> Matrix<Double> {
        try Standardizer(fitting: dataset.features).transform(dataset.features).appendingInterceptColumn()
    }

    /// Breast cancer, standardized, C = 1 (l2 = 1/N, the default): Newton and exact NGD reach the
    /// direct solve's optimum to 1e-9 relative, where the penalized gradient vanishes.
    @Test(arguments: ["newton", "ngd"])
    func logisticMatchesTheDirectNewtonSolve(optimizer: String) throws {
        let dataset = try Dataset.load("breast-cancer")
        let n = dataset.count
        let outcome = try TrainingSession(configuration: TrainingConfiguration(
            data: "breast-cancer", model: "logistic", optimizer: optimizer, steps: 40, standardize: true)).execute()
        #expect(outcome.report.configuration.l2 == 1 / Double(n))
        let design = try standardizedDesign(dataset)
        let d = design.columns
        let model = try LogisticRegression<Double>(inputDimension: d)
        let mask = (0..<d).map { $0 == d - 1 ? 0.0 : 1.0 }
        let expected = try directNewton(model, inputs: design, targets: dataset.labels!, l2: 1 / Double(n), mask: mask)
        let trained = Vector(outcome.parameters)
        #expect(TestMatrices.maxDifference(trained, expected) <= 1e-9 * expected.maxMagnitude, "\(optimizer)")
        var gradient = try model.gradient(parameters: trained, inputs: design, targets: dataset.labels!)
        try gradient.add(Vector(zip(mask, trained.elements).map { $0 * $1 }), scaledBy: 1 / Double(n))
        #expect(gradient.norm < 1e-9)
        // The reported loss is the penalized objective at the optimum.
        let objective = try model.negativeLogLikelihood(parameters: expected, inputs: design, targets: dataset.labels!)
            + 0.5 / Double(n) * zip(mask, expected.elements).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
        #expect(Swift.abs(outcome.report.loss - objective) < 1e-12)
    }

    /// A smaller C (a larger penalty) through l2 = 1/(C·N): C = 0.05 on breast cancer.
    @Test func logisticWithAnotherC() throws {
        let dataset = try Dataset.load("breast-cancer")
        let l2 = 1 / (0.05 * Double(dataset.count))
        let outcome = try TrainingSession(configuration: TrainingConfiguration(
            data: "breast-cancer", model: "logistic", optimizer: "newton", steps: 30, l2: l2, standardize: true)).execute()
        let design = try standardizedDesign(dataset)
        let mask = (0..<design.columns).map { $0 == design.columns - 1 ? 0.0 : 1.0 }
        let expected = try directNewton(try LogisticRegression<Double>(inputDimension: design.columns), inputs: design, targets: dataset.labels!, l2: l2, mask: mask)
        #expect(TestMatrices.maxDifference(Vector(outcome.parameters), expected) <= 1e-9 * expected.maxMagnitude)
    }

    /// Softmax on wine (3 classes, all K rows free, as scikit-learn's multinomial model): at the
    /// trained point the penalized gradient computed by ``SoftmaxRegression`` vanishes, so it is
    /// the optimum of the convex objective; the weights match a direct solve (the intercepts
    /// are determined only up to a common shift, the probabilities exactly).
    @Test func softmaxReachesAStationaryPointOfThePenalizedObjective() throws {
        let dataset = try Dataset.load("wine")
        let (n, k) = (dataset.count, 3)
        let outcome = try TrainingSession(configuration: TrainingConfiguration(
            data: "wine", model: "softmax", optimizer: "newton", steps: 40, standardize: true)).execute()
        let design = try standardizedDesign(dataset)
        let d = design.columns - 1
        // Network order: W (K×d) row-major, then b (K); the closed-form model: rows [w_k, b_k].
        var reordered = [Double]()
        for row in 0..<k {
            for j in 0..<d { reordered.append(outcome.parameters[row * d + j]) }
            reordered.append(outcome.parameters[k * d + row])
        }
        let trained = Vector(reordered)
        let model = try SoftmaxRegression<Double>(classCount: k, inputDimension: d + 1, parameterization: .full)
        let mask = (0..<(k * (d + 1))).map { $0 % (d + 1) == d ? 0.0 : 1.0 }
        var gradient = try model.gradient(parameters: trained, inputs: design, targets: dataset.labels!)
        try gradient.add(Vector(zip(mask, trained.elements).map { $0 * $1 }), scaledBy: 1 / Double(n))
        #expect(gradient.norm < 1e-9)
        let expected = try directNewton(model, inputs: design, targets: dataset.labels!, l2: 1 / Double(n), mask: mask)
        let weights = { (theta: Vector<Double>) in Vector(theta.elements.enumerated().filter { mask[$0.offset] == 1 }.map(\.element)) }
        #expect(TestMatrices.maxDifference(weights(trained), weights(expected)) < 1e-8)
        let probabilities: Matrix<Double> = try model.probabilities(parameters: trained, inputs: design)
        let expectedProbabilities: Matrix<Double> = try model.probabilities(parameters: expected, inputs: design)
        #expect(DenseOracles.maxDifference(probabilities, expectedProbabilities) < 1e-9)
    }

    /// Poisson regression on the diabetes targets (integers, read as counts), standardized: Newton
    /// reaches the optimum of the closed-form ``PoissonRegression`` with the same penalty.
    @Test func poissonMatchesTheDirectNewtonSolve() throws {
        let dataset = try Dataset.load("diabetes")
        let outcome = try TrainingSession(configuration: TrainingConfiguration(
            data: "diabetes", model: "poisson", optimizer: "newton", steps: 60, standardize: true)).execute()
        let design = try standardizedDesign(dataset)
        let mask = (0..<design.columns).map { $0 == design.columns - 1 ? 0.0 : 1.0 }
        let counts = dataset.values!.map { Int($0) }
        let expected = try directNewton(
            try PoissonRegression<Double>(inputDimension: design.columns), inputs: design, targets: counts, l2: 1 / Double(dataset.count), mask: mask)
        #expect(TestMatrices.maxDifference(Vector(outcome.parameters), expected) <= 1e-9 * expected.maxMagnitude)
    }
}
