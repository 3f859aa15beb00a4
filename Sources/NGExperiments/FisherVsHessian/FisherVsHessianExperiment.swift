import Foundation
import NGCurvature
import NGLinearAlgebra
import NGModels
import NGReport

/// `natgrad experiment fisher-vs-hessian`: how the exact Fisher, the empirical Fisher, the
/// generalized Gauss-Newton matrix and the Hessian differ — on logistic regression, where F = H
/// exactly, and on a small tanh MLP on the digits data, where H is indefinite away from a minimum
/// — at initialization and after training; how block-diagonal they are by layer; and how NGD,
/// Newton and Adam train with them.
public enum FisherVsHessianExperiment {
    public static let experiment = Experiment(
        name: "fisher-vs-hessian", title: "Fisher, empirical Fisher, Gauss-Newton and Hessian",
        summary: "spectra, differences and layer-block structure of F, F_emp, GGN and H; NGD vs Newton vs Adam"
    ) { settings in try run(settings) }

    /// The sizes of one run.
    public struct Configuration: Sendable {
        /// Digits examples for the MLP.
        public var examples: Int
        /// The MLP's hidden width (64 → hidden → 10).
        public var hidden: Int
        /// NGD and Newton steps on the MLP (and the training that gives the "trained" point).
        public var networkSteps: Int
        /// NGD and Newton steps on logistic regression.
        public var logisticSteps: Int
        /// Adam steps are this many times the second-order steps.
        public var adamStepFactor: Int
        /// λ₂ of the training objectives: a small penalty so that the minimum is finite.
        public var networkL2: Double

        public static let full = Configuration(examples: 1000, hidden: 16, networkSteps: 25, logisticSteps: 15, adamStepFactor: 20, networkL2: 1e-3)
        public static let smoke = Configuration(examples: 60, hidden: 3, networkSteps: 2, logisticSteps: 2, adamStepFactor: 3, networkL2: 1e-3)
    }

    /// Everything measured, for the section and for tests.
    public struct Result: Sendable {
        public var measurements: [FisherVsHessianMeasurement]
        public var logisticTraining: FisherVsHessianTraining
        public var networkTraining: FisherVsHessianTraining
    }

    /// Runs the measurements.
    /// - Throws: errors of the data, the models, the curvature and the optimizers.
    public static func measure(_ configuration: Configuration, seed: UInt64, progress: (String) -> Void = { _ in }) throws -> Result {
        // Logistic regression on breast cancer.
        progress("fisher-vs-hessian: logistic regression")
        let (logistic, logisticStart) = try CurvatureProblems.breastCancerLogistic()
        let penalized = try CurvatureProblems.BinaryClassifier(
            network: logistic.network, likelihood: logistic.likelihood, inputs: logistic.inputs, targets: logistic.targets,
            l2: 1 / Double(logistic.exampleCount))
        let logisticTraining = try FisherVsHessianTraining(
            objective: penalized, initial: logisticStart, steps: configuration.logisticSteps,
            adamSteps: configuration.logisticSteps * configuration.adamStepFactor, adamLearningRate: 0.05, ngdDamping: 1e-4, klBound: nil)
        let logisticName = "logistic regression (breast cancer)"
        var measurements = [FisherVsHessianMeasurement]()
        for (point, theta) in [("initialization", logisticStart), ("trained", logisticTraining.naturalGradient.parameters)] {
            measurements.append(try FisherVsHessianMeasurement(
                model: logisticName, point: point, network: logistic.network, likelihood: logistic.likelihood, inputs: logistic.inputs,
                targets: logistic.targets, parameters: theta))
        }

        // The MLP on digits.
        let (mlp, mlpStart) = try CurvatureProblems.classifier("digits", hidden: [configuration.hidden], examples: configuration.examples, seed: seed)
        progress("fisher-vs-hessian: training the \(mlp.network.parameterCount)-parameter MLP with NGD, Newton and Adam")
        let penalizedNetwork = try CurvatureProblems.Classifier(
            network: mlp.network, likelihood: mlp.likelihood, inputs: mlp.inputs, targets: mlp.targets, l2: configuration.networkL2)
        let networkTraining = try FisherVsHessianTraining(
            objective: penalizedNetwork, initial: mlpStart, steps: configuration.networkSteps,
            adamSteps: configuration.networkSteps * configuration.adamStepFactor, adamLearningRate: 0.01, ngdDamping: 1e-2, klBound: 0.1)
        let mlpName = "MLP 64-\(configuration.hidden)-10 (digits)"
        for (point, theta) in [("initialization", mlpStart), ("trained", networkTraining.naturalGradient.parameters)] {
            progress("fisher-vs-hessian: dense matrices of the MLP at \(point)")
            measurements.append(try FisherVsHessianMeasurement(
                model: mlpName, point: point, network: mlp.network, likelihood: mlp.likelihood, inputs: mlp.inputs, targets: mlp.targets,
                parameters: theta))
        }
        return Result(measurements: measurements, logisticTraining: logisticTraining, networkTraining: networkTraining)
    }

    /// Runs the experiment at the settings' scale and builds its report section.
    /// - Throws: as ``measure(_:seed:progress:)``.
    public static func run(_ settings: ExperimentSettings) throws -> ReportSection {
        let started = Date()
        let configuration = settings.size(full: Configuration.full, smoke: Configuration.smoke)
        let result = try measure(configuration, seed: settings.seed, progress: settings.progress)
        return try section(result, configuration: configuration, settings: settings, started: started, seconds: Date().timeIntervalSince(started))
    }

    /// The report section of a measured result.
    /// - Parameters:
    ///   - started: when the run started; seconds: its wall time (both recorded).
    public static func section(
        _ result: Result, configuration: Configuration, settings: ExperimentSettings, started: Date = Date(), seconds: Double
    ) throws -> ReportSection {
        let m = result.measurements
        let (mlpInit, mlpTrained) = (m[2], m[3])

        var figures = m.enumerated().map { index, measurement in
            FisherVsHessianFigures.spectra(measurement, id: "spectra-\(index < 2 ? "logistic" : "mlp")-\(measurement.point == "trained" ? "trained" : "init")")
        }
        figures.append(FisherVsHessianFigures.fisherHeatmap(mlpInit, id: "fisher-heatmap-init", maximumCells: 121))
        figures.append(FisherVsHessianFigures.fisherHeatmap(mlpTrained, id: "fisher-heatmap-trained", maximumCells: 121))
        figures.append(FisherVsHessianFigures.training(result.logisticTraining.paths, model: "logistic regression", id: "training-logistic", againstSeconds: false))
        figures.append(FisherVsHessianFigures.training(result.networkTraining.paths, model: "the MLP", id: "training-mlp", againstSeconds: false))
        figures.append(FisherVsHessianFigures.training(result.networkTraining.paths, model: "the MLP", id: "training-mlp-seconds", againstSeconds: true))

        let tables = [
            FisherVsHessianFigures.differencesTable(m), FisherVsHessianFigures.blockMassTable(m),
            FisherVsHessianFigures.trainingTable([("logistic regression", result.logisticTraining.paths), ("MLP", result.networkTraining.paths)]),
        ]
        let configurationRecord: [String: String] = [
            "logistic_data": "breast-cancer (569×30, standardized)", "logistic_training_l2": "1/N",
            "logistic_steps": "\(configuration.logisticSteps)", "mlp_data": "digits (\(configuration.examples) examples, standardized)",
            "mlp_sizes": "64-\(configuration.hidden)-10", "mlp_activation": "tanh", "mlp_parameters": "\(mlpInit.parameterCount)",
            "mlp_initialization": "glorot-uniform", "mlp_training_l2": "\(configuration.networkL2)", "mlp_steps": "\(configuration.networkSteps)",
            "adam_steps_factor": "\(configuration.adamStepFactor)", "adam_lr_logistic": "0.05", "adam_lr_mlp": "0.01",
            "ngd": "exact Fisher, dense Cholesky, λ₀ 1e-4 (logistic) / 1e-2 (MLP), Levenberg–Marquardt every step, KL bound 0.1 (MLP)",
            "newton": "dense Hessian, λ₀ as NGD, Levenberg–Marquardt with step rejection", "precision": "float64",
            "matrices": "of the unpenalized mean NLL on the whole data set", "scale": settings.scale.rawValue,
        ]
        return ReportSection(
            id: experiment.name, title: experiment.title,
            question: "How different are the exact Fisher, the empirical Fisher, the Gauss-Newton matrix and the Hessian — in spectrum, "
                + "in distance and in layer-block structure — and does preconditioning with the Fisher or with the Hessian train better?",
            findings: findings(result),
            howToRead: "The differences table gives ‖A − B‖_F/‖B‖_F (0: identical) at initialization and at the end of NGD training; "
                + "λmin(H) < 0 and a positive count of negative eigenvalues mean the Hessian is indefinite there. The block-mass table says how "
                + "much of each matrix lies in its per-layer diagonal blocks (1: block-diagonal). The spectra plots use a symmetric-log y axis, "
                + "so the Hessian's negative eigenvalues appear below zero. The heatmaps show |F| with the layer blocks outlined. The training "
                + "plots compare NGD, Newton and Adam from the same start (log axes where values span decades).",
            tables: tables, figures: figures,
            record: RunRecord(command: settings.command, seed: settings.seed, configuration: configurationRecord, started: started, seconds: seconds))
    }

    /// The findings, each sentence built from the measured numbers.
    static func findings(_ result: Result) -> [String] {
        let m = result.measurements
        let (logisticInit, logisticTrained, mlpInit, mlpTrained) = (m[0], m[1], m[2], m[3])
        func c(_ x: Double, _ digits: Int = 2) -> String { Table.cell(x, digits: digits) }
        func percent(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
        var lines = [String]()
        lines.append(
            "Logistic regression: ‖H − F‖/‖F‖ = \(c(logisticInit.relativeDifference(.hessian, from: .exact))) at θ = 0 and "
                + "\(c(logisticTrained.relativeDifference(.hessian, from: .exact))) at the fitted point — the Fisher is the Hessian, as the "
                + "canonical link implies; the empirical Fisher is off by \(c(logisticInit.relativeDifference(.empirical, from: .exact))) at θ = 0 "
                + "and \(c(logisticTrained.relativeDifference(.empirical, from: .exact))) at the fit"
                + (logisticInit.relativeDifference(.empirical, from: .exact) < 1e-10
                    ? " (at θ = 0 every predicted probability is ½, so (p − y)² = p(1 − p) and the two coincide)." : "."))
        lines.append(
            "\(mlpInit.model), P = \(mlpInit.parameterCount): the GGN equals the exact Fisher to \(c(mlpInit.relativeDifference(.ggn, from: .exact))) "
                + "(softmax cross-entropy is canonical), while the Hessian differs from it by \(c(mlpInit.relativeDifference(.hessian, from: .exact))) "
                + "at initialization and \(c(mlpTrained.relativeDifference(.hessian, from: .exact))) after training.")
        let (initMin, initMax) = mlpInit.extremeEigenvalues(.hessian)
        let (trainedMin, trainedMax) = mlpTrained.extremeEigenvalues(.hessian)
        lines.append(
            "The MLP's Hessian has \(mlpInit.negativeEigenvalueCount(.hessian)) negative eigenvalues at initialization (λmin = \(c(initMin, 3)) "
                + "against λmax = \(c(initMax, 3))) and \(mlpTrained.negativeEigenvalueCount(.hessian)) after training (λmin = \(c(trainedMin, 3)), "
                + "λmax = \(c(trainedMax, 3))); F, F_emp and the GGN are positive semidefinite by construction.")
        lines.append(
            "The empirical Fisher is a poor stand-in for the Fisher on the MLP: ‖F_emp − F‖/‖F‖ = \(c(mlpInit.relativeDifference(.empirical, from: .exact))) "
                + "at initialization and \(c(mlpTrained.relativeDifference(.empirical, from: .exact))) after training (training loss "
                + "\(c(mlpTrained.loss, 3)) nats).")
        lines.append(
            "Per-layer diagonal blocks hold \(percent(mlpInit.blockMass[.exact]!)) of the Fisher's squared Frobenius mass at initialization and "
                + "\(percent(mlpTrained.blockMass[.exact]!)) after training (Hessian: \(percent(mlpInit.blockMass[.hessian]!)) and "
                + "\(percent(mlpTrained.blockMass[.hessian]!))): the rest is the cross-layer coupling that block-diagonal methods drop.")
        let paths = result.networkTraining.paths
        let summary = paths.map { "\($0.label) \(c($0.finalLoss, 3)) nats after \($0.losses.count - 1) steps (\(c($0.seconds.last ?? .nan, 2)) s)" }
        lines.append("Training the MLP from the same start: " + summary.joined(separator: "; ") + ".")
        let logisticPaths = result.logisticTraining.paths
        lines.append(
            "Logistic regression, where Fisher and Hessian coincide: "
                + logisticPaths.map { "\($0.label) \(c($0.finalLoss, 4)) nats after \($0.losses.count - 1) steps" }.joined(separator: "; ") + ".")
        return lines
    }
}
