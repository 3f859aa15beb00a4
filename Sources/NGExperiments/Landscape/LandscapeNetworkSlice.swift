import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGReport
import NGTraining

/// Part (ii) of the landscape experiment: an MLP on the digits (Float64) sliced along two
/// filter-normalized random directions around a trained point (Li et al. 2018), with GD, NGD,
/// Newton and Adam started on the plane and their paths projected back onto it.
///
/// θ* comes from `pretrainSteps` full-batch Adam steps from a Glorot start; the plane is
/// θ(α, β) = θ* + α·d₁ + β·d₂. The optimizers start at θ(α₀, β₀), a point of the plane away from
/// θ*, and leave the plane as they move; ``LandscapePlane/coordinates(of:)`` gives the
/// least-squares (α, β) of each iterate and its distance from the plane, reported relative to
/// ‖θ − θ*‖.
struct LandscapeNetworkSlice: Sendable {
    var hidden: [Int]
    var exampleCount: Int
    var pretrainSteps: Int
    var steps: Int
    var gridCount: Int
    /// The half-width of the grid in α and β.
    var extent: Double
    /// (α₀, β₀), the optimizers' start on the plane.
    var start: (alpha: Double, beta: Double)

    /// A projected path.
    struct Path: Sendable {
        var trajectory: LandscapeTrajectory
        var alphas: [Double]
        var betas: [Double]
        /// ‖θ − plane‖ / ‖θ − θ*‖ at the last point (0: the path stayed on the plane).
        var finalOffPlaneShare: Double
    }

    struct Outcome: Sendable {
        var parameterCount: Int
        var xs: [Double]
        var ys: [Double]
        var values: [[Double]]
        var centerLoss: Double
        var paths: [Path]
    }

    func run(seed: UInt64, progress: (String) -> Void = { _ in }) throws -> Outcome {
        var root = SeededGenerator(seed: seed)
        var dataGenerator = root.split()
        var initialization = root.split()
        var directions = root.split()
        let task = try SmallDigitsTask<Double>(exampleCount: exampleCount, generator: &dataGenerator)
        let network = try task.network(hidden: hidden)
        let objective = try task.objective(network)
        progress("landscape (ii): pre-training the \(network.parameterCount)-parameter MLP with Adam")
        var center = network.initialParameters(scheme: .glorotUniform, generator: &initialization)
        var adam = try FirstOrder.adam(learningRate: 0.01, as: Double.self)
        for _ in 0..<pretrainSteps { _ = try adam.step(&center, objective: objective, batch: .all) }
        let plane = LandscapePlane(
            center: center,
            first: LandscapePlane.filterNormalizedDirection(layers: objective.layers, parameters: center, generator: &directions),
            second: LandscapePlane.filterNormalizedDirection(layers: objective.layers, parameters: center, generator: &directions))
        let xs = LandscapeExactStudies.range(-extent, extent, count: gridCount)
        progress("landscape (ii): \(gridCount)×\(gridCount) slice")
        let values = try plane.grid(xs: xs, ys: xs) { try objective.loss(at: $0, batch: .all) }

        let origin = plane.point(start.alpha, start.beta)
        let context = OptimizerContext(
            family: .multilayerPerceptron, parameterCount: network.parameterCount, exampleCount: task.exampleCount, outputCount: 10,
            batchSize: task.exampleCount, steps: steps, seed: seed)
        var trajectories = [LandscapeTrajectory]()
        for (name, rate) in [("sgd", 0.5), ("ngd", 1), ("newton", 1), ("adam", 0.01)] as [(String, Double)] {
            progress("landscape (ii): \(name)")
            var optimizerContext = context
            if name != "newton" { optimizerContext.learningRate = rate }
            let optimizer: AnyOptimizer<Double> = try OptimizerRegistry.make(name, context: optimizerContext)
            let label = name == "newton" ? "newton (damped, LM)" : (name == "sgd" ? "gd" : name) + ", α = \(Table.cell(rate, digits: 3))"
            trajectories.append(LandscapeTrajectory.run(label: label, optimizer: optimizer, objective: objective, start: origin, steps: steps))
        }
        let paths = trajectories.map { trajectory -> Path in
            let projected = trajectory.points.map { plane.coordinates(of: Vector($0)) }
            let last = Vector(trajectory.last)
            let distance = (last - center).norm
            return Path(
                trajectory: trajectory, alphas: projected.map(\.alpha), betas: projected.map(\.beta),
                finalOffPlaneShare: distance > 0 ? projected.last!.offPlane / distance : 0)
        }
        return Outcome(
            parameterCount: network.parameterCount, xs: xs, ys: xs, values: values, centerLoss: try objective.loss(at: center, batch: .all),
            paths: paths)
    }
}
