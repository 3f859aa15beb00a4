import NGReport

/// Placeholder: being written.
public enum ConvergenceExperiment {
    public static let experiment = Experiment(name: "convergence", title: "convergence", summary: "convergence (not implemented yet)") { _ in
        throw ExperimentError.notImplemented("convergence")
    }
}
