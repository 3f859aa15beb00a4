import NGCurvature
import NGLinearAlgebra

extension HessianFree {
    /// The outcome of one step's damped CG solve, retries included.
    struct DampedSolve {
        /// The last solve's result.
        var result: ConjugateGradientResult<Scalar>
        /// The λ of the last solve.
        var damping: Scalar
        /// CG iterations over all solves of the step.
        var totalIterations: Int
        /// How many times λ was raised for non-positive curvature.
        var retries: Int
        /// Whether any solve met non-positive curvature.
        var metNonPositiveCurvature: Bool
    }

    /// Solves (G + λI)·Δ = −g by CG, raising λ and solving again from 0 while CG meets
    /// non-positive curvature before the damped model φ has decreased below 0.
    func solveDamped<P: EvaluatedObjective>(
        gradient: Vector<Scalar>, curvaturePoint: P, perExampleGradients: Matrix<Scalar>?, damping: Scalar,
        warmStart: Vector<Scalar>?, productSeed: UInt64
    ) throws -> DampedSolve where P.Scalar == Scalar {
        let rightHandSide = -gradient
        let kind = settings.curvatureKind
        let samples = settings.curvatureSamples
        var lambda = damping
        var guess = warmStart
        var retries = 0
        var totalIterations = 0
        var metNonPositiveCurvature = false
        while true {
            var preconditioner: ((Vector<Scalar>) throws -> Vector<Scalar>)?
            if let exponent = settings.preconditionerExponent, let perExampleGradients {
                let diagonal = try MartensDiagonalPreconditioner(perExampleGradients: perExampleGradients, damping: lambda, exponent: exponent)
                preconditioner = { diagonal.apply($0) }
            }
            let options = ConjugateGradientOptions<Scalar>(
                relativeTolerance: settings.relativeTolerance, maximumIterations: settings.maximumIterations,
                preconditioner: preconditioner, initialGuess: guess,
                storedIterates: settings.backtrackingRatio.map { .geometric(ratio: $0) } ?? .none,
                progressTolerance: settings.progressTolerance)
            let shift = lambda
            let result = try ConjugateGradient.solve(rightHandSide, options: options) { v in
                var product = try curvaturePoint.curvatureProduct(kind, v, samples: samples, seed: productSeed)
                if shift != 0 { try product.add(v, scaledBy: shift) }
                return product
            }
            totalIterations += result.iterations
            guard result.termination == .nonPositiveCurvature,
                let direction = result.nonPositiveCurvatureDirection, let curvature = result.nonPositiveCurvature
            else {
                return DampedSolve(
                    result: result, damping: lambda, totalIterations: totalIterations, retries: retries,
                    metNonPositiveCurvature: metNonPositiveCurvature)
            }
            metNonPositiveCurvature = true
            let progressed = (result.objectiveValues.last ?? 0) < 0
            if progressed || retries >= settings.curvatureRetries {
                return DampedSolve(
                    result: result, damping: lambda, totalIterations: totalIterations, retries: retries,
                    metNonPositiveCurvature: true)
            }
            // pᵀ(G + λ′I)p = pᵀ(G + λI)p + (λ′ − λ)‖p‖² ≥ |pᵀ(G + λI)p| > 0 for the new λ′.
            let squaredNorm = try direction.dot(direction)
            let needed = squaredNorm > 0 ? lambda + 2 * Swift.abs(curvature) / squaredNorm : lambda
            lambda = Swift.max(lambda * 3 / 2, needed, Scalar.ulpOfOne.squareRoot())
            guess = nil
            retries += 1
        }
    }

    /// Martens' backtracking over stored CG iterates: from the last one, move to the previous one
    /// while it has the lower objective. Returns the index into `candidates` and J there.
    static func backtrack<O: Objective>(
        _ candidates: [Vector<Scalar>], from parameters: Vector<Scalar>, objective: O, batch: Batch
    ) throws -> (index: Int, loss: Scalar) where O.Scalar == Scalar {
        var index = candidates.count - 1
        var best = try lossValue(objective, parameters, candidates[index], batch)
        while index > 0 {
            let earlier = try lossValue(objective, parameters, candidates[index - 1], batch)
            guard earlier < best else { break }
            index -= 1
            best = earlier
        }
        return (index, best)
    }

    /// J(θ + Δ) on the batch, with NaN mapped to +∞ so that comparisons reject it.
    static func lossValue<O: Objective>(_ objective: O, _ parameters: Vector<Scalar>, _ step: Vector<Scalar>, _ batch: Batch) throws -> Scalar
    where O.Scalar == Scalar {
        let value = try objective.loss(at: parameters + step, batch: batch)
        return value.isNaN ? .infinity : value
    }
}
