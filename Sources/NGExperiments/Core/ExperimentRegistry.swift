/// Every experiment `natgrad experiment` knows, in report order. Adding one is one line here.
public enum ExperimentRegistry {
    public static let all: [Experiment] = [
        FisherVsHessianExperiment.experiment,
        KFACExperiment.experiment,
        InvarianceExperiment.experiment,
        ApproximationExperiment.experiment,
        EfficiencyExperiment.experiment,
        ConvergenceExperiment.experiment,
        LandscapeExperiment.experiment,
    ]

    /// The names, in order (`all` runs every one).
    public static var names: [String] { all.map(\.name) }

    /// The experiment called `name` (case-insensitive).
    /// - Throws: ``ExperimentError/unknownExperiment(_:choices:)`` listing the valid names.
    public static func experiment(named name: String) throws -> Experiment {
        guard let found = all.first(where: { $0.name == name.lowercased() }) else {
            throw ExperimentError.unknownExperiment(name, choices: names + ["all"])
        }
        return found
    }
}

/// Errors of the experiments layer.
public enum ExperimentError: Error, CustomStringConvertible, Equatable {
    case unknownExperiment(String, choices: [String])
    /// A run inside an experiment failed (the optimizer and the reason).
    case runFailed(String)

    public var description: String {
        switch self {
        case let .unknownExperiment(name, choices): return "unknown experiment '\(name)'; choose one of: \(choices.joined(separator: ", "))"
        case let .runFailed(detail): return detail
        }
    }
}
