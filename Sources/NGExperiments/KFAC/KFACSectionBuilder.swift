import NGReport

/// Turns the kfac experiment's measurements into its report section: tables, figures and
/// findings written from the measured numbers.
struct KFACSectionBuilder {
    let plan: KFACExperiment.Plan
    let fidelity: KFACFidelityStudy.Outcome
    let baselines: [TrainingRun]
    let sweep: [KFACHyperparameterSweep.Run]

    func section(record: RunRecord) -> ReportSection {
        ReportSection(
            id: "kfac", title: KFACExperiment.experiment.title,
            question: "How close is K-FAC's direction to the exact natural gradient, does it beat SGD, Adam and Shampoo in steps and in "
                + "seconds on the autoencoder, and how sensitive is it to its damping, inverse-update interval and curvature decay?",
            findings: findings(),
            howToRead: "Cosines near 1 mean K-FAC points where exact natural-gradient descent (F + λI)⁻¹g would; the gradient's own "
                + "cosine is what plain SGD achieves, and the block-diagonal exact Fisher separates the error of dropping the "
                + "cross-layer blocks from that of factoring each block into G ⊗ A. Relative errors are ‖F̃ − F‖_F / ‖F‖_F of the "
                + "undamped matrices on the measurement batch. In the baseline plots lower is better; the seconds axis counts step "
                + "time only. In the sweeps λ is held fixed (no Levenberg–Marquardt adaptation) and one knob moves at a time.",
            tables: [fidelityTable(), baselineTable(), sweepTable()],
            figures: [cosineFigure(), matrixErrorFigure()]
                + [
                    TrainingRunFigures.lossCurves(
                        id: "baselines-loss-vs-steps", title: "\(plan.baselines.model) on \(plan.baselines.data): loss against steps",
                        runs: baselines, against: .steps, caption: "Each optimizer with the registry's defaults, same start and seed."),
                    TrainingRunFigures.lossCurves(
                        id: "baselines-loss-vs-seconds", title: "\(plan.baselines.model) on \(plan.baselines.data): loss against wall time",
                        runs: baselines, against: .seconds, caption: "Step time only (full-data evaluations excluded)."),
                ] + sweepFigures(),
            record: record)
    }

    // MARK: Part (a)

    /// The measurements shown in the table: the first, the middle and the last.
    var highlighted: [KFACFidelityStudy.Measurement] {
        let m = fidelity.measurements
        guard m.count > 2 else { return m }
        return [m[0], m[m.count / 2], m[m.count - 1]]
    }

    func fidelityTable() -> Table {
        var rows = [[String]]()
        for measurement in highlighted {
            for d in measurement.directions {
                rows.append([
                    "\(measurement.step)", Table.cell(measurement.loss), Table.cell(d.damping, digits: 2), Table.cell(d.kfacCosine, digits: 3),
                    Table.cell(d.kfacExactDampingCosine, digits: 3), Table.cell(d.blockDiagonalCosine, digits: 3),
                    Table.cell(d.gradientCosine, digits: 3), Table.cell(measurement.matrices.kfac, digits: 3),
                    Table.cell(measurement.matrices.blockDiagonal, digits: 3), Table.cell(measurement.matrices.kfacAgainstBlocks, digits: 3),
                ])
            }
        }
        return Table(
            id: "fidelity", title: "K-FAC against the exact Fisher (MLP, \(fidelity.parameterCount) parameters, Float64)",
            columns: [
                "step", "training loss (nats)", "λ", "cos K-FAC", "cos K-FAC exact damping", "cos block-diagonal", "cos gradient",
                "rel. error K-FAC", "rel. error block-diagonal", "rel. error K-FAC vs blocks",
            ],
            rows: rows,
            note: "Cosines with the exact (F + λI)⁻¹g on \(plan.fidelity.measurementCount) fixed examples; K-FAC from fresh factors on "
                + "the same examples. First, middle and last measurement; the JSON figures hold every one.")
    }

    func cosineFigure() -> Figure {
        let steps = fidelity.measurements.map { Double($0.step) }
        var series = [Series]()
        for (index, damping) in plan.fidelity.dampings.enumerated() {
            let label = "λ = \(Table.cell(damping, digits: 2))"
            series.append(Series(name: "K-FAC, \(label)", x: steps, y: fidelity.measurements.map { $0.directions[index].kfacCosine }))
            series.append(Series(
                name: "block-diagonal F, \(label)", x: steps, y: fidelity.measurements.map { $0.directions[index].blockDiagonalCosine }))
        }
        let middle = plan.fidelity.dampings.count / 2
        series.append(Series(
            name: "gradient (SGD), λ = \(Table.cell(plan.fidelity.dampings[middle], digits: 2))", x: steps,
            y: fidelity.measurements.map { $0.directions[middle].gradientCosine }))
        return Figure(
            id: "cosine-vs-step", title: "Cosine with the exact natural-gradient direction during K-FAC training",
            caption: "1 means the same direction as exact NGD with the same damping; K-FAC's factored damping is the optimizer's.",
            content: .lines(LinePlot(xAxis: Axis("K-FAC training step"), yAxis: Axis("cosine with (F + λI)⁻¹g", maximum: 1), series: series)))
    }

    func matrixErrorFigure() -> Figure {
        let steps = fidelity.measurements.map { Double($0.step) }
        let m = fidelity.measurements
        return Figure(
            id: "matrix-error-vs-step", title: "Relative Frobenius error of K-FAC's matrix against the exact Fisher",
            caption: "K-FAC = block-diagonal truncation + Kronecker factoring of each block; the other two lines separate them.",
            content: .lines(LinePlot(
                xAxis: Axis("K-FAC training step"), yAxis: Axis("‖F̃ − F‖_F / ‖F‖_F", scale: .log),
                series: [
                    Series(name: "K-FAC vs F", x: steps, y: m.map(\.matrices.kfac)),
                    Series(name: "block-diagonal F vs F", x: steps, y: m.map(\.matrices.blockDiagonal)),
                    Series(name: "K-FAC vs block-diagonal F", x: steps, y: m.map(\.matrices.kfacAgainstBlocks)),
                ])))
    }

    // MARK: Part (b)

    func baselineTable() -> Table {
        let rows = baselines.map { run -> [String] in
            let steps = run.history.last?.step ?? 0
            let seconds = run.history.last?.seconds ?? .nan
            return [
                run.label, Table.cell(run.finalLoss), "\(steps)", Table.cell(run.stepSecondsMedian * 1000, digits: 3), Table.cell(seconds, digits: 3),
                run.divergedAtStep.map { "diverged at step \($0)" } ?? "completed",
            ]
        }
        return Table(
            id: "baselines", title: "\(plan.baselines.model) on \(plan.baselines.data): K-FAC against SGD, Adam and Shampoo",
            columns: ["optimizer", "final training loss (nats)", "steps", "median step (ms)", "training time (s)", "status"], rows: rows,
            note: "Registry defaults per optimizer (batch 128 for the first-order methods and Shampoo, 1000 for K-FAC); loss on the whole training set.")
    }

    // MARK: Part (c)

    func sweepTable() -> Table {
        let rows = sweep.map { run -> [String] in
            [
                run.knob.rawValue, Table.cell(run.value, digits: 3), Table.cell(run.finalLoss), Table.cell(run.stepSeconds * 1000, digits: 3),
                run.status,
            ]
        }
        let s = plan.sweep
        return Table(
            id: "sweeps", title: "K-FAC's damping, inverse-update interval and curvature decay (one at a time)",
            columns: ["knob", "value", "final training loss (nats)", "median step (ms)", "status"], rows: rows,
            note: "MLP 64-\(s.hidden.map(String.init).joined(separator: "-"))-10 on \(s.exampleCount) digits, batch \(s.batchSize), "
                + "\(s.steps) steps; base λ = \(s.baseDamping) (fixed), T₂ = \(s.baseInverseUpdateInterval), ε_max = \(s.baseCurvatureDecay).")
    }

    func sweepFigures() -> [Figure] {
        var figures = KFACHyperparameterSweep.Knob.allCases.map { knob -> Figure in
            let runs = sweep.filter { $0.knob == knob }
            let logarithmic = knob != .curvatureDecay
            return Figure(
                id: "sweep-\(knob.rawValue)", title: "Final loss against the \(knob.label)",
                caption: "A missing point is a run that diverged.",
                content: .lines(LinePlot(
                    xAxis: Axis(knob.label, scale: logarithmic ? .log : .linear), yAxis: Axis("final training loss (nats)", scale: .log),
                    series: [Series(name: "K-FAC", x: runs.map(\.value), y: runs.map(\.finalLoss), style: .lineAndMarkers)])))
        }
        let intervals = sweep.filter { $0.knob == .inverseUpdateInterval }
        figures.append(Figure(
            id: "sweep-step-time", title: "Time per K-FAC step against the inverse-update interval",
            caption: "Inverting the damped factors every T₂ steps: the cost per step falls as T₂ grows, down to the statistics' and solve's floor.",
            content: .lines(LinePlot(
                xAxis: Axis(KFACHyperparameterSweep.Knob.inverseUpdateInterval.label, scale: .log), yAxis: Axis("median step time (ms)"),
                series: [Series(name: "K-FAC", x: intervals.map(\.value), y: intervals.map { $0.stepSeconds * 1000 }, style: .lineAndMarkers)]))))
        return figures
    }

    // MARK: Findings

    func findings() -> [String] {
        var lines = [String]()
        let m = fidelity.measurements
        if let first = m.first, let last = m.last, !first.directions.isEmpty {
            let index = plan.fidelity.dampings.count / 2
            let (d0, d1) = (first.directions[index], last.directions[index])
            lines.append(
                "With λ = \(Table.cell(d0.damping, digits: 2)), K-FAC's direction has cosine \(Table.cell(d0.kfacCosine, digits: 3)) with the exact "
                    + "natural gradient at initialization and \(Table.cell(d1.kfacCosine, digits: 3)) after \(last.step) K-FAC steps, against "
                    + "\(Table.cell(d0.gradientCosine, digits: 3)) and \(Table.cell(d1.gradientCosine, digits: 3)) for the plain gradient; the "
                    + "block-diagonal exact Fisher reaches \(Table.cell(d0.blockDiagonalCosine, digits: 3)) and \(Table.cell(d1.blockDiagonalCosine, digits: 3)).")
            lines.append(
                "K-FAC's matrix is \(Table.cell(100 * first.matrices.kfac, digits: 3)) % (relative Frobenius error) from the exact Fisher at "
                    + "initialization and \(Table.cell(100 * last.matrices.kfac, digits: 3)) % at the end; dropping the cross-layer blocks alone "
                    + "accounts for \(Table.cell(100 * first.matrices.blockDiagonal, digits: 3)) % and \(Table.cell(100 * last.matrices.blockDiagonal, digits: 3)) %.")
            let smallest = first.directions.first!, largest = first.directions.last!
            if first.directions.count > 1 {
                lines.append(
                    "Damping makes the approximation look better: at initialization the cosine is \(Table.cell(smallest.kfacCosine, digits: 3)) at "
                        + "λ = \(Table.cell(smallest.damping, digits: 2)) and \(Table.cell(largest.kfacCosine, digits: 3)) at λ = \(Table.cell(largest.damping, digits: 2)) "
                        + "(a large λ pulls both directions towards the gradient).")
            }
        }
        let completed = baselines.filter { $0.divergedAtStep == nil && $0.finalLoss.isFinite }
        if let best = completed.min(by: { $0.finalLoss < $1.finalLoss }), let kfac = baselines.first(where: { $0.label == "kfac" }) {
            let others = baselines.filter { $0.label != "kfac" }
                .map { "\($0.label) \(Table.cell($0.finalLoss)) (\(Table.cell($0.stepSecondsMedian * 1000, digits: 3)) ms/step)" }
                .joined(separator: ", ")
            lines.append(
                "On \(plan.baselines.model) / \(plan.baselines.data) after \(plan.baselines.steps) steps K-FAC reaches loss \(Table.cell(kfac.finalLoss)) "
                    + "at \(Table.cell(kfac.stepSecondsMedian * 1000, digits: 3)) ms per step; \(others). Lowest final loss: \(best.label).")
            // Equal wall time: K-FAC's loss at each other optimizer's total training time.
            let equalTime = baselines.filter { $0.label != "kfac" }.compactMap { run -> String? in
                guard let time = run.history.last?.seconds, let entry = kfac.history.last(where: { $0.seconds <= time }) else { return nil }
                return "\(run.label) \(Table.cell(run.finalLoss)) after its \(Table.cell(time, digits: 3)) s, K-FAC \(Table.cell(entry.loss)) at step \(entry.step)"
            }
            if !equalTime.isEmpty {
                lines.append("At equal training time (K-FAC's last record within each other run's total time): " + equalTime.joined(separator: "; ") + ".")
            }
        }
        for knob in KFACHyperparameterSweep.Knob.allCases {
            let runs = sweep.filter { $0.knob == knob }
            let finite = runs.filter { $0.finalLoss.isFinite }
            guard let best = finite.min(by: { $0.finalLoss < $1.finalLoss }), let worst = finite.max(by: { $0.finalLoss < $1.finalLoss }) else { continue }
            let diverged = runs.filter { !$0.finalLoss.isFinite }.map { Table.cell($0.value, digits: 3) }
            var line = "Sweeping the \(knob.label): best final loss \(Table.cell(best.finalLoss)) at \(Table.cell(best.value, digits: 3)), worst "
                + "\(Table.cell(worst.finalLoss)) at \(Table.cell(worst.value, digits: 3))"
            if knob == .inverseUpdateInterval, let fastest = finite.min(by: { $0.stepSeconds < $1.stepSeconds }),
                let slowest = finite.max(by: { $0.stepSeconds < $1.stepSeconds }) {
                line += "; a step takes \(Table.cell(slowest.stepSeconds * 1000, digits: 3)) ms at T₂ = \(Table.cell(slowest.value, digits: 3)) "
                    + "and \(Table.cell(fastest.stepSeconds * 1000, digits: 3)) ms at T₂ = \(Table.cell(fastest.value, digits: 3))"
            }
            if !diverged.isEmpty { line += "; diverged or failed at \(diverged.joined(separator: ", "))" }
            lines.append(line + ".")
        }
        return lines
    }
}
