import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers

/// A deterministic objective of a few parameters given in closed form — its value, gradient,
/// Fisher and Hessian — so that the package's optimizers (SGD, Adam, NGD, Newton) can run on
/// the exact 2-parameter models of the landscape experiment and be drawn in their true
/// coordinates.
///
/// The whole data set is one batch (the batch argument is ignored). The Fisher stands for the
/// exact Fisher, the Monte-Carlo Fisher and the GGN (the models here have canonical Gaussian
/// likelihoods, where the three agree); the empirical Fisher, per-example gradients and
/// Kronecker factors are not available.
struct LandscapeClosedFormObjective: Objective {
    typealias Scalar = Double
    let parameterCount: Int
    var exampleCount: Int { 1 }
    var layers: [LayerParameterLayout] { [] }
    let value: @Sendable (Vector<Double>) -> Double
    let gradient: @Sendable (Vector<Double>) -> Vector<Double>
    let fisher: @Sendable (Vector<Double>) -> Matrix<Double>
    let hessian: @Sendable (Vector<Double>) -> Matrix<Double>

    func evaluate(at parameters: Vector<Double>, batch: Batch) throws -> Point {
        Point(parameters: parameters, loss: value(parameters), gradient: gradient(parameters), objective: self)
    }

    func loss(at parameters: Vector<Double>, batch: Batch) throws -> Double { value(parameters) }

    /// The objective at one point.
    struct Point: EvaluatedObjective {
        typealias Scalar = Double
        let parameters: Vector<Double>
        let loss: Double
        let gradient: Vector<Double>
        let objective: LandscapeClosedFormObjective
        var batchSize: Int { 1 }

        func denseCurvature(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> Matrix<Double> {
            switch kind {
            case .exact, .monteCarlo, .ggn: return objective.fisher(parameters)
            case .hessian: return objective.hessian(parameters)
            case .empirical: throw OptimizerError.unsupported("closed-form objective: no per-example gradients for the empirical Fisher")
            }
        }

        func curvatureProduct(_ kind: CurvatureKind, _ v: Vector<Double>, samples: Int, seed: UInt64) throws -> Vector<Double> {
            try denseCurvature(kind, samples: samples, seed: seed).multiplied(by: v)
        }

        func perExampleGradients() throws -> Matrix<Double> {
            throw OptimizerError.unsupported("closed-form objective: no per-example gradients")
        }

        func kroneckerFactors(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> [KroneckerFactors<Double>] {
            throw OptimizerError.unsupported("closed-form objective: no layers")
        }
    }
}
