import Foundation
import NGLinearAlgebra
import NGOptimizers
import NGRandom
import NGTraining

/// The ill-conditioned quadratic of the convergence experiment,
///
///     f(θ) = ½·Σᵢ aᵢ·(θᵢ − cᵢ)²,   f* = 0 at θ* = c,
///
/// with curvatures aᵢ = κ^((i−1)/(P−1)) spaced logarithmically from λ_min = 1 to λ_max = κ (the
/// condition number) and the minimum c drawn from N(0, 1) with the seed; the start is θ₀ = 0.
/// It is ``LeastSquaresObjective/parabola(curvatures:minimum:)``: the residuals r = √a⊙(θ − c),
/// so the Fisher (JᵀJ), the Gauss-Newton matrix and the Hessian are all diag(a).
///
/// Gradient descent with step α contracts coordinate i by (1 − α·aᵢ) per step, so
///
///     f(θ_k) − f* = ½·Σᵢ aᵢ·(1 − α·aᵢ)^(2k)·cᵢ²
///
/// and with α = 1/λ_max the slowest direction shrinks the error by (1 − 1/κ)² per step: about
/// κ/2 steps per factor e (Nocedal & Wright 2006, §3.3). Newton's method and exact natural
/// gradient (here the same matrix) land on c in one step.
public struct IllConditionedQuadratic: Sendable {
    /// a, ascending from 1 to κ.
    public let curvatures: [Double]
    /// c, the minimizer.
    public let minimum: [Double]

    /// - Parameters:
    ///   - dimension: P ≥ 2.
    ///   - condition: κ = λ_max/λ_min ≥ 1.
    ///   - seed: the seed of c.
    public init(dimension: Int, condition: Double, seed: UInt64) {
        precondition(dimension >= 2 && condition >= 1, "IllConditionedQuadratic: need P ≥ 2 and κ ≥ 1")
        curvatures = (0..<dimension).map { Foundation.pow(condition, Double($0) / Double(dimension - 1)) }
        var generator = SeededGenerator(seed: seed)
        minimum = (0..<dimension).map { _ in generator.normal() }
    }

    public var dimension: Int { curvatures.count }
    /// κ = λ_max/λ_min.
    public var condition: Double { curvatures.last! / curvatures.first! }
    /// λ_min and λ_max.
    public var smallestCurvature: Double { curvatures.first! }
    public var largestCurvature: Double { curvatures.last! }

    /// f as an ``Objective``.
    public var objective: LeastSquaresObjective<Double> { .parabola(curvatures: curvatures, minimum: minimum) }

    /// θ₀ = 0.
    public var start: Vector<Double> { Vector(count: dimension) }

    /// f(θ) − f* computed directly: ½·Σ aᵢ(θᵢ − cᵢ)².
    public func error(at parameters: Vector<Double>) -> Double {
        var total = 0.0
        for i in 0..<dimension {
            let difference = parameters[i] - minimum[i]
            total += curvatures[i] * difference * difference
        }
        return total / 2
    }
}

/// One optimizer's run on the quadratic through the optimizer API (no ``TrainingSession``):
/// f − f* after every step and the cumulative step time.
public struct QuadraticTrace: Sendable {
    /// The legend name.
    public var label: String
    /// step, seconds (sum of step times) and loss = f − f* after each step, step 0 first.
    public var history: [HistoryEntry]
    /// The step that produced a non-finite value, nil when none did.
    public var divergedAtStep: Int?
    /// The final parameters.
    public var parameters: Vector<Double>

    /// The first entry with f − f* at or below `tolerance`, nil if never.
    public func firstReaching(_ tolerance: Double) -> HistoryEntry? { history.first { $0.loss <= tolerance } }

    /// Runs `optimizer` from the problem's start for up to `steps` full-batch steps, stopping
    /// early once f − f* ≤ `stopBelow` (the curve has nowhere further to go).
    /// - Throws: errors of the optimizer other than non-finite values (which end the trace).
    public static func run<Opt: Optimizer>(
        _ optimizer: Opt, label: String, on problem: IllConditionedQuadratic, steps: Int, stopBelow: Double = 0
    ) throws -> QuadraticTrace where Opt.Scalar == Double {
        var optimizer = optimizer
        let objective = problem.objective
        var parameters = problem.start
        var history = [HistoryEntry(step: 0, seconds: 0, loss: problem.error(at: parameters))]
        var seconds = 0.0
        let clock = ContinuousClock()
        for step in 1...max(steps, 1) {
            let start = clock.now
            do {
                _ = try optimizer.step(&parameters, objective: objective, batch: .all)
            } catch OptimizerError.nonFinite {
                return QuadraticTrace(label: label, history: history, divergedAtStep: step, parameters: parameters)
            }
            let duration = clock.now - start
            seconds += duration.inSeconds
            let error = problem.error(at: parameters)
            guard error.isFinite else { return QuadraticTrace(label: label, history: history, divergedAtStep: step, parameters: parameters) }
            history.append(HistoryEntry(step: step, seconds: seconds, loss: error))
            if error <= stopBelow { break }
        }
        return QuadraticTrace(label: label, history: history, divergedAtStep: nil, parameters: parameters)
    }
}

extension IllConditionedQuadratic {
    /// The optimizers run on the quadratic, each with the setting that theory suggests for it
    /// (so the comparison is of methods, not of tuning):
    ///
    /// - `gd`: α = 1/λ_max, the classical safe step;
    /// - `momentum`: Polyak's optimal heavy ball for a quadratic, α = 4/(√λ_max + √λ_min)²,
    ///   μ = ((√κ − 1)/(√κ + 1))² (Polyak 1964), rate (√κ − 1)/(√κ + 1) per step;
    /// - `adam`: α = 0.1 with the paper's β (a diagonal preconditioner: this quadratic is
    ///   axis-aligned, which favours it);
    /// - `lbfgs`: memory 10, strong Wolfe line search;
    /// - `hessian-free`: CG on the Gauss-Newton matrix (= the Hessian here), λ₀ = 1;
    /// - `newton`: the Hessian, no damping (λ₀ = 0);
    /// - `ngd`: the exact Fisher (JᵀJ = the Hessian here), α = 1, no damping.
    ///
    /// K-FAC, EKFAC and Shampoo need layer structure (on an objective without layers Shampoo is
    /// diagonal AdaGrad), so they are left out.
    /// - Throws: ``OptimizerError`` (not for these settings).
    public func optimizers() throws -> [(label: String, optimizer: AnyOptimizer<Double>)] {
        let rootMax = largestCurvature.squareRoot(), rootMin = smallestCurvature.squareRoot()
        let heavyBallRate = 4 / ((rootMax + rootMin) * (rootMax + rootMin))
        let heavyBallMomentum = Foundation.pow((rootMax - rootMin) / (rootMax + rootMin), 2)
        let ngdSettings = NaturalGradientDescentSettings<Double>(learningRate: 1, damping: 0, curvatureDecay: 0)
        return [
            ("gd", AnyOptimizer(try FirstOrder.sgd(learningRate: 1 / largestCurvature))),
            ("momentum", AnyOptimizer(try FirstOrder.momentum(learningRate: heavyBallRate, momentum: heavyBallMomentum))),
            ("adam", AnyOptimizer(try FirstOrder.adam(learningRate: 0.1))),
            ("lbfgs", AnyOptimizer(try LBFGS<Double>())),
            ("hessian-free", AnyOptimizer(try HessianFree<Double>(settings: HessianFreeSettings(initialDamping: 1)))),
            ("newton", AnyOptimizer(try Newton<Double>(settings: NewtonSettings(kind: .hessian, initialDamping: 0)))),
            ("ngd", AnyOptimizer(try NaturalGradientDescent(approximation: ExactCurvatureApproximation<Double>(source: .exact), settings: ngdSettings))),
        ]
    }

    /// The optimizers left out and why.
    public static let excludedOptimizers = "kfac and ekfac need layer structure; shampoo without layers is diagonal AdaGrad"
}
