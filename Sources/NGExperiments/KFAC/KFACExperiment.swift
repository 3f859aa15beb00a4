import Foundation
import NGReport

/// `natgrad experiment kfac`: how good is K-FAC's approximation of the natural gradient, how does
/// it compare with SGD, Adam and Shampoo, and what do its damping, inverse-update interval and
/// curvature decay do?
///
/// Three parts (Martens & Grosse 2015, "Optimizing neural networks with Kronecker-factored
/// approximate curvature"):
/// (a) ``KFACFidelityStudy`` — on a Float64 MLP on the digits small enough for the dense exact
///     Fisher, the cosine between K-FAC's and the exact natural-gradient direction and the
///     relative error of K-FAC's matrix, through a K-FAC training run;
/// (b) ``KFACBaselineComparison`` — K-FAC against SGD, Adam and Shampoo on the deep autoencoder
///     (MNIST-5k), loss against steps and against seconds;
/// (c) ``KFACHyperparameterSweep`` — λ, T₂ and ε_max one at a time on a digits MLP: final loss
///     and time per step.
public enum KFACExperiment {
    public static let experiment = Experiment(
        name: "kfac", title: "K-FAC against the exact natural gradient and against first-order methods",
        summary: "K-FAC's direction vs exact NGD, K-FAC vs SGD/Adam/Shampoo on the autoencoder, damping/T₂/decay sweeps",
        run: run)

    /// The sizes of each part at full and smoke scale.
    struct Plan: Sendable {
        var fidelity: KFACFidelityStudy
        var baselines: KFACBaselineComparison
        var sweep: KFACHyperparameterSweep

        static func make(_ settings: ExperimentSettings) -> Plan {
            Plan(
                fidelity: settings.size(
                    full: KFACFidelityStudy(
                        hidden: [8, 8], exampleCount: 1000, measurementCount: 500, batchSize: 256, steps: 200, measureInterval: 10,
                        dampings: [1e-3, 1e-2, 1e-1]),
                    smoke: KFACFidelityStudy(
                        hidden: [3], exampleCount: 60, measurementCount: 30, batchSize: 20, steps: 4, measureInterval: 2, dampings: [1e-2])),
                baselines: settings.size(
                    full: KFACBaselineComparison(
                        data: "mnist5k", model: "autoencoder", optimizers: ["sgd", "adam", "shampoo", "kfac"], steps: 100, recordInterval: 10),
                    smoke: KFACBaselineComparison(
                        data: "digits", model: "mlp:64-4-10", optimizers: ["sgd", "adam", "shampoo", "kfac"], steps: 3, recordInterval: 1)),
                sweep: settings.size(
                    full: KFACHyperparameterSweep(
                        hidden: [32, 32], exampleCount: 1797, batchSize: 256, steps: 300, dampings: [1e-4, 1e-3, 1e-2, 1e-1, 1],
                        inverseUpdateIntervals: [1, 3, 10, 30, 100], curvatureDecays: [0, 0.5, 0.9, 0.95, 0.99]),
                    smoke: KFACHyperparameterSweep(
                        hidden: [4], exampleCount: 100, batchSize: 32, steps: 3, dampings: [1e-2, 1], inverseUpdateIntervals: [1, 5],
                        curvatureDecays: [0, 0.95])))
        }

        /// Every knob, for the run record.
        var configuration: [String: String] {
            func list<T>(_ values: [T]) -> String { values.map { "\($0)" }.joined(separator: ",") }
            return [
                "fidelity.model": "mlp:64-\(list(fidelity.hidden).replacingOccurrences(of: ",", with: "-"))-10 tanh float64 on digits",
                "fidelity.examples": "\(fidelity.exampleCount)", "fidelity.measurement_examples": "\(fidelity.measurementCount)",
                "fidelity.batch": "\(fidelity.batchSize)", "fidelity.steps": "\(fidelity.steps)",
                "fidelity.measure_interval": "\(fidelity.measureInterval)", "fidelity.dampings": list(fidelity.dampings),
                "fidelity.optimizer": "kfac (quadratic-model α, μ; Levenberg–Marquardt λ from 1e-2; T₂ = 10; decay 0.95)",
                "baselines.data": baselines.data, "baselines.model": baselines.model, "baselines.optimizers": list(baselines.optimizers),
                "baselines.steps": "\(baselines.steps)", "baselines.record_interval": "\(baselines.recordInterval)",
                "baselines.hyperparameters": "OptimizerRegistry defaults for the model family",
                "sweep.model": "mlp:64-\(list(sweep.hidden).replacingOccurrences(of: ",", with: "-"))-10 tanh float32 on digits",
                "sweep.examples": "\(sweep.exampleCount)", "sweep.batch": "\(sweep.batchSize)", "sweep.steps": "\(sweep.steps)",
                "sweep.base": "λ \(sweep.baseDamping) fixed, T₂ \(sweep.baseInverseUpdateInterval), decay \(sweep.baseCurvatureDecay), quadratic-model α, μ",
                "sweep.dampings": list(sweep.dampings), "sweep.inverse_update_intervals": list(sweep.inverseUpdateIntervals),
                "sweep.curvature_decays": list(sweep.curvatureDecays),
            ]
        }
    }

    static func run(_ settings: ExperimentSettings) throws -> ReportSection {
        let started = Date()
        let clock = ContinuousClock.now
        let plan = Plan.make(settings)
        let fidelity = try plan.fidelity.run(seed: settings.seed, progress: settings.progress)
        let baselines = try plan.baselines.run(seed: settings.seed, progress: settings.progress)
        let sweep = try plan.sweep.run(seed: settings.seed, progress: settings.progress)
        let record = RunRecord(
            command: settings.command, seed: settings.seed, configuration: plan.configuration.merging(["scale": settings.scale.rawValue]) { $1 },
            started: started, seconds: clock.elapsedSeconds)
        return KFACSectionBuilder(plan: plan, fidelity: fidelity, baselines: baselines, sweep: sweep).section(record: record)
    }
}
