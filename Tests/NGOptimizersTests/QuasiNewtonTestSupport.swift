import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers
import Synchronization

/// Counts evaluations across copies of an objective (objectives are Sendable values).
final class EvaluationCounter: Sendable {
    private let storage = Mutex<(evaluations: Int, losses: Int)>((0, 0))
    var evaluations: Int { storage.withLock { $0.evaluations } }
    var losses: Int { storage.withLock { $0.losses } }
    func countEvaluation() { storage.withLock { $0.evaluations += 1 } }
    func countLoss() { storage.withLock { $0.losses += 1 } }
}

/// A deterministic smooth function J(θ) given by closures for its value, gradient and Hessian,
/// counting its evaluations: the test objective of the L-BFGS and Newton suites, where the
/// functions need not be sums of squares. Every curvature kind is the Hessian.
struct SmoothFunctionObjective: Objective {
    let parameterCount: Int
    var exampleCount: Int { 1 }
    var layers: [LayerParameterLayout] { [] }
    let value: @Sendable ([Double]) -> Double
    let gradient: @Sendable ([Double]) -> [Double]
    let hessian: @Sendable ([Double]) -> [[Double]]
    let counter = EvaluationCounter()

    func evaluate(at parameters: Vector<Double>, batch: Batch) throws -> SmoothFunctionPoint {
        counter.countEvaluation()
        let theta = parameters.elements
        return SmoothFunctionPoint(
            parameters: parameters, loss: value(theta), gradient: Vector(gradient(theta)), hessian: try Matrix(hessian(theta)))
    }

    func loss(at parameters: Vector<Double>, batch: Batch) throws -> Double {
        counter.countLoss()
        return value(parameters.elements)
    }

    /// The 1-D pseudo-Huber function √(1 + θ²) − 1: convex, quadratic near 0 and linear far
    /// away, so a Newton step from |θ| > 1 overshoots (its curvature (1 + θ²)^(−3/2) vanishes).
    static var pseudoHuber: SmoothFunctionObjective {
        SmoothFunctionObjective(
            parameterCount: 1,
            value: { t in (1 + t[0] * t[0]).squareRoot() - 1 },
            gradient: { t in [t[0] / (1 + t[0] * t[0]).squareRoot()] },
            hessian: { t in [[1 / Double.pow(1 + t[0] * t[0], 1.5)]] })
    }

    /// Rosenbrock's ½·[(1 − x)² + 100·(y − x²)²] with its derivatives written out.
    static var rosenbrock: SmoothFunctionObjective {
        SmoothFunctionObjective(
            parameterCount: 2,
            value: { t in
                let (x, y) = (t[0], t[1])
                let valley: Double = y - x * x
                return ((1 - x) * (1 - x) + 100 * valley * valley) / 2
            },
            gradient: { t in
                let (x, y) = (t[0], t[1])
                let valley: Double = y - x * x
                return [-(1 - x) - 200 * x * valley, 100 * valley]
            },
            hessian: { t in
                let (x, y) = (t[0], t[1])
                let valley: Double = y - x * x
                let xx: Double = 1 - 200 * valley + 400 * x * x
                return [[xx, -200 * x], [-200 * x, 100]]
            })
    }

    /// ½·(θ − c)ᵀA(θ − c) for a symmetric positive-definite A.
    static func quadratic(_ a: Matrix<Double>, minimum c: [Double]) -> SmoothFunctionObjective {
        let n = c.count
        @Sendable func product(_ t: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: n)
            for i in 0..<n { for j in 0..<n { out[i] += a[i, j] * (t[j] - c[j]) } }
            return out
        }
        @Sendable func value(_ t: [Double]) -> Double {
            let at = product(t)
            var sum = 0.0
            for i in 0..<n { sum += at[i] * (t[i] - c[i]) }
            return sum / 2
        }
        let rows: [[Double]] = (0..<n).map { a.row($0).elements }
        return SmoothFunctionObjective(parameterCount: n, value: value, gradient: product, hessian: { _ in rows })
    }
}

/// ``SmoothFunctionObjective`` evaluated at a point.
struct SmoothFunctionPoint: EvaluatedObjective {
    let parameters: Vector<Double>
    let loss: Double
    let gradient: Vector<Double>
    let hessian: Matrix<Double>
    var batchSize: Int { 1 }

    func curvatureProduct(_ kind: CurvatureKind, _ v: Vector<Double>, samples: Int, seed: UInt64) throws -> Vector<Double> {
        try hessian.multiplied(by: v)
    }

    func denseCurvature(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> Matrix<Double> { hessian }

    func perExampleGradients() throws -> Matrix<Double> {
        try Matrix(rows: 1, columns: gradient.count, elements: gradient.elements)
    }

    func kroneckerFactors(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> [KroneckerFactors<Double>] {
        throw OptimizerError.unsupported("a smooth test function has no layers")
    }
}
