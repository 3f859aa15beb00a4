import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGTraining

/// Times every optimizer of the registry on MLPs 64 → w → 10 on the digits (Float32) for a
/// geometric series of widths w, measuring the median step time and the peak memory a run adds.
///
/// Each (optimizer, width) run builds the optimizer with ``OptimizerRegistry/make(_:context:as:)``
/// (its defaults for an MLP, one fixed batch size for all so that the cost differences are the
/// methods'), takes `warmupSteps` untimed steps, then `timedSteps` timed ones on seeded
/// minibatches. The registry refuses the dense methods past
/// ``OptimizerRegistry/denseCurvatureParameterLimit`` parameters — such a cell is reported "not
/// affordable", not an error — and switches `ngd` to conjugate gradient on Gauss-Newton
/// products there, which is reported as its own line ("ngd (CG)"). An optimizer whose median
/// step exceeds `stepBudgetSeconds` is not run at larger widths ("over budget").
struct EfficiencyBenchmark: Sendable {
    /// What became of one (optimizer, width) cell.
    enum Status: Sendable, Codable, Equatable {
        case measured
        /// The registry refused the model (dense curvature past the limit).
        case notAffordable(String)
        /// A smaller width already exceeded the step budget.
        case overBudget
        /// The optimizer threw (non-finite values, a failed factorization).
        case failed(String)
    }

    /// One cell of the grid.
    struct Measurement: Sendable, Codable, Equatable {
        /// The registry name.
        var optimizer: String
        /// The legend label: the name, or "ngd (CG)" where NGD is matrix-free.
        var label: String
        var width: Int
        var parameterCount: Int
        /// The median wall time of a timed step, seconds (NaN unless measured).
        var stepSeconds: Double
        /// The peak resident memory the run added (``TimingMemoryMeter``), bytes.
        var peakMemoryBytes: Int?
        /// The optimizer's own statistics and buffers where it reports them, bytes.
        var stateBytes: Int?
        var status: Status
    }

    var widths: [Int]
    var optimizers: [String]
    var exampleCount: Int
    var batchSize: Int
    var warmupSteps: Int
    var timedSteps: Int
    var stepBudgetSeconds: Double

    /// P of the MLP 64 → w → 10: 64w + w + 10w + 10.
    static func parameterCount(width: Int) -> Int { 75 * width + 10 }

    /// Runs the grid, width by width.
    /// - Throws: errors of loading the data or building the networks.
    func run(seed: UInt64, progress: (String) -> Void = { _ in }) throws -> [Measurement] {
        var root = SeededGenerator(seed: seed)
        var dataGenerator = root.split()
        let task = try SmallDigitsTask<Float>(exampleCount: exampleCount, generator: &dataGenerator)
        let batch = min(batchSize, task.exampleCount)
        var overBudget = Set<String>()
        var results = [Measurement]()
        for width in widths {
            let network = try task.network(hidden: [width])
            let objective = try task.objective(network)
            var initialization = SeededGenerator(seed: seed &+ UInt64(width))
            let start = network.initialParameters(scheme: .glorotUniform, generator: &initialization)
            let p = network.parameterCount
            for name in optimizers {
                let label = name == "ngd" && p > OptimizerRegistry.denseCurvatureParameterLimit ? "ngd (CG)" : name
                var cell = Measurement(
                    optimizer: name, label: label, width: width, parameterCount: p, stepSeconds: .nan, peakMemoryBytes: nil, stateBytes: nil,
                    status: .measured)
                let context = OptimizerContext(
                    family: .multilayerPerceptron, parameterCount: p, exampleCount: task.exampleCount, outputCount: 10, batchSize: batch,
                    steps: warmupSteps + timedSteps, seed: seed)
                var optimizer: AnyOptimizer<Float>
                do {
                    optimizer = try OptimizerRegistry.make(name, context: context)
                } catch let TrainingError.invalidConfiguration(message) {
                    cell.status = .notAffordable(message)
                    results.append(cell)
                    continue
                }
                if overBudget.contains(label) {
                    cell.status = .overBudget
                    results.append(cell)
                    continue
                }
                progress("efficiency: \(label) at width \(width) (\(p) parameters)")
                var parameters = start
                var generator = SeededGenerator(seed: seed &+ 7 &+ UInt64(width))
                let meter = TimingMemoryMeter()
                var times = [Double]()
                do {
                    for step in 0..<(warmupSteps + timedSteps) {
                        var indices = Array(0..<task.exampleCount)
                        generator.shuffle(&indices)
                        let clock = ContinuousClock.now
                        _ = try optimizer.step(&parameters, objective: objective, batch: .examples(Array(indices.prefix(batch))))
                        if step >= warmupSteps { times.append(clock.elapsedSeconds) }
                    }
                    cell.stepSeconds = (times.median ?? .nan)
                    cell.peakMemoryBytes = meter.peakIncreaseBytes()
                    cell.stateBytes = EfficiencyStateBytes.of(optimizer)
                    if cell.stepSeconds > stepBudgetSeconds { overBudget.insert(label) }
                } catch {
                    cell.status = .failed("\(error)")
                }
                results.append(cell)
            }
        }
        return results
    }
}

/// The statistics and buffers an optimizer reports holding (``CurvatureApproximation/memoryBytes``,
/// ``KFACState/memoryBytes``), for the registry's curvature methods in Float32; nil for the others.
enum EfficiencyStateBytes {
    static func of(_ optimizer: AnyOptimizer<Float>) -> Int? {
        switch optimizer.base {
        case let kfac as KFAC<Float>: return kfac.state.memoryBytes
        case let ngd as NaturalGradientDescent<ExactCurvatureApproximation<Float>>: return ngd.approximation.memoryBytes
        case let ngd as NaturalGradientDescent<MatrixFreeCurvatureApproximation<Float>>: return ngd.approximation.memoryBytes
        case let ngd as NaturalGradientDescent<EKFACApproximation<Float>>: return ngd.approximation.memoryBytes
        case let ngd as NaturalGradientDescent<TONGAApproximation<Float>>: return ngd.approximation.memoryBytes
        default: return nil
        }
    }
}
