import NGData
import NGLinearAlgebra
import NGOptimizers
import NGRandom

/// Runs any ``Optimizer`` on an ``Objective`` for a number of steps over seeded minibatches,
/// recording the full-data objective, the test metrics and the step times, and stopping cleanly
/// on non-finite values and on interrupts.
///
/// Step s (1-based) uses minibatch s − 1 of ``Minibatches`` (shuffled each epoch, a last short
/// batch dropped so that every step sees ``TrainerSettings/batchSize`` examples) — a pure
/// function of the seed and s, so a resumed run continues with the batches of the original one.
/// A batch size of at least N gives full-batch steps.
///
/// **History.** At step 0, every ``TrainerSettings/recordInterval`` steps and at the last step
/// the trainer evaluates J(θ) on the whole training set (in chunks) and the test metrics; these
/// evaluations are excluded from the training time, which sums the step times only.
///
/// **Non-finite values.** After each step the parameters are checked, and the batch loss the
/// next step reports (J at the parameters it starts from) confirms the previous parameters. Step
/// k "produces non-finite values" when its parameters contain NaN/∞ or their loss is not finite;
/// the run then stops with ``TrainingError/nonFinite(step:lastGoodStep:detail:result:)``,
/// `parameters` reset to the last parameters whose loss was finite, which also go to the
/// checkpoint writer (reason ``CheckpointReason/lastGood``).
///
/// **Interrupts.** After every step ``stopRequested`` is polled (by default the SIGINT flag of
/// ``TrainingInterrupt``); when it returns true the step just finished is recorded and saved and
/// the run returns with ``StopReason/interrupted``.
public struct Trainer<O: Objective> {
    public typealias Scalar = O.Scalar

    /// The objective being minimized (its full-data value is what the history records).
    public let objective: O
    /// Steps, batches, record and checkpoint intervals.
    public let settings: TrainerSettings
    /// Test metrics at a parameter vector (nil result when there is no test split).
    public var testEvaluation: ((Vector<Scalar>) throws -> EvaluationMetrics?)?
    /// Saves a snapshot (to disk, atomically); called periodically, at the end, on interrupts and
    /// with the last good parameters after a non-finite step.
    public var checkpointWriter: ((TrainingSnapshot<Scalar>) throws -> Void)?
    /// Called after every step (progress bars).
    public var onStep: ((TrainingProgress) -> Void)?
    /// Polled after every step; true stops the run cleanly.
    public var stopRequested: () -> Bool = { TrainingInterrupt.isRequested }

    public init(objective: O, settings: TrainerSettings) {
        self.objective = objective
        self.settings = settings
    }

    /// The batch of step `step` (1-based).
    public func batch(forStep step: Int) -> Batch {
        let count = objective.exampleCount
        guard settings.batchSize < count else { return .all }
        let minibatches = Minibatches(count: count, batchSize: settings.batchSize, shuffle: true, dropLast: true, generator: SeededGenerator(seed: settings.seed))
        let index = step - 1
        let perEpoch = minibatches.batchesPerEpoch
        return .examples(minibatches.batches(epoch: index / perEpoch)[index % perEpoch])
    }

    /// J(θ) on the whole training set, evaluated in chunks of ``TrainerSettings/evaluationChunkSize``
    /// examples (each chunk's mean loss plus the penalty, weighted by its share of N).
    public func fullObjective(at parameters: Vector<Scalar>) throws -> Double {
        let count = objective.exampleCount
        let chunk = settings.evaluationChunkSize
        guard count > chunk else { return Double(try objective.loss(at: parameters, batch: .all)) }
        var total = 0.0
        var start = 0
        while start < count {
            let end = min(start + chunk, count)
            total += Double(try objective.loss(at: parameters, batch: .examples(Array(start..<end)))) * Double(end - start)
            start = end
        }
        return total / Double(count)
    }

    /// Runs from `parameters` (updated in place) up to ``TrainerSettings/steps`` steps.
    ///
    /// - Parameters:
    ///   - optimizer: the update rule; its state advances.
    ///   - parameters: θ at the start (at step `resuming.step`); θ at the end.
    ///   - resuming: the state of an earlier, interrupted run to continue (its step count,
    ///     training time and history); nil to start at step 0.
    /// - Returns: the history, step times and why the run ended.
    /// - Throws: ``TrainingError/nonFinite(step:lastGoodStep:detail:result:)`` (with
    ///   `parameters` reset to the last good ones), the checkpoint writer's errors, and errors of
    ///   the optimizer and objective.
    public func run<Opt: Optimizer>(
        _ optimizer: inout Opt, parameters: inout Vector<Scalar>, resuming: TrainingState? = nil
    ) throws -> TrainingResult where Opt.Scalar == Scalar {
        let clock = ContinuousClock()
        let sessionStart = clock.now
        var state = resuming ?? TrainingState()
        var stepSeconds = [Double]()
        stepSeconds.reserveCapacity(max(settings.steps - state.step, 0))
        var diagnostics = [String: Double]()
        // The last parameters known to be finite with a finite loss, and their step.
        var lastGood = parameters
        var lastGoodStep = state.step

        func result(_ reason: StopReason) -> TrainingResult {
            TrainingResult(
                state: state, stepSeconds: stepSeconds, wallSeconds: (clock.now - sessionStart).inSeconds, stopReason: reason,
                lastDiagnostics: diagnostics)
        }
        func stop(failingStep: Int, _ detail: String) throws -> Never {
            parameters = lastGood
            state.history.removeAll { $0.step > lastGoodStep }
            state.step = lastGoodStep
            try checkpointWriter?(TrainingSnapshot(parameters: lastGood, state: state, reason: .lastGood))
            throw TrainingError.nonFinite(step: failingStep, lastGoodStep: lastGoodStep, detail: detail, result: result(.completed))
        }
        func record() throws {
            guard state.history.last?.step != state.step else { return }
            let loss = try fullObjective(at: parameters)
            guard loss.isFinite else { try stop(failingStep: state.step, "parameters whose training loss is \(loss)") }
            if state.step > lastGoodStep {
                lastGood = parameters
                lastGoodStep = state.step
            }
            let test = try testEvaluation?(parameters)
            state.history.append(HistoryEntry(step: state.step, seconds: state.seconds, loss: loss, testLoss: test?.loss, testAccuracy: test?.accuracy))
        }

        guard parameters.isFinite else { try stop(failingStep: state.step, "non-finite starting parameters") }
        try record()
        while state.step < settings.steps {
            let step = state.step + 1
            let start = clock.now
            let before = parameters
            let report: StepReport
            do {
                report = try optimizer.step(&parameters, objective: objective, batch: batch(forStep: step))
            } catch OptimizerError.nonFinite(let message) {
                parameters = before
                try stop(failingStep: step - 1, "a non-finite loss or gradient (\(message))")
            }
            let elapsed = (clock.now - start).inSeconds
            // The batch loss is J at the parameters this step started from.
            guard report.loss.isFinite else { try stop(failingStep: step - 1, "parameters whose batch loss is \(report.loss)") }
            if step - 1 > lastGoodStep {
                lastGood = before
                lastGoodStep = step - 1
            }
            guard parameters.isFinite else { try stop(failingStep: step, "non-finite parameters") }
            stepSeconds.append(elapsed)
            state.seconds += elapsed
            state.step = step
            diagnostics = report.diagnostics
            onStep?(TrainingProgress(step: step, totalSteps: settings.steps, batchLoss: report.loss, seconds: state.seconds))

            let interrupted = stopRequested()
            if step % settings.recordInterval == 0 || step == settings.steps || interrupted { try record() }
            if interrupted {
                try checkpointWriter?(TrainingSnapshot(parameters: parameters, state: state, reason: .interrupted))
                return result(.interrupted)
            }
            if let interval = settings.checkpointInterval, step % interval == 0, step < settings.steps {
                try checkpointWriter?(TrainingSnapshot(parameters: parameters, state: state, reason: .periodic))
            }
        }
        try record()
        try checkpointWriter?(TrainingSnapshot(parameters: parameters, state: state, reason: .final))
        return result(.completed)
    }
}
