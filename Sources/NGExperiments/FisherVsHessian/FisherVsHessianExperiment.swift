import NGReport

/// Placeholder: being written.
public enum FisherVsHessianExperiment {
    public static let experiment = Experiment(name: "fisher-vs-hessian", title: "fisher-vs-hessian", summary: "fisher-vs-hessian (not implemented yet)") { _ in
        throw ExperimentError.notImplemented("fisher-vs-hessian")
    }
}
