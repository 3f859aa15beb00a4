import Foundation
import NGData
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom

/// A training run end to end — what `natgrad train` does: load the data, split and standardize
/// it, build the model and the optimizer, train, evaluate, and save the run folder.
///
/// **The objective** is the mean negative log-likelihood over the training split plus
/// (l2/2)·‖W‖² over the weights only (biases and intercepts unpenalized). scikit-learn's
/// `LogisticRegression(C=…)` minimizes C·Σᵢ ℓᵢ + ½‖w‖², which divided by C·N is the same
/// function up to a constant factor, so **l2 = 1/(C·N)** gives its optimum (N the number of
/// training examples); the default l2 of the linear models is 1/N, scikit-learn's C = 1. Networks
/// default to l2 = 0.
///
/// **Randomness.** One seed fixes everything: a root generator seeded with it gives, in order,
/// the split's generator, the initialization's generator, the minibatch seed and the
/// optimizer's seed, so the same configuration gives the same history.
///
/// **Resuming** (``resuming(from:steps:)``) restores the configuration, the parameters, the step
/// count, the training time and the history; the minibatch order continues where it stopped
/// (it is a function of the seed and the step). The optimizer's internal state — moments,
/// curvature statistics, adapted damping, L-BFGS memory — is *not* saved and restarts from its
/// initial value, so a resumed run of a stateful optimizer differs from an uninterrupted one
/// (for SGD it is identical).
public struct TrainingSession {
    /// The run's configuration (nil options are resolved by ``run()``).
    public var configuration: TrainingConfiguration
    /// Where to save config, metrics and checkpoints; nil to save nothing.
    public var outputPath: String?
    /// The folder of an earlier run to continue, nil for a fresh run.
    public var resumePath: String?
    /// Called after every step (progress bars).
    public var onStep: ((TrainingProgress) -> Void)?
    /// Polled after every step; true stops cleanly. Nil polls ``TrainingInterrupt``.
    public var stopRequested: (() -> Bool)?
    /// Steps between history entries (1…10).
    public var recordInterval = 10
    /// Steps between periodic checkpoints (when saving).
    public var checkpointInterval: Int? = 100

    public init(configuration: TrainingConfiguration, outputPath: String? = nil) {
        self.configuration = configuration
        self.outputPath = outputPath
    }

    /// A session continuing the run saved in `path`: its `config.json`, with `steps` as the new
    /// total when given; it saves to the same folder.
    /// - Throws: ``TrainingError/unreadableRun(_:)`` when the folder is not a run folder.
    public static func resuming(from path: String, steps: Int? = nil) throws -> TrainingSession {
        var configuration = try RunDirectory(existingAt: path).readConfiguration()
        if let steps { configuration.steps = steps }
        var session = TrainingSession(configuration: configuration, outputPath: path)
        session.resumePath = path
        return session
    }

    /// Runs the session.
    /// - Returns: the report (also after an interrupt, with `stopped` = `interrupted`).
    /// - Throws: as ``execute()``.
    public func run() throws -> TrainingReport {
        try execute().report
    }

    /// Runs the session and returns the trained parameters with the report.
    /// - Returns: the report (also after an interrupt, with `stopped` = `interrupted`) and the
    ///   final parameters in the network's flat order, as Double.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` for bad options, data that do not fit
    ///   the model, or an unwritable output folder; ``TrainingError/unavailableOptimizer(_:)``;
    ///   ``TrainingError/nonFinite(step:lastGoodStep:detail:result:)`` when a step diverges (the
    ///   last good checkpoint is saved first); ``TrainingError/unreadableRun(_:)`` for a bad resume folder.
    public func execute() throws -> TrainingOutcome {
        let wallStart = ContinuousClock.now
        try configuration.validate()
        let model = try configuration.modelSpecification()
        let dataset: Dataset
        do { dataset = try Dataset.load(configuration.data, targetKind: model.csvTargetKind) } catch {
            throw TrainingError.invalidConfiguration("--data: \(error)")
        }
        var root = SeededGenerator(seed: configuration.seed)
        var splitGenerator = root.split()
        let initialization = root.split()
        let batchSeed = root.next()
        let optimizerSeed = root.next()

        let train: Dataset, test: Dataset?
        if configuration.testFraction > 0 {
            let stratified = dataset.isClassification && model != .autoencoder
            do {
                (train, test) = try dataset.split(testFraction: configuration.testFraction, stratified: stratified, generator: &splitGenerator)
            } catch {
                throw TrainingError.invalidConfiguration("--test-fraction: \(error)")
            }
        } else {
            (train, test) = (dataset, nil)
        }
        try ModelZoo.check(model, train: train, test: test)
        let standardizer = configuration.standardize ? try Standardizer(fitting: train.features) : nil

        var resolved = configuration
        resolved.precision = configuration.precision ?? (model.family.isDeep ? .float32 : .float64)
        resolved.l2 = configuration.l2 ?? (model.family == .generalizedLinear ? 1 / Double(train.count) : 0)
        resolved.batchSize = min(
            configuration.batchSize ?? OptimizerRegistry.defaultBatchSize(configuration.optimizer, family: model.family, exampleCount: train.count),
            train.count)
        let defaults = OptimizerRegistry.defaults(configuration.optimizer, family: model.family)
        resolved.learningRate = configuration.learningRate ?? defaults.learningRate
        resolved.damping = configuration.damping ?? defaults.damping

        let directory = try outputPath.map { try RunDirectory(creatingAt: $0) }
        try directory?.writeConfiguration(resolved)

        let job = SessionJob(
            session: self, configuration: resolved, model: model, directory: directory, initialization: initialization,
            batchSeed: batchSeed, optimizerSeed: optimizerSeed, testExamples: test?.count ?? 0, wallStart: wallStart)
        switch resolved.precision! {
        case .float32: return try ModelZoo.withTask(model, train: train, test: test, standardizer: standardizer, as: Float.self, visitor: job)
        case .float64: return try ModelZoo.withTask(model, train: train, test: test, standardizer: standardizer, as: Double.self, visitor: job)
        }
    }
}

/// The part of a session that depends on the precision and the likelihood type.
struct SessionJob: TrainingTaskVisitor {
    let session: TrainingSession
    let configuration: TrainingConfiguration
    let model: ModelSpecification
    let directory: RunDirectory?
    let initialization: SeededGenerator
    let batchSeed: UInt64
    let optimizerSeed: UInt64
    let testExamples: Int
    let wallStart: ContinuousClock.Instant

    func visit<Scalar: BLASScalar, L: Likelihood>(_ task: TrainingTask<Scalar, L>) throws -> TrainingOutcome where L.Scalar == Scalar {
        let objective = try task.objective(l2: Scalar(configuration.l2!))
        let context = OptimizerContext(
            family: model.family, parameterCount: task.network.parameterCount, exampleCount: objective.exampleCount, outputCount: task.network.outputCount,
            batchSize: configuration.batchSize!, steps: configuration.steps, seed: optimizerSeed,
            learningRate: configuration.learningRate, damping: configuration.damping)
        var optimizer: AnyOptimizer<Scalar> = try OptimizerRegistry.make(configuration.optimizer, context: context)

        var parameters: Vector<Scalar>
        var state: TrainingState?
        if let resumePath = session.resumePath {
            (parameters, state) = try RunDirectory(existingAt: resumePath).readCheckpoint(network: task.network)
        } else {
            var generator = initialization
            parameters = ModelZoo.initialParameters(model, network: task.network, generator: &generator)
        }

        let settings = try TrainerSettings(
            steps: configuration.steps, batchSize: configuration.batchSize!, seed: batchSeed, recordInterval: session.recordInterval,
            checkpointInterval: session.checkpointInterval)
        var trainer = Trainer(objective: objective, settings: settings)
        let chunk = settings.evaluationChunkSize
        trainer.testEvaluation = { try task.testMetrics(parameters: $0, chunkSize: chunk) }
        trainer.onStep = session.onStep
        if let stop = session.stopRequested { trainer.stopRequested = stop }
        if let directory {
            let metadata = [
                "seed": "\(configuration.seed)", "model": model.name, "optimizer": optimizer.name, "data": configuration.data,
                "precision": configuration.precision!.rawValue,
            ]
            trainer.checkpointWriter = { snapshot in
                try directory.writeCheckpoint(network: task.network, parameters: snapshot.parameters, state: snapshot.state, metadata: metadata)
            }
        }

        let result = try trainer.run(&optimizer, parameters: &parameters, resuming: state)
        let last = result.state.history.last
        let train = task.trainLabels == nil ? nil : try task.trainMetrics(parameters: parameters, chunkSize: chunk)
        let report = TrainingReport(
            loss: result.loss, steps: result.state.step, seconds: result.state.seconds,
            wallSeconds: (ContinuousClock.now - wallStart).inSeconds, stepSecondsMedian: result.medianStepSeconds,
            peakMemoryBytes: PeakMemory.bytes(), history: result.state.history, testLoss: last?.testLoss, testAccuracy: last?.testAccuracy,
            trainAccuracy: train?.accuracy, seed: configuration.seed, stopped: result.stopReason, configuration: configuration,
            parameterCount: task.network.parameterCount, trainExamples: objective.exampleCount, testExamples: testExamples,
            diagnostics: result.lastDiagnostics.filter { $0.value.isFinite }, resumedFromStep: state?.step, runDirectory: directory?.url.path)
        return TrainingOutcome(report: report, parameters: parameters.elements.map { Double($0) })
    }
}

/// What ``TrainingSession/execute()`` returns.
public struct TrainingOutcome: Sendable {
    /// The report (`--json`'s object).
    public var report: TrainingReport
    /// The trained parameters in the network's flat order (PyTorch's `parameters_to_vector`).
    public var parameters: [Double]
}
