import NGReport

/// Placeholder: being written.
public enum KFACExperiment {
    public static let experiment = Experiment(name: "kfac", title: "kfac", summary: "kfac (not implemented yet)") { _ in
        throw ExperimentError.notImplemented("kfac")
    }
}
