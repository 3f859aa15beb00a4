import Foundation
import NGReport

/// `natgrad experiment landscape`: what GD, natural-gradient descent, Newton's method and Adam
/// do on a loss surface, drawn as contour plots with their paths.
///
/// Three slices: (i) an exact 2-parameter model, a Gaussian N(μ, σ²) in (μ, log σ) on the
/// diabetes targets, where the Fisher diag(1/σ², 2) is far from the identity and from the
/// Hessian (``LandscapeModels/gaussian(data:)``); (ii) an MLP on the digits sliced along two
/// filter-normalized random directions around a trained point, paths projected onto the plane
/// (``LandscapeNetworkSlice``, Li et al. 2018); (iii) the saddle point of the two-parameter deep
/// linear network ŷ = a·b·x (``LandscapeModels/deepLinear(sxx:sxy:syy:)``), where GD crawls,
/// undamped Newton is attracted to the saddle and the damped methods escape.
public enum LandscapeExperiment {
    public static let experiment = Experiment(
        name: "landscape", title: "Loss landscapes and optimizer paths",
        summary: "contour plots with GD, NGD, Newton and Adam paths: an exact 2-parameter model, a network slice, a saddle point",
        run: run)

    /// The sizes of the three parts.
    struct Plan: Sendable {
        var exactSteps: Int
        var exactGrid: Int
        var slice: LandscapeNetworkSlice
        var saddleSteps: Int
        var saddleGrid: Int

        static func make(_ settings: ExperimentSettings) -> Plan {
            settings.size(
                full: Plan(
                    exactSteps: 60, exactGrid: 61,
                    slice: LandscapeNetworkSlice(
                        hidden: [12], exampleCount: 300, pretrainSteps: 300, steps: 20, gridCount: 31, extent: 1, start: (0.7, 0.6)),
                    saddleSteps: 100, saddleGrid: 61),
                smoke: Plan(
                    exactSteps: 5, exactGrid: 9,
                    slice: LandscapeNetworkSlice(hidden: [3], exampleCount: 40, pretrainSteps: 3, steps: 2, gridCount: 5, extent: 1, start: (0.7, 0.6)),
                    saddleSteps: 8, saddleGrid: 9))
        }
    }

    static func run(_ settings: ExperimentSettings) throws -> ReportSection {
        let started = Date()
        let clock = ContinuousClock.now
        let plan = Plan.make(settings)
        settings.progress("landscape (i): Gaussian in (μ, log σ) on the diabetes targets")
        let (gaussian, optimum, gaussianObjective) = try LandscapeExactStudies.gaussian(steps: plan.exactSteps, gridCount: plan.exactGrid)
        let slice = try plan.slice.run(seed: settings.seed, progress: settings.progress)
        settings.progress("landscape (iii): deep-linear saddle")
        let (saddle, moments) = try LandscapeExactStudies.saddle(seed: settings.seed, steps: plan.saddleSteps, gridCount: plan.saddleGrid)
        let s = plan.slice
        let configuration: [String: String] = [
            "scale": settings.scale.rawValue,
            "exact.model": "Gaussian N(μ, e^{2s}) on diabetes targets / 100, start (μ* − 1.2, s* − 0.6)",
            "exact.steps": "\(plan.exactSteps)", "exact.grid": "\(plan.exactGrid)",
            "exact.optimizers": "gd α 0.05; ngd exact Fisher α 0.5 λ 0; newton damped (LM, λ₀ 1e-3); newton undamped; adam α 0.05",
            "slice.model": "mlp:64-\(s.hidden.map(String.init).joined(separator: "-"))-10 tanh float64 on \(s.exampleCount) digits",
            "slice.pretrain": "\(s.pretrainSteps) full-batch adam steps, α 0.01", "slice.steps": "\(s.steps)",
            "slice.grid": "\(s.gridCount)×\(s.gridCount) over [−\(s.extent), \(s.extent)]²", "slice.start": "(\(s.start.alpha), \(s.start.beta))",
            "slice.directions": "Gaussian, filter-normalized (Li et al. 2018), bias directions zero",
            "slice.optimizers": "registry sgd α 0.5, ngd α 1, newton, adam α 0.01; full batch",
            "saddle.model": "ŷ = a·b·x, x ~ N(0,1), y = 2x + 0.5ε, 200 points",
            "saddle.start": "0.2 along (1,−1)/√2 + 1e-3 along (1,1)/√2", "saddle.steps": "\(plan.saddleSteps)",
            "saddle.optimizers": "gd α 0.1; ngd α 1 λ 0.1; newton damped (LM); newton undamped; adam α 0.05",
        ]
        let record = RunRecord(
            command: settings.command, seed: settings.seed, configuration: configuration, started: started,
            seconds: clock.elapsedSeconds)
        return LandscapeSectionBuilder(
            gaussian: gaussian, optimum: optimum, gaussianObjective: gaussianObjective, slice: slice, saddle: saddle, moments: moments, plan: plan
        ).section(record: record)
    }
}
