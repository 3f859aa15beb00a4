import Foundation
import Testing

@testable import NGCLI
import NaturalGradient

/// A tiny run of the K-FAC benchmark: the figures must be consistent with each other and the
/// JSON must carry the documented keys. (The speed targets are checked by running `natgrad
/// bench`, not here.)
@Suite("natgrad bench: K-FAC")
struct BenchKFACTests {
    @Test("the K-FAC step and race entries are consistent and carry the documented keys")
    func tinyRun() throws {
        let benchmark = KFACBenchmark(batch: 40, repetitions: 1, learningRate: 1e-3, seed: 3, race: true, adamSteps: 2, kfacMaxSteps: 2)
        let result = try benchmark.run()
        let step = result.kfacStep
        #expect(step.batch == 40 && step.inverseUpdateInterval == 10)
        #expect(step.sgdStepSecondsMedian > 0 && step.kfacStepSecondsMedian > 0)
        #expect(Swift.abs(step.ratio - step.kfacStepSecondsMedian / step.sgdStepSecondsMedian) < 1e-12)
        let parts = step.parts
        let named = [parts.evaluationSeconds, parts.statisticsSeconds, parts.inversesSeconds, parts.preconditioningSeconds]
        #expect(named.allSatisfy { $0 > 0 } && parts.stepRuleSeconds >= 0 && parts.restSeconds >= 0)
        #expect(parts.totalSeconds >= named.reduce(0, +))
        // The autoencoder's Σ fan-in·fan-out = 2,833,000 (784·1000 + 1000·500 + 500·250 + 250·30,
        // mirrored); forward 2·B·Σ, backward 4·B·Σ less the first layer's input gradient.
        #expect(step.flops.evaluation == 6 * 40 * 2_833_000 - 2 * 40 * 784_000)
        #expect(step.statisticsExamples >= 1 && step.statisticsExamples <= 40)

        let race = try #require(result.kfacRace)
        #expect(race.adamSteps == 2 && race.adamLoss.isFinite && race.adamSeconds > 0 && race.adamLearningRate == 1e-3)
        #expect(race.kfacStepsRun >= 1 && race.kfacStepsRun <= 2 && race.kfacFinalLoss.isFinite)
        if let steps = race.kfacStepsToAdamLoss, let seconds = race.kfacSecondsToAdamLoss, let ratio = race.timeRatio {
            #expect(steps >= 1 && steps <= race.kfacStepsRun && seconds > 0)
            #expect(Swift.abs(ratio - seconds / race.adamSeconds) < 1e-12)
        } else {
            #expect(race.kfacStepsToAdamLoss == nil && race.timeRatio == nil && race.kfacFinalLoss > race.adamLoss)
        }

        let object = try #require(JSONSerialization.jsonObject(with: Data(try JSONOutput.string(result).utf8)) as? [String: Any])
        let stepObject = try #require(object["kfac_step"] as? [String: Any])
        for key in ["sgd_step_seconds_median", "kfac_step_seconds_median", "ratio", "parts", "flops", "statistics_examples"] {
            #expect(stepObject[key] != nil, "kfac_step lacks \(key)")
        }
        let raceObject = try #require(object["kfac_race"] as? [String: Any])
        for key in ["adam_steps", "adam_loss", "adam_seconds", "kfac_steps_to_adam_loss", "kfac_seconds_to_adam_loss", "time_ratio"] {
            #expect(raceObject[key] != nil, "kfac_race lacks \(key)")
        }
        #expect(benchmark.tableLines(result).count >= 5)
    }

    @Test("natgrad train's kfac on the autoencoder: the quadratic model, λ₀ = 3·10⁻³, statistics and model on a quarter of the batch")
    func autoencoderDefaults() throws {
        var context = OptimizerContext(
            family: .autoencoder, parameterCount: 10, exampleCount: 5000, outputCount: 784, batchSize: 1000, steps: 1, seed: 0)
        let standard = try #require(try OptimizerRegistry.make("kfac", context: context, as: Float.self).base as? KFAC<Float>)
        #expect(standard.settings.stepRule == .quadraticModel && standard.settings.dampingAdaptation != nil)
        #expect(standard.settings.damping == Float(3e-3) && standard.settings.inverseUpdateInterval == 10)
        #expect(standard.settings.statisticsExampleLimit == 250 && standard.settings.modelExampleLimit == 250)
        context.learningRate = 0.01
        context.batchSize = 30
        let fixed = try #require(try OptimizerRegistry.make("kfac", context: context, as: Float.self).base as? KFAC<Float>)
        #expect(fixed.settings.stepRule == .fixed(learningRate: 0.01, momentum: 0.9) && fixed.settings.dampingAdaptation == nil)
        #expect(fixed.settings.statisticsExampleLimit == 8 && fixed.settings.modelExampleLimit == 8)
        // Other networks keep the whole batch.
        let mlp = OptimizerContext(family: .multilayerPerceptron, parameterCount: 10, exampleCount: 500, outputCount: 10, batchSize: 500, steps: 1, seed: 0)
        let other = try #require(try OptimizerRegistry.make("kfac", context: mlp, as: Float.self).base as? KFAC<Float>)
        #expect(other.settings.statisticsExampleLimit == nil && other.settings.modelExampleLimit == nil && other.settings.damping == Float(1e-2))
    }

    @Test("bad sizes are errors")
    func validation() {
        #expect(throws: (any Error).self) { try KFACBenchmark(batch: 0, race: false).run() }
        #expect(throws: (any Error).self) { try KFACBenchmark(batch: 10, repetitions: 1, race: true, adamSteps: 0).run() }
    }
}
