import NGReport

/// Placeholder: being written.
public enum LandscapeExperiment {
    public static let experiment = Experiment(name: "landscape", title: "landscape", summary: "landscape (not implemented yet)") { _ in
        throw ExperimentError.notImplemented("landscape")
    }
}
