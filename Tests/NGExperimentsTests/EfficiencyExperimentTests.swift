import Foundation
import NGReport
import NGTraining
import Testing

@testable import NGExperiments

@Suite("Experiment: efficiency")
struct EfficiencyExperimentTests {
    @Test func thePowerLawFitRecoversAnExactPowerLaw() throws {
        let x = [100.0, 300, 1000, 3000, 10000]
        let fit = try #require(TimingPowerLaw(x: x, y: x.map { 3e-6 * pow($0, 1.7) }))
        #expect(abs(fit.exponent - 1.7) < 1e-12)
        #expect(abs(fit.prefactor / 3e-6 - 1) < 1e-10)
        #expect(abs(fit.determination - 1) < 1e-12)
        #expect(abs(fit.predicted(at: 2000) / (3e-6 * pow(2000, 1.7)) - 1) < 1e-10)
    }

    @Test func thePowerLawFitIsTheLeastSquaresSlopeOfNoisyLogs() throws {
        // log y = 2·log x + e with residuals e = (+0.1, −0.1, −0.1, +0.1) symmetric about the
        // middle: the least-squares slope of u = log x ∈ {0, 1, 2, 3} is 2 − 0 (the residual
        // pattern is orthogonal to u − ū), so k = 2 exactly and R² < 1.
        let u = [0.0, 1, 2, 3], e = [0.1, -0.1, -0.1, 0.1]
        let fit = try #require(TimingPowerLaw(x: u.map { exp($0) }, y: zip(u, e).map { exp(2 * $0 + $1) }))
        #expect(abs(fit.exponent - 2) < 1e-12)
        #expect(fit.determination < 1 && fit.determination > 0.9)
    }

    @Test func unusablePointsAreLeftOut() {
        #expect(TimingPowerLaw(x: [1], y: [1]) == nil)
        #expect(TimingPowerLaw(x: [2, 2], y: [1, 3]) == nil)
        let fit = TimingPowerLaw(x: [0, 10, 100, 1000], y: [5, 10, 100, .nan])
        #expect(fit?.pointCount == 2)
        #expect(abs((fit?.exponent ?? 0) - 1) < 1e-12)
    }

    @Test func statusFieldsAreParsedInBytes() {
        let status = "Name:\tx\nVmHWM:\t  123 kB\nVmRSS:\t 100 kB\n"
        #expect(PeakMemory.parse(status: status, field: "VmHWM") == 123 * 1024)
        #expect(PeakMemory.parse(status: status, field: "VmRSS") == 100 * 1024)
        #expect(PeakMemory.parse(status: status, field: "VmPeak") == nil)
    }

    @Test func aDenseMethodPastTheLimitIsReportedNotAffordable() throws {
        let width = 64  // P = 75·64 + 10 = 4810 > 4096
        #expect(EfficiencyBenchmark.parameterCount(width: width) > OptimizerRegistry.denseCurvatureParameterLimit)
        let benchmark = EfficiencyBenchmark(
            widths: [width], optimizers: ["newton"], exampleCount: 32, batchSize: 8, warmupSteps: 1, timedSteps: 1, stepBudgetSeconds: 10)
        let cells = try benchmark.run(seed: 0)
        #expect(cells.count == 1)
        guard case let .notAffordable(message) = cells[0].status else { Issue.record("expected not affordable, got \(cells[0].status)"); return }
        #expect(message.contains("4810"))
        #expect(cells[0].parameterCount == 4810)
    }

    @Test func smokeRunHasTheSectionsStructure() throws {
        let section = try EfficiencyExperiment.experiment.run(ExperimentSettings(seed: 2, scale: .smoke, command: "test"))
        #expect(section.id == "efficiency")
        #expect(section.tables.map(\.id) == ["exponents", "measurements"])
        #expect(section.figures.map(\.id) == ["time-first-order", "time-curvature", "memory"])
        #expect(section.tables[1].rows.count == 2 * OptimizerRegistry.names.count)
        #expect(section.tables[0].rows.map { $0[0] } == OptimizerRegistry.names)
        #expect(section.tables[1].rows.allSatisfy { $0[6] == "measured" })
        #expect(section.record.configuration["widths"] == "2,4")
        #expect(!section.findings.isEmpty)
        // Each legend's exponent is the fit of the plotted points.
        guard case let .lines(plot) = section.figures[1].content else { Issue.record("not a line plot"); return }
        for series in plot.series where series.x.count >= 2 {
            let fit = try #require(TimingPowerLaw(x: series.x, y: series.y))
            #expect(series.name.contains("k = \(Table.cell(fit.exponent, digits: 2))"))
        }
    }
}
