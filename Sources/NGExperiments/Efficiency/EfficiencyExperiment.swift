import NGReport

/// Placeholder: being written.
public enum EfficiencyExperiment {
    public static let experiment = Experiment(name: "efficiency", title: "efficiency", summary: "efficiency (not implemented yet)") { _ in
        throw ExperimentError.notImplemented("efficiency")
    }
}
