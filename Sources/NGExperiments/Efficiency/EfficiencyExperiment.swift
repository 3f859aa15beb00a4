import Foundation
import NGReport
import NGTraining

/// `natgrad experiment efficiency`: how the time and memory of a step of every optimizer grow
/// with the model, and where exact natural-gradient descent (a dense P×P Fisher: O(P²·N) to form,
/// O(P³) to factor) stops being affordable and K-FAC (O(Σ n³) for its layer factors) takes over.
///
/// ``EfficiencyBenchmark`` times the registry's optimizers on MLPs 64 → w → 10 on the digits for
/// a geometric series of widths; ``TimingPowerLaw`` fits each optimizer's growth exponent k in
/// time per step ∝ P^k (least squares on log time against log P).
public enum EfficiencyExperiment {
    public static let experiment = Experiment(
        name: "efficiency", title: "Time and memory per step as the model grows",
        summary: "time and memory per step of every optimizer against parameter count, with fitted growth exponents",
        run: run)

    static func benchmark(_ settings: ExperimentSettings) -> EfficiencyBenchmark {
        settings.size(
            full: EfficiencyBenchmark(
                widths: [4, 8, 16, 32, 64, 128, 256, 512], optimizers: OptimizerRegistry.names, exampleCount: 1797, batchSize: 256,
                warmupSteps: 2, timedSteps: 9, stepBudgetSeconds: 2),
            smoke: EfficiencyBenchmark(
                widths: [2, 4], optimizers: OptimizerRegistry.names, exampleCount: 64, batchSize: 16, warmupSteps: 1, timedSteps: 2,
                stepBudgetSeconds: 60))
    }

    static func run(_ settings: ExperimentSettings) throws -> ReportSection {
        let started = Date()
        let clock = ContinuousClock.now
        let benchmark = benchmark(settings)
        let measurements = try benchmark.run(seed: settings.seed, progress: settings.progress)
        let configuration: [String: String] = [
            "scale": settings.scale.rawValue, "model": "mlp:64-w-10 tanh, float32, digits",
            "widths": benchmark.widths.map(String.init).joined(separator: ","),
            "optimizers": benchmark.optimizers.joined(separator: ","), "examples": "\(benchmark.exampleCount)",
            "batch": "\(benchmark.batchSize)", "warmup_steps": "\(benchmark.warmupSteps)", "timed_steps": "\(benchmark.timedSteps)",
            "step_budget_seconds": "\(benchmark.stepBudgetSeconds)",
            "dense_parameter_limit": "\(OptimizerRegistry.denseCurvatureParameterLimit)",
            "hyperparameters": "OptimizerRegistry defaults for an mlp",
            "memory": "VmHWM − VmRSS after malloc_trim and a clear_refs reset, per run",
        ]
        let record = RunRecord(
            command: settings.command, seed: settings.seed, configuration: configuration, started: started,
            seconds: clock.elapsedSeconds)
        return EfficiencySectionBuilder(benchmark: benchmark, measurements: measurements).section(record: record)
    }
}
