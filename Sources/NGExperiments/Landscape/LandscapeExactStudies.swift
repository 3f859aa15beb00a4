import Foundation
import NGData
import NGLinearAlgebra
import NGOptimizers
import NGRandom
import NGReport

/// Parts (i) and (iii) of the landscape experiment: optimizers on exact 2-parameter models, drawn
/// in their true coordinates.
enum LandscapeExactStudies {
    /// A study's outcome: the objective's grid and every optimizer's path.
    struct Outcome: Sendable {
        var xs: [Double]
        var ys: [Double]
        var values: [[Double]]
        var trajectories: [LandscapeTrajectory]
    }

    /// The optimizers drawn on the 2-D models: GD, NGD (exact Fisher), the package's damped Newton,
    /// undamped Newton and Adam, each with the given step sizes.
    static func paths(
        objective: LandscapeClosedFormObjective, start: Vector<Double>, steps: Int, gdRate: Double, ngdRate: Double, ngdDamping: Double,
        adamRate: Double
    ) throws -> [LandscapeTrajectory] {
        let ngd = try NaturalGradientDescent(
            approximation: ExactCurvatureApproximation<Double>(source: .exact),
            settings: NaturalGradientDescentSettings(learningRate: ngdRate, damping: ngdDamping, curvatureDecay: 0))
        return [
            LandscapeTrajectory.run(
                label: "gd, α = \(Table.cell(gdRate, digits: 3))", optimizer: try FirstOrder.sgd(learningRate: gdRate), objective: objective, start: start, steps: steps),
            LandscapeTrajectory.run(
                label: "ngd, α = \(Table.cell(ngdRate, digits: 3)), λ = \(Table.cell(ngdDamping, digits: 3))", optimizer: ngd, objective: objective, start: start, steps: steps),
            LandscapeTrajectory.run(label: "newton (damped, LM)", optimizer: try Newton<Double>(), objective: objective, start: start, steps: steps),
            LandscapeTrajectory.run(label: "newton (undamped)", optimizer: LandscapePureNewton(), objective: objective, start: start, steps: steps),
            LandscapeTrajectory.run(
                label: "adam, α = \(Table.cell(adamRate, digits: 3))", optimizer: try FirstOrder.adam(learningRate: adamRate), objective: objective, start: start,
                steps: steps),
        ]
    }

    /// `count` evenly spaced values from `low` to `high`.
    static func range(_ low: Double, _ high: Double, count: Int) -> [Double] {
        (0..<count).map { low + (high - low) * Double($0) / Double(count - 1) }
    }

    /// values[j][i] = J(xs[i], ys[j]).
    static func grid(_ objective: LandscapeClosedFormObjective, xs: [Double], ys: [Double]) -> [[Double]] {
        ys.map { y in xs.map { x in objective.value(Vector([x, y])) } }
    }

    /// The diabetes targets (disease progression, 25…346) divided by 100: the data of part (i).
    static func diabetesTargets() throws -> [Double] {
        try Dataset.load("diabetes").values!.map { $0 / 100 }
    }

    /// Part (i): the Gaussian N(μ, e^{2s}) on the diabetes targets, from a start far from the
    /// optimum with σ too small, where F = diag(1/σ², 2) and H differ.
    static func gaussian(steps: Int, gridCount: Int) throws
        -> (Outcome, optimum: (mu: Double, s: Double), objective: LandscapeClosedFormObjective) {
        let data = try diabetesTargets()
        let objective = LandscapeModels.gaussian(data: data)
        let optimum = LandscapeModels.gaussianOptimum(data: data)
        let start = Vector([optimum.mu - 1.2, optimum.s - 0.6])
        let xs = range(optimum.mu - 1.6, optimum.mu + 1.6, count: gridCount)
        let ys = range(optimum.s - 1.0, optimum.s + 1.4, count: gridCount)
        let trajectories = try paths(objective: objective, start: start, steps: steps, gdRate: 0.05, ngdRate: 0.5, ngdDamping: 0, adamRate: 0.05)
        return (Outcome(xs: xs, ys: ys, values: grid(objective, xs: xs, ys: ys), trajectories: trajectories), optimum, objective)
    }

    /// The data moments of part (iii): xᵢ ~ N(0, 1), yᵢ = 2xᵢ + 0.5·εᵢ, seeded.
    static func saddleMoments(seed: UInt64, count: Int = 200) -> (sxx: Double, sxy: Double, syy: Double) {
        var generator = SeededGenerator(seed: seed)
        var (sxx, sxy, syy) = (0.0, 0.0, 0.0)
        for _ in 0..<count {
            let x = generator.normal()
            let y = 2 * x + 0.5 * generator.normal()
            sxx += x * x
            sxy += x * y
            syy += y * y
        }
        let n = Double(count)
        return (sxx / n, sxy / n, syy / n)
    }

    /// The start of part (iii): near the saddle (0, 0), almost on its stable direction (1, −1)/√2,
    /// with a small component ε along the escape direction (1, 1)/√2.
    static func saddleStart(distance: Double = 0.2, escapeComponent: Double = 1e-3) -> Vector<Double> {
        let r = 0.5.squareRoot()
        return Vector([distance * r + escapeComponent * r, -distance * r + escapeComponent * r])
    }

    /// Part (iii): the deep-linear saddle.
    static func saddle(seed: UInt64, steps: Int, gridCount: Int) throws -> (Outcome, moments: (sxx: Double, sxy: Double, syy: Double)) {
        let moments = saddleMoments(seed: seed)
        let objective = LandscapeModels.deepLinear(sxx: moments.sxx, sxy: moments.sxy, syy: moments.syy)
        let xs = range(-2.5, 2.5, count: gridCount)
        let trajectories = try paths(
            objective: objective, start: saddleStart(), steps: steps, gdRate: 0.1, ngdRate: 1, ngdDamping: 0.1, adamRate: 0.05)
        return (Outcome(xs: xs, ys: xs, values: grid(objective, xs: xs, ys: xs), trajectories: trajectories), moments)
    }
}
