import NGData
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGReport

/// Part (a) of the kfac experiment: K-FAC against the exact natural gradient through training.
///
/// An MLP on the digits (Float64, a few hundred parameters, so that the exact Fisher can be
/// formed) is trained by K-FAC (``KFAC`` with the paper's quadratic-model step rule and
/// Levenberg–Marquardt damping); every `measureInterval` steps, at the current parameters and on
/// a fixed measurement batch, ``KFACDirectionComparison`` compares K-FAC's direction and matrix
/// with the exact Fisher's for each damping.
struct KFACFidelityStudy: Sendable {
    /// The hidden layer sizes of the MLP 64 → hidden… → 10.
    var hidden: [Int]
    /// Examples in the training set (drawn from the 1797).
    var exampleCount: Int
    /// Examples of the fixed measurement batch (the first of the training set).
    var measurementCount: Int
    /// Minibatch size of the K-FAC training run.
    var batchSize: Int
    var steps: Int
    var measureInterval: Int
    /// The λ values of the comparisons.
    var dampings: [Double]

    /// One measurement.
    struct Measurement: Sendable, Codable, Equatable {
        var step: Int
        /// The full training loss (mean cross-entropy, nats).
        var loss: Double
        var directions: [KFACDirectionComparison]
        var matrices: KFACMatrixErrors
    }

    /// The outcome: P and the measurements in step order.
    struct Outcome: Sendable, Codable, Equatable {
        var parameterCount: Int
        var measurements: [Measurement]
    }

    /// Runs the study.
    /// - Throws: errors of loading, training and the curvature computations.
    func run(seed: UInt64, progress: (String) -> Void = { _ in }) throws -> Outcome {
        var root = SeededGenerator(seed: seed)
        var dataGenerator = root.split()
        var initialization = root.split()
        let batchSeed = root.next()
        let task = try SmallDigitsTask<Double>(exampleCount: exampleCount, generator: &dataGenerator)
        let network = try task.network(hidden: hidden)
        let objective = try task.objective(network)
        let measurementBatch = Batch.examples(Array(0..<min(measurementCount, task.exampleCount)))
        var parameters = network.initialParameters(scheme: .glorotUniform, generator: &initialization)
        var settings = KFACSettings<Double>()
        settings.seed = seed
        var optimizer = try KFAC(settings: settings)
        let minibatches = Minibatches(
            count: task.exampleCount, batchSize: min(batchSize, task.exampleCount), shuffle: true, dropLast: true,
            generator: SeededGenerator(seed: batchSeed))
        var measurements = [Measurement]()
        var order = [[Int]]()
        var epoch = 0
        for step in 0...steps {
            if step % measureInterval == 0 || step == steps {
                let point = try objective.evaluate(at: parameters, batch: measurementBatch)
                let (directions, matrices) = try KFACDirectionComparison.measure(at: point, layers: objective.layers, dampings: dampings)
                let loss = Double(try objective.loss(at: parameters, batch: .all))
                measurements.append(Measurement(step: step, loss: loss, directions: directions, matrices: matrices))
                progress("kfac (a): step \(step), loss \(Table.cell(loss)), cosine \(Table.cell(directions.first?.kfacCosine ?? .nan))")
            }
            guard step < steps else { break }
            if order.isEmpty {
                order = minibatches.batches(epoch: epoch)
                epoch += 1
            }
            _ = try optimizer.step(&parameters, objective: objective, batch: .examples(order.removeFirst()))
        }
        return Outcome(parameterCount: network.parameterCount, measurements: measurements)
    }
}
