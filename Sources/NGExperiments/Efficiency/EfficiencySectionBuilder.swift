import NGReport
import NGTraining

/// The efficiency experiment's tables, figures and findings, from its measurements.
struct EfficiencySectionBuilder {
    let benchmark: EfficiencyBenchmark
    let measurements: [EfficiencyBenchmark.Measurement]

    /// The optimizers drawn in the "curvature" figure; the rest go to the first-order one.
    static let curvatureMethods: Set<String> = ["ngd", "kfac", "ekfac", "tonga", "hessian-free", "newton", "lbfgs", "ksd"]

    /// The legend labels in registry order ("ngd (CG)" right after "ngd").
    var labels: [String] {
        var seen = [String]()
        for m in measurements where !seen.contains(m.label) { seen.append(m.label) }
        return seen
    }

    func measured(_ label: String) -> [EfficiencyBenchmark.Measurement] {
        measurements.filter { $0.label == label && $0.status == .measured && $0.stepSeconds.isFinite }
    }

    /// The power-law fit of time per step against P for one label.
    func fit(_ label: String) -> TimingPowerLaw? {
        let cells = measured(label)
        return TimingPowerLaw(x: cells.map { Double($0.parameterCount) }, y: cells.map(\.stepSeconds))
    }

    func section(record: RunRecord) -> ReportSection {
        ReportSection(
            id: "efficiency", title: EfficiencyExperiment.experiment.title,
            question: "How do the time and memory of one step grow with the number of parameters for each optimizer, and where does "
                + "exact natural-gradient descent stop being affordable while K-FAC still is?",
            findings: findings(),
            howToRead: "Both axes of the timing plots are logarithmic, so a power law t ∝ P^k is a straight line of slope k: k ≈ 1 "
                + "for first-order methods (a few passes over the weights), about 2 or more for methods that form a dense P×P matrix. "
                + "Lines stop where the registry refuses a dense method (more than \(OptimizerRegistry.denseCurvatureParameterLimit) "
                + "parameters: \"not affordable\") or where a step exceeded the \(Table.cell(benchmark.stepBudgetSeconds)) s budget. "
                + "Memory is the peak resident memory a run added to the process (a lower bound: reused heap is not counted); "
                + "\"state\" is what the optimizer reports holding.",
            tables: [exponentTable(), gridTable()],
            figures: [timeFigure(curvature: false), timeFigure(curvature: true), memoryFigure()],
            record: record)
    }

    func exponentTable() -> Table {
        let rows = labels.map { label -> [String] in
            let cells = measured(label)
            let fitted = fit(label)
            let refused = measurements.first { $0.label == label && { if case .notAffordable = $0.status { return true } else { return false } }($0) }
            let budget = measurements.first { $0.label == label && $0.status == .overBudget }
            let limit = refused.map { "not affordable from P = \($0.parameterCount)" }
                ?? budget.map { "over budget from P = \($0.parameterCount)" } ?? "all widths"
            return [
                label, Table.cell(fitted?.exponent, digits: 3), Table.cell(fitted?.determination, digits: 3),
                Table.cell(cells.first.map { $0.stepSeconds * 1000 }, digits: 3), Table.cell(cells.last.map { $0.stepSeconds * 1000 }, digits: 3),
                cells.last.map { "\($0.parameterCount)" } ?? "—", limit,
            ]
        }
        return Table(
            id: "exponents", title: "Growth exponent k of time per step ∝ P^k",
            columns: ["optimizer", "exponent k", "R² (log-log)", "step at smallest P (ms)", "step at largest P (ms)", "largest P timed", "range"],
            rows: rows,
            note: "Least-squares slope of log(step time) against log(P) over the widths measured; batch \(benchmark.batchSize), "
                + "median of \(benchmark.timedSteps) steps after \(benchmark.warmupSteps) warm-up steps.")
    }

    func gridTable() -> Table {
        let rows = measurements.map { m -> [String] in
            let status: String
            switch m.status {
            case .measured: status = "measured"
            case .notAffordable: status = "not affordable"
            case .overBudget: status = "over budget"
            case let .failed(message): status = "failed: \(message)"
            }
            return [
                m.label, "\(m.width)", "\(m.parameterCount)", Table.cell(m.stepSeconds.isFinite ? m.stepSeconds * 1000 : nil, digits: 3),
                Table.cell(m.peakMemoryBytes.map { Double($0) / 1_048_576 }, digits: 3), Table.cell(m.stateBytes.map { Double($0) / 1_048_576 }, digits: 3),
                status,
            ]
        }
        return Table(
            id: "measurements", title: "Every optimizer at every width",
            columns: ["optimizer", "width w", "parameters P", "median step (ms)", "peak memory added (MiB)", "optimizer state (MiB)", "status"],
            rows: rows, note: "MLP 64-w-10 (tanh) on the digits in Float32; — where not measured or not reported.")
    }

    func timeFigure(curvature: Bool) -> Figure {
        let chosen = labels.filter { Self.curvatureMethods.contains($0 == "ngd (CG)" ? "ngd" : $0) == curvature }
        let series = chosen.map { label -> Series in
            let cells = measured(label)
            let exponent = fit(label).map { " (k = \(Table.cell($0.exponent, digits: 2)))" } ?? ""
            return Series(
                name: label + exponent, x: cells.map { Double($0.parameterCount) }, y: cells.map { $0.stepSeconds * 1000 }, style: .lineAndMarkers)
        }
        return Figure(
            id: curvature ? "time-curvature" : "time-first-order",
            title: curvature ? "Time per step: curvature methods" : "Time per step: first-order and diagonal methods",
            caption: "Log-log; the slope is the growth exponent k given in the legend.",
            content: .lines(LinePlot(
                xAxis: Axis("parameters P", scale: .log), yAxis: Axis("median time per step (ms)", scale: .log), series: series)))
    }

    func memoryFigure() -> Figure {
        let series = labels.compactMap { label -> Series? in
            let cells = measured(label).filter { ($0.peakMemoryBytes ?? 0) > 0 }
            guard !cells.isEmpty, Self.curvatureMethods.contains(label == "ngd (CG)" ? "ngd" : label) || label == "adam" || label == "shampoo" else { return nil }
            return Series(
                name: label, x: cells.map { Double($0.parameterCount) }, y: cells.map { Double($0.peakMemoryBytes!) / 1_048_576 },
                style: .lineAndMarkers)
        }
        return Figure(
            id: "memory", title: "Peak memory a run adds", caption: "Log-log; dense P×P methods grow like P².",
            content: .lines(LinePlot(xAxis: Axis("parameters P", scale: .log), yAxis: Axis("peak resident memory added (MiB)", scale: .log), series: series)))
    }

    func findings() -> [String] {
        var lines = [String]()
        let exponents = labels.compactMap { label in fit(label).map { "\(label) \(Table.cell($0.exponent, digits: 2))" } }
        if !exponents.isEmpty { lines.append("Fitted exponents k of time per step ∝ P^k: " + exponents.joined(separator: ", ") + ".") }
        for name in ["ngd", "newton"] {
            let cells = measured(name)
            if let last = cells.last, let refused = measurements.first(where: {
                $0.optimizer == name && $0.label == name && { if case .notAffordable = $0.status { return true } else { return false } }($0)
            }) {
                lines.append(
                    "\(name) with the dense P×P curvature takes \(Table.cell(last.stepSeconds * 1000, digits: 3)) ms per step at P = \(last.parameterCount) "
                        + "and is not affordable from P = \(refused.parameterCount) on (the registry's dense limit is \(OptimizerRegistry.denseCurvatureParameterLimit)).")
            }
        }
        let ngd = measured("ngd"), kfac = measured("kfac")
        if let crossing = ngd.first(where: { cell in kfac.first { $0.width == cell.width }.map { $0.stepSeconds < cell.stepSeconds } ?? false }),
            let k = kfac.first(where: { $0.width == crossing.width }) {
            lines.append(
                "K-FAC's step is cheaper than dense exact NGD's from P = \(crossing.parameterCount) on (\(Table.cell(k.stepSeconds * 1000, digits: 3)) ms "
                    + "against \(Table.cell(crossing.stepSeconds * 1000, digits: 3)) ms).")
        } else if let first = ngd.first, let k = kfac.first(where: { $0.width == first.width }) {
            lines.append(
                "At the smallest model (P = \(first.parameterCount)) K-FAC takes \(Table.cell(k.stepSeconds * 1000, digits: 3)) ms per step and dense NGD "
                    + "\(Table.cell(first.stepSeconds * 1000, digits: 3)) ms; K-FAC never became the cheaper of the two in the widths measured.")
        }
        if let k = kfac.last, let sgd = measured("sgd").last(where: { $0.width == k.width }) {
            lines.append(
                "At the largest width (P = \(k.parameterCount)) a K-FAC step costs \(Table.cell(k.stepSeconds / sgd.stepSeconds, digits: 3))× an SGD step "
                    + "(\(Table.cell(k.stepSeconds * 1000, digits: 3)) ms against \(Table.cell(sgd.stepSeconds * 1000, digits: 3)) ms).")
        }
        let failures = measurements.filter { if case .failed = $0.status { return true } else { return false } }
        if !failures.isEmpty {
            lines.append("Runs that failed: " + failures.map { "\($0.label) at P = \($0.parameterCount)" }.joined(separator: ", ") + ".")
        }
        return lines
    }
}
