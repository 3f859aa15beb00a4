import NGExperiments
import Testing

@Suite("Experiment registry")
struct ExperimentRegistryTests {
    @Test func namesAreTheIssuesSevenInReportOrder() {
        #expect(ExperimentRegistry.names == ["fisher-vs-hessian", "kfac", "invariance", "approximation", "efficiency", "convergence", "landscape"])
    }

    @Test func anUnknownNameListsTheChoices() {
        #expect(throws: ExperimentError.unknownExperiment("nope", choices: ExperimentRegistry.names + ["all"])) {
            try ExperimentRegistry.experiment(named: "nope")
        }
        #expect((try? ExperimentRegistry.experiment(named: "KFAC"))?.name == "kfac")
    }
}
