import NGReport

/// Placeholder: being written.
public enum ApproximationExperiment {
    public static let experiment = Experiment(name: "approximation", title: "approximation", summary: "approximation (not implemented yet)") { _ in
        throw ExperimentError.notImplemented("approximation")
    }
}
