import Foundation
import NGLinearAlgebra
import NGOptimizers
import NGRandom
import NGReport

/// `natgrad experiment approximation`: for a small MLP in Float64, every curvature
/// approximation's distance from the exact Fisher — as a matrix (relative Frobenius error) and as
/// a preconditioner (cosine of its damped natural-gradient direction with the exact one) — at
/// initialization and after training.
public enum ApproximationExperiment {
    public static let experiment = Experiment(
        name: "approximation", title: "How good is each Fisher approximation?",
        summary: "relative error and natural-gradient cosine of diagonal, block, K-FAC, EKFAC, low-rank, Neumann, empirical and MC Fisher"
    ) { settings in try run(settings) }

    /// The sizes of one run.
    public struct Configuration: Sendable {
        /// Digits examples.
        public var examples: Int
        /// The MLP's hidden widths (64 → hidden… → 10).
        public var hidden: [Int]
        /// NGD steps to the "trained" point.
        public var trainingSteps: Int
        /// Low-rank ranks.
        public var ranks: [Int]
        /// Neumann orders.
        public var orders: [Int]
        /// Monte-Carlo label counts.
        public var samples: [Int]
        /// λ = relativeDamping · λmax(F).
        public var relativeDamping: Double

        public static let full = Configuration(
            examples: 1000, hidden: [16, 16], trainingSteps: 20, ranks: [5, 20, 80, 320], orders: [1, 4, 16, 64], samples: [1, 4, 16, 64],
            relativeDamping: 1e-3)
        public static let smoke = Configuration(
            examples: 40, hidden: [4], trainingSteps: 2, ranks: [2, 8], orders: [1, 4], samples: [1, 64], relativeDamping: 1e-3)
    }

    /// The two points' measurements.
    public struct Result: Sendable {
        public var candidates: [ApproximationCandidate]
        public var initialization: ApproximationMeasurement
        public var trained: ApproximationMeasurement
        public var trainingLosses: [Double]
        public var parameterCount: Int
    }

    /// Trains the MLP with exact NGD and measures every candidate before and after.
    /// - Throws: errors of the data, the model, the optimizer and the approximations.
    public static func measure(_ configuration: Configuration, seed: UInt64, progress: (String) -> Void = { _ in }) throws -> Result {
        var generator = SeededGenerator(seed: seed)
        let (objective, start) = try CurvatureProblems.classifier("digits", hidden: configuration.hidden, examples: configuration.examples, seed: generator.next())
        let candidates = ApproximationCandidate.all(ranks: configuration.ranks, orders: configuration.orders, samples: configuration.samples)
        progress("approximation: \(candidates.count) approximations of the \(objective.parameterCount)-parameter MLP at initialization")
        let initialization = try ApproximationMeasurement(
            point: "initialization", objective: objective, parameters: start, candidates: candidates,
            relativeDamping: configuration.relativeDamping, seed: generator.next())
        progress("approximation: training with exact NGD")
        let penalized = try CurvatureProblems.Classifier(network: objective.network, likelihood: objective.likelihood, inputs: objective.inputs, targets: objective.targets, l2: 1e-3)
        let settings = NaturalGradientDescentSettings<Double>(
            learningRate: 1, damping: 1e-2, curvatureDecay: 0, dampingAdaptation: LevenbergMarquardtDamping(interval: 1), klBound: 0.1)
        let ngd = try NaturalGradientDescent(approximation: try ExactCurvatureApproximation<Double>(source: .exact), settings: settings)
        let path = try CurvatureTrainingPath.run(ngd, label: "ngd", objective: penalized, from: start, steps: configuration.trainingSteps)
        progress("approximation: the approximations after training")
        let trained = try ApproximationMeasurement(
            point: "trained", objective: objective, parameters: path.parameters, candidates: candidates,
            relativeDamping: configuration.relativeDamping, seed: generator.next())
        return Result(candidates: candidates, initialization: initialization, trained: trained, trainingLosses: path.losses, parameterCount: objective.parameterCount)
    }

    /// Runs the experiment at the settings' scale and builds its report section.
    /// - Throws: as ``measure(_:seed:progress:)``.
    public static func run(_ settings: ExperimentSettings) throws -> ReportSection {
        let started = Date()
        let configuration = settings.size(full: Configuration.full, smoke: Configuration.smoke)
        let result = try measure(configuration, seed: settings.seed, progress: settings.progress)
        return section(result, configuration: configuration, settings: settings, started: started, seconds: Date().timeIntervalSince(started))
    }

    /// The report section of a measured result (`started` and `seconds` are recorded).
    public static func section(
        _ result: Result, configuration: Configuration, settings: ExperimentSettings, started: Date = Date(), seconds: Double
    ) -> ReportSection {
        let record: [String: String] = [
            "data": "digits (\(configuration.examples) examples, standardized)",
            "model": "MLP " + ([64] + configuration.hidden + [10]).map(String.init).joined(separator: "-") + ", tanh, glorot-uniform",
            "parameters": "\(result.parameterCount)", "precision": "float64", "reference": "exact Fisher of the mean NLL (dense)",
            "damping": "λ = \(configuration.relativeDamping)·λmax(F) at each point",
            "training": "\(configuration.trainingSteps) full-batch steps of exact NGD (λ₀ 1e-2, Levenberg–Marquardt, KL bound 0.1, l2 1e-3)",
            "low_rank": "randomized subspace iteration on exact Fisher products, oversampling 10, 4 iterations, ranks \(configuration.ranks)",
            "neumann": "orders \(configuration.orders), products with the dense exact Fisher, c = 1.05·(Lanczos λmax estimate of F + λI); matrix error of the effective S_K⁻¹ − λI",
            "kfac": "exact expectation in G, exact damping", "ekfac": "exact Fisher, fresh eigenbasis",
            "monte_carlo_samples": "\(configuration.samples)", "scale": settings.scale.rawValue,
        ]
        return ReportSection(
            id: experiment.name, title: experiment.title,
            question: "How far is each practical approximation of the Fisher from the exact one — as a matrix, and as the natural-gradient "
                + "direction it produces — before and after training?",
            findings: findings(result),
            howToRead: "Relative error ‖F̃ − F‖_F/‖F‖_F: 0 is exact, 1 is as far as the zero matrix. The cosine compares the damped directions "
                + "(F̃ + λI)⁻¹g and (F + λI)⁻¹g: 1 is the exact natural gradient's direction, 0 orthogonal. A method can have a large matrix "
                + "error and still a good direction (and vice versa), because the direction weighs the matrix by the gradient. For the Neumann "
                + "series the matrix is the effective S_K⁻¹ − λI of the truncated inverse. Error bars are on a log axis.",
            tables: [table(result)], figures: figures(result),
            record: RunRecord(command: settings.command, seed: settings.seed, configuration: record, started: started, seconds: seconds))
    }

    /// One row per candidate, both points.
    public static func table(_ result: Result) -> Table {
        let rows = result.candidates.map { candidate -> [String] in
            let a = result.initialization.result(candidate)!, b = result.trained.result(candidate)!
            return [
                candidate.name, candidate.family, Table.cell(a.relativeError, digits: 3), Table.cell(a.cosine, digits: 4),
                Table.cell(b.relativeError, digits: 3), Table.cell(b.cosine, digits: 4), Table.cell(Double(a.memoryBytes) / 1024, digits: 3),
            ]
        }
        return Table(
            id: "approximations", title: "Approximation error and natural-gradient cosine against the exact Fisher",
            columns: ["approximation", "family", "rel. error (init)", "cosine (init)", "rel. error (trained)", "cosine (trained)", "memory (KiB)"],
            rows: rows,
            note: "P = \(result.parameterCount); λ = \(Table.cell(result.initialization.damping, digits: 3)) at initialization and "
                + "\(Table.cell(result.trained.damping, digits: 3)) after training (10⁻³·λmax(F)). Memory as held by the approximation.")
    }

    /// Grouped bars of the error (log axis) and of the cosine.
    static func figures(_ result: Result) -> [Figure] {
        let names = result.candidates.map(\.name)
        let points = [result.initialization, result.trained]
        let errors = points.map { m in BarSeries(name: m.point, values: result.candidates.map { m.result($0)!.relativeError }) }
        let cosines = points.map { m in BarSeries(name: m.point, values: result.candidates.map { m.result($0)!.cosine }) }
        return [
            Figure(
                id: "relative-error", title: "‖F̃ − F‖_F / ‖F‖_F",
                caption: "Relative Frobenius error of each approximation against the exact Fisher, at initialization and after training (log axis; "
                    + "an exact approximation has no bar).",
                content: .bars(BarChart(categories: names, series: errors, yAxis: Axis("relative Frobenius error (dimensionless)", scale: .log)))),
            Figure(
                id: "cosine", title: "cos∠((F̃ + λI)⁻¹g, (F + λI)⁻¹g)",
                caption: "Cosine between each approximation's damped natural-gradient direction and the exact one (1 = same direction).",
                content: .bars(BarChart(categories: names, series: cosines, yAxis: Axis("cosine with the exact natural gradient (dimensionless)")))),
        ]
    }

    /// Findings from the numbers.
    static func findings(_ result: Result) -> [String] {
        func c(_ x: Double, _ digits: Int = 3) -> String { Table.cell(x, digits: digits) }
        let (a, b) = (result.initialization, result.trained)
        var lines = [String]()
        let structured: [ApproximationCandidate] = [.diagonal, .blockDiagonal, .kfac, .ekfac]
        lines.append(
            "At initialization the structured approximations have relative errors "
                + structured.map { "\($0.name) \(c(a.result($0)!.relativeError))" }.joined(separator: ", ")
                + " and direction cosines " + structured.map { "\($0.name) \(c(a.result($0)!.cosine))" }.joined(separator: ", ") + ".")
        lines.append(
            "After training (\(result.trainingLosses.count - 1) NGD steps, loss \(c(result.trainingLosses.first ?? .nan)) → "
                + "\(c(result.trainingLosses.last ?? .nan)) nats) the cosines are "
                + structured.map { "\($0.name) \(c(b.result($0)!.cosine))" }.joined(separator: ", ") + ".")
        let kfac = a.result(.kfac)!, ekfac = a.result(.ekfac)!
        lines.append(
            "EKFAC's re-fitted eigenvalues bring its error \(ekfac.relativeError <= kfac.relativeError ? "below" : "above") K-FAC's "
                + "(\(c(ekfac.relativeError)) vs \(c(kfac.relativeError)) at initialization, \(c(b.result(.ekfac)!.relativeError)) vs "
                + "\(c(b.result(.kfac)!.relativeError)) after training); the block-diagonal matrix, exact within layers, has "
                + "\(c(a.result(.blockDiagonal)!.relativeError)) and \(c(b.result(.blockDiagonal)!.relativeError)) — the cross-layer part of F.")
        let ranks = result.candidates.compactMap { if case let .lowRank(r) = $0 { return r } else { return nil } }
        if let low = ranks.first, let high = ranks.last {
            lines.append(
                "Low rank: the error falls from \(c(a.result(.lowRank(low))!.relativeError)) at rank \(low) to "
                    + "\(c(a.result(.lowRank(high))!.relativeError)) at rank \(high) (cosine \(c(a.result(.lowRank(low))!.cosine)) → "
                    + "\(c(a.result(.lowRank(high))!.cosine))) of P = \(result.parameterCount).")
        }
        let orders = result.candidates.compactMap { if case let .neumann(k) = $0 { return k } else { return nil } }
        if let low = orders.first, let high = orders.last {
            lines.append(
                "Neumann series: the direction's cosine goes from \(c(a.result(.neumann(low))!.cosine)) at order \(low) to "
                    + "\(c(a.result(.neumann(high))!.cosine)) at order \(high) (after training \(c(b.result(.neumann(low))!.cosine)) → "
                    + "\(c(b.result(.neumann(high))!.cosine))): a low-order series is a heavily damped inverse.")
        }
        let samples = result.candidates.compactMap { if case let .monteCarlo(k) = $0 { return k } else { return nil } }
        if let low = samples.first, let high = samples.last {
            lines.append(
                "Sampled labels: the Monte-Carlo Fisher's error drops from \(c(a.result(.monteCarlo(low))!.relativeError)) with \(low) label(s) "
                    + "per example to \(c(a.result(.monteCarlo(high))!.relativeError)) with \(high), while the empirical Fisher stays at "
                    + "\(c(a.result(.empirical)!.relativeError)) at initialization and \(c(b.result(.empirical)!.relativeError)) after training "
                    + "(cosine \(c(a.result(.empirical)!.cosine)) and \(c(b.result(.empirical)!.cosine))) — its error is bias, not noise.")
        }
        return lines
    }
}
