import NGReport

/// Placeholder: being written.
public enum InvarianceExperiment {
    public static let experiment = Experiment(name: "invariance", title: "invariance", summary: "invariance (not implemented yet)") { _ in
        throw ExperimentError.notImplemented("invariance")
    }
}
