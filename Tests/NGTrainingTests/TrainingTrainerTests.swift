import Foundation
import NGData
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGTestSupport
import Testing

@testable import NGTraining

/// An optimizer that takes SGD steps and, at one chosen step, writes a chosen value into θ —
/// to check the trainer's non-finite handling step by step.
struct SabotagedSGD: Optimizer {
    typealias Scalar = Double
    var name: String { "sabotaged" }
    var inner = try! FirstOrder.sgd(learningRate: 0.05, as: Double.self)
    let badStep: Int
    let value: Double
    var taken = 0

    mutating func step<O: Objective>(_ parameters: inout Vector<Double>, objective: O, batch: Batch) throws -> StepReport where O.Scalar == Double {
        let report = try inner.step(&parameters, objective: objective, batch: batch)
        taken += 1
        if taken == badStep { parameters[0] = value }
        return report
    }
}

/// The training loop: reproducibility, the batch schedule, the history's cadence and values,
/// non-finite stops, interrupts and resumption.
@Suite struct TrainingTrainerTests {
    let dataset = try! TrainingFixtures.regression(examples: 40, features: 3)

    func trainer(steps: Int, batch: Int, recordInterval: Int = 10, seed: UInt64 = 7) throws -> Trainer<NetworkObjective<Double, GaussianLikelihood<Double>>> {
        Trainer(objective: try TrainingFixtures.linearObjective(dataset, l2: 0.01),
                settings: try TrainerSettings(steps: steps, batchSize: batch, seed: seed, recordInterval: recordInterval, checkpointInterval: nil))
    }

    @Test func aSeededRunIsReproducible() throws {
        func run(seed: UInt64) throws -> (Vector<Double>, [HistoryEntry]) {
            var trainer = try trainer(steps: 25, batch: 8, seed: seed)
            trainer.stopRequested = { false }
            var optimizer = try FirstOrder.adam(learningRate: 0.05, as: Double.self)
            var parameters = Vector<Double>(count: 4)
            let result = try trainer.run(&optimizer, parameters: &parameters)
            return (parameters, result.state.history)
        }
        let (first, firstHistory) = try run(seed: 7)
        let (second, secondHistory) = try run(seed: 7)
        #expect(first == second)
        #expect(TrainingFixtures.losses(firstHistory) == TrainingFixtures.losses(secondHistory))
        let (other, _) = try run(seed: 8)
        #expect(other != first)
    }

    @Test func historyIsRecordedAtStartEveryIntervalAndAtTheEnd() throws {
        for (steps, interval, expected) in [(23, 10, [0, 10, 20, 23]), (7, 3, [0, 3, 6, 7]), (10, 10, [0, 10])] {
            var trainer = try trainer(steps: steps, batch: 40, recordInterval: interval)
            trainer.stopRequested = { false }
            var optimizer = try FirstOrder.sgd(learningRate: 0.1, as: Double.self)
            var parameters = Vector<Double>(count: 4)
            let result = try trainer.run(&optimizer, parameters: &parameters)
            #expect(result.state.history.map(\.step) == expected)
            #expect(result.stepSeconds.count == steps && result.stepSeconds.allSatisfy { $0 >= 0 })
            #expect(zip(result.state.history, result.state.history.dropFirst()).allSatisfy { $0.seconds <= $1.seconds })
            #expect(result.state.history.last!.seconds == result.state.seconds)
            #expect(result.loss == result.state.history.last!.loss)
        }
        #expect(throws: TrainingError.self) { try TrainerSettings(steps: 5, batchSize: 1, recordInterval: 11) }
        #expect(throws: TrainingError.self) { try TrainerSettings(steps: 0, batchSize: 1) }
        #expect(throws: TrainingError.self) { try TrainerSettings(steps: 1, batchSize: 0) }
    }

    /// Full batch at B ≥ N; otherwise each epoch's batches are B distinct examples, disjoint, the
    /// same for the same seed and step in any trainer.
    @Test func batchScheduleIsAFunctionOfSeedAndStep() throws {
        #expect(try trainer(steps: 5, batch: 40).batch(forStep: 3) == .all)
        #expect(try trainer(steps: 5, batch: 100).batch(forStep: 1) == .all)
        let trainer = try trainer(steps: 50, batch: 12)
        var seen = Set<Int>()
        for step in 1...3 {  // one epoch: ⌊40/12⌋ = 3 batches
            guard case let .examples(indices) = trainer.batch(forStep: step) else { Issue.record("step \(step) is full-batch"); return }
            #expect(indices.count == 12 && Set(indices).count == 12 && indices.allSatisfy { (0..<40).contains($0) })
            #expect(seen.isDisjoint(with: indices))
            seen.formUnion(indices)
        }
        #expect(try self.trainer(steps: 9, batch: 12).batch(forStep: 5) == trainer.batch(forStep: 5))
        #expect(try self.trainer(steps: 9, batch: 12, seed: 99).batch(forStep: 5) != trainer.batch(forStep: 5))
    }

    /// The recorded loss is J on the whole training set: computed in chunks it matches the
    /// objective at once and an independent loop ½·mean(r²) + (λ₂/2)·‖w‖² (bias unpenalized).
    @Test func recordedLossIsTheFullObjectiveWithItsPenalty() throws {
        let objective = try TrainingFixtures.linearObjective(dataset, l2: 0.3)
        let parameters = Vector<Double>([0.4, -1.2, 2.0, 0.7])
        var naive = 0.0
        for i in 0..<dataset.count {
            let prediction = (0..<3).reduce(parameters[3]) { $0 + parameters[$1] * dataset.features[i, $1] }
            naive += 0.5 * (prediction - dataset.values![i]) * (prediction - dataset.values![i])
        }
        naive = naive / Double(dataset.count) + 0.15 * (0.16 + 1.44 + 4.0)
        let chunked = Trainer(objective: objective, settings: try TrainerSettings(steps: 1, batchSize: 1, evaluationChunkSize: 7))
        #expect(Swift.abs(try chunked.fullObjective(at: parameters) - naive) < 1e-12 * naive)
        #expect(Swift.abs(Double(try objective.loss(at: parameters, batch: .all)) - naive) < 1e-12 * naive)
    }

    /// θ set to NaN by step 5: the run stops naming step 5 and keeps step 4's parameters (also
    /// handed to the checkpoint writer); an overflowing θ (finite, infinite loss) at step 6 is
    /// caught by the next step's loss and reported as step 6.
    @Test(arguments: [(Double.nan, 5), (1e200, 6)])
    func nonFiniteStepsStopWithTheLastGoodParameters(value: Double, badStep: Int) throws {
        var trainer = try trainer(steps: 30, batch: 40)
        trainer.stopRequested = { false }
        var snapshots = [TrainingSnapshot<Double>]()
        trainer.checkpointWriter = { snapshots.append($0) }
        // The parameters after each step of an undisturbed run.
        var reference = [Vector<Double>(count: 4)]
        var sgd = try FirstOrder.sgd(learningRate: 0.05, as: Double.self)
        for _ in 0..<badStep {
            var next = reference.last!
            _ = try sgd.step(&next, objective: trainer.objective, batch: .all)
            reference.append(next)
        }
        var optimizer = SabotagedSGD(badStep: badStep, value: value)
        var parameters = Vector<Double>(count: 4)
        do {
            _ = try trainer.run(&optimizer, parameters: &parameters)
            Issue.record("the run did not stop")
        } catch let TrainingError.nonFinite(step, lastGoodStep, detail, result) {
            #expect(step == badStep && lastGoodStep == badStep - 1, "\(detail)")
            #expect(parameters == reference[badStep - 1])
            #expect(result.state.step == badStep - 1 && result.state.history.allSatisfy { $0.step <= badStep - 1 })
            let snapshot = try #require(snapshots.last)
            #expect(snapshot.reason == .lastGood && snapshot.state.step == badStep - 1 && snapshot.parameters == reference[badStep - 1])
            #expect("\(TrainingError.nonFinite(step: step, lastGoodStep: lastGoodStep, detail: detail, result: result))".contains("step \(badStep)"))
        }
    }

    /// A huge learning rate on linear regression with large features diverges to NaN/∞; the
    /// run stops with finite parameters whose loss is finite.
    @Test func divergingRegressionStops() throws {
        let wide = try TrainingFixtures.regression(examples: 30, features: 3, scale: 30)
        var trainer = Trainer(objective: try TrainingFixtures.linearObjective(wide), settings: try TrainerSettings(steps: 500, batchSize: 30))
        trainer.stopRequested = { false }
        var optimizer = try FirstOrder.sgd(learningRate: 1, as: Double.self)
        var parameters = Vector<Double>(count: 4)
        #expect {
            _ = try trainer.run(&optimizer, parameters: &parameters)
        } throws: { error in
            guard case let TrainingError.nonFinite(step, lastGoodStep, _, _) = error else { return false }
            return step > 1 && step < 500 && lastGoodStep < step
        }
        #expect(parameters.isFinite)
        #expect(try trainer.objective.loss(at: parameters, batch: .all).isFinite)
    }

    /// An interrupt after step 7 records and saves step 7; resuming from that state reaches the
    /// same parameters and history as an uninterrupted run (SGD has no state to lose).
    @Test func interruptAndResumeContinueTheSameRun() throws {
        var full = try trainer(steps: 20, batch: 8, recordInterval: 5)
        full.stopRequested = { false }
        var sgd = try FirstOrder.sgd(learningRate: 0.05, as: Double.self)
        var straight = Vector<Double>(count: 4)
        let straightResult = try full.run(&sgd, parameters: &straight)

        var interrupted = try trainer(steps: 20, batch: 8, recordInterval: 5)
        var polls = 0
        interrupted.stopRequested = {
            polls += 1
            return polls == 7
        }
        var snapshots = [TrainingSnapshot<Double>]()
        interrupted.checkpointWriter = { snapshots.append($0) }
        var first = try FirstOrder.sgd(learningRate: 0.05, as: Double.self)
        var parameters = Vector<Double>(count: 4)
        let partial = try interrupted.run(&first, parameters: &parameters)
        #expect(partial.stopReason == .interrupted && partial.state.step == 7)
        #expect(partial.state.history.map(\.step) == [0, 5, 7])
        #expect(snapshots.map(\.reason) == [.interrupted] && snapshots[0].parameters == parameters)

        var resumed = try trainer(steps: 20, batch: 8, recordInterval: 5)
        resumed.stopRequested = { false }
        var second = try FirstOrder.sgd(learningRate: 0.05, as: Double.self)
        let final = try resumed.run(&second, parameters: &parameters, resuming: snapshots[0].state)
        #expect(final.stopReason == .completed && final.state.step == 20 && final.stepSeconds.count == 13)
        #expect(parameters == straight)
        #expect(final.state.history.map(\.step) == [0, 5, 7, 10, 15, 20])
        let common = final.state.history.filter { $0.step != 7 }
        #expect(TrainingFixtures.losses(common) == TrainingFixtures.losses(straightResult.state.history))
    }

    @Test func medianAndPeakMemory() {
        func median(_ values: [Double]) -> Double {
            TrainingResult(state: TrainingState(), stepSeconds: values, wallSeconds: 0, stopReason: .completed, lastDiagnostics: [:]).medianStepSeconds
        }
        #expect(median([3, 1, 2]) == 2 && median([4, 1, 3, 2]) == 2.5 && median([]) == 0)
        #expect(PeakMemory.parse(status: "Name:\tx\nVmPeak:\t  900 kB\nVmHWM:\t    1234 kB\nVmRSS:\t 1000 kB\n") == 1234 * 1024)
        #expect(PeakMemory.parse(status: "Name: x\n") == nil)
        #if os(Linux)
        #expect((PeakMemory.bytes() ?? 0) > 1 << 20)
        #endif
    }
}
