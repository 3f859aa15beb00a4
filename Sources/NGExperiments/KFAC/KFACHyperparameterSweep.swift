import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGTraining

/// Part (c) of the kfac experiment: how K-FAC's damping λ, inverse-update interval T₂ and
/// curvature decay ε_max change the result and the cost (Martens & Grosse 2015, §§5–8).
///
/// One knob varies at a time around a base configuration — the paper's quadratic-model rule
/// for α and μ, statistics every step, λ **fixed** (no Levenberg–Marquardt adaptation, so that
/// the λ axis means what it says) — on an MLP on the digits (Float32), from the same
/// initialization and minibatch order. Each run reports its final full-data loss and its median
/// time per step; a run whose loss becomes non-finite is reported as diverged.
struct KFACHyperparameterSweep: Sendable {
    /// The knob a run varies.
    enum Knob: String, Sendable, Codable, CaseIterable {
        case damping
        case inverseUpdateInterval = "inverse-update-interval"
        case curvatureDecay = "curvature-decay"

        /// The axis label, with the symbol of the paper.
        var label: String {
            switch self {
            case .damping: return "damping λ"
            case .inverseUpdateInterval: return "inverse-update interval T₂ (steps)"
            case .curvatureDecay: return "curvature decay ε_max"
            }
        }
    }

    /// One run of the sweep.
    struct Run: Sendable, Codable, Equatable {
        var knob: Knob
        var value: Double
        /// The full-data mean cross-entropy after the last step (nats); NaN when diverged.
        var finalLoss: Double
        /// The median wall time of one step, seconds.
        var stepSeconds: Double
        /// The step that produced a non-finite value, nil when none did.
        var divergedAtStep: Int?
        /// Why the run stopped with an error (a damped factor that is not positive definite at a
        /// tiny λ, say), nil when it did not.
        var failure: String? = nil

        /// "completed", "diverged at step k" or "failed: …".
        var status: String {
            if let failure { return "failed: \(failure)" }
            return divergedAtStep.map { "diverged at step \($0)" } ?? "completed"
        }
    }

    var hidden: [Int]
    var exampleCount: Int
    var batchSize: Int
    var steps: Int
    /// The base configuration's λ, T₂ and ε_max (each used while another knob varies).
    var baseDamping: Double = 1e-2
    var baseInverseUpdateInterval: Int = 10
    var baseCurvatureDecay: Double = 0.95
    /// The values swept for each knob.
    var dampings: [Double]
    var inverseUpdateIntervals: [Int]
    var curvatureDecays: [Double]

    /// Runs every value of every knob.
    /// - Throws: errors of loading the data or of an invalid setting.
    func run(seed: UInt64, progress: (String) -> Void = { _ in }) throws -> [Run] {
        var root = SeededGenerator(seed: seed)
        var dataGenerator = root.split()
        var initialization = root.split()
        let batchSeed = root.next()
        let task = try SmallDigitsTask<Float>(exampleCount: exampleCount, generator: &dataGenerator)
        let network = try task.network(hidden: hidden)
        let objective = try task.objective(network)
        let start = network.initialParameters(scheme: .glorotUniform, generator: &initialization)
        let trainerSettings = try TrainerSettings(
            steps: steps, batchSize: min(batchSize, task.exampleCount), seed: batchSeed, recordInterval: 10, checkpointInterval: nil)
        var trainer = Trainer(objective: objective, settings: trainerSettings)
        trainer.stopRequested = { false }

        var plan = [(Knob, Double)]()
        plan += dampings.map { (Knob.damping, $0) }
        plan += inverseUpdateIntervals.map { (Knob.inverseUpdateInterval, Double($0)) }
        plan += curvatureDecays.map { (Knob.curvatureDecay, $0) }
        return try plan.map { knob, value in
            var settings = KFACSettings<Float>(
                damping: Float(baseDamping), dampingAdaptation: nil, curvatureDecay: Float(baseCurvatureDecay),
                inverseUpdateInterval: baseInverseUpdateInterval, seed: seed)
            switch knob {
            case .damping: settings.damping = Float(value)
            case .inverseUpdateInterval: settings.inverseUpdateInterval = Int(value)
            case .curvatureDecay: settings.curvatureDecay = Float(value)
            }
            progress("kfac (c): \(knob.rawValue) = \(value)")
            var optimizer = try KFAC(settings: settings)
            var parameters = start
            do {
                let result = try trainer.run(&optimizer, parameters: &parameters)
                return Run(knob: knob, value: value, finalLoss: result.loss, stepSeconds: result.medianStepSeconds, divergedAtStep: nil)
            } catch let TrainingError.nonFinite(step, _, _, result) {
                return Run(knob: knob, value: value, finalLoss: .nan, stepSeconds: result.medianStepSeconds, divergedAtStep: step)
            } catch let error as OptimizerError {
                // A damped factor that is not positive definite at a tiny λ: the run fails, a result.
                return Run(knob: knob, value: value, finalLoss: .nan, stepSeconds: .nan, divergedAtStep: nil, failure: "\(error)")
            }
        }
    }
}
