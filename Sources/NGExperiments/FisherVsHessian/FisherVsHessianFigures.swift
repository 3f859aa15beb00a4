import NGCurvature
import NGReport

/// The tables and figures of `fisher-vs-hessian`, built from the measurements (never typed in).
enum FisherVsHessianFigures {
    /// Spectra of F, F_emp, GGN and H at one point, largest first, on a symmetric-log axis so
    /// that the Hessian's negative eigenvalues show below zero.
    static func spectra(_ m: FisherVsHessianMeasurement, id: String) -> Figure {
        let series = FisherVsHessianMeasurement.kinds.map { kind -> Series in
            let values = Array(m.spectra[kind]!.reversed())
            return Series(name: FisherVsHessianMeasurement.symbol(kind), x: values.indices.map { Double($0 + 1) }, y: values)
        }
        return Figure(
            id: id, title: "Spectra, \(m.model) at \(m.point)",
            caption: "Eigenvalues of the exact Fisher F, the empirical Fisher F_emp, the generalized Gauss-Newton matrix and the Hessian H "
                + "of the mean negative log-likelihood (P = \(m.parameterCount)), sorted from the largest. The y axis is symmetric-logarithmic: "
                + "values below zero are the Hessian's negative curvature, which F, F_emp and the GGN cannot have.",
            content: .lines(LinePlot(xAxis: Axis("eigenvalue rank (1 = largest)", scale: .log), yAxis: Axis("eigenvalue (nats per unit²)", scale: .symlog), series: series)))
    }

    /// |F| averaged over tiles, with the layer-block boundaries.
    static func fisherHeatmap(_ m: FisherVsHessianMeasurement, id: String, maximumCells: Int) -> Figure {
        let p = m.parameterCount
        let cell = max(1, (p + maximumCells - 1) / maximumCells)
        let boundaries = m.blocks.dropLast().map { $0.upperBound / cell }
        return Figure(
            id: id, title: "|F|, \(m.model) at \(m.point)",
            caption: "Magnitudes of the exact Fisher's entries (mean |Fᵢⱼ| over \(cell)×\(cell) tiles, log colour scale); lines mark the layer "
                + "blocks (weights then bias of each layer). Mass off the diagonal blocks is what block-diagonal approximations such as K-FAC drop.",
            content: .heatmap(Heatmap(
                values: CurvatureMetrics.pooledMagnitudes(m.matrices[.exact]!, cell: cell), logarithmic: true, blockBoundaries: boundaries,
                colorLabel: "mean |F_ij| over a tile (nats per unit²)")))
    }

    /// The training loss against steps (or seconds) of the three runs.
    static func training(_ paths: [CurvatureTrainingPath], model: String, id: String, againstSeconds: Bool) -> Figure {
        let series = paths.map { path in
            Series(
                name: path.stoppedAtStep.map { "\(path.label) (stopped at step \($0))" } ?? path.label,
                x: againstSeconds ? path.seconds : path.losses.indices.map(Double.init), y: path.losses)
        }
        let losses = paths.flatMap(\.losses).filter { $0 > 0 && $0.isFinite }
        let decades = (losses.max() ?? 1) > 10 * (losses.min() ?? 1)
        return Figure(
            id: id, title: "Training \(model): NGD vs Newton vs Adam" + (againstSeconds ? " (wall time)" : ""),
            caption: "Full-batch training objective from the same initialization. NGD preconditions with the exact Fisher, Newton with the damped "
                + "Hessian (λ raised until H + λI is positive definite and the step decreases the loss), Adam with its diagonal second moments.",
            content: .lines(LinePlot(
                xAxis: Axis(againstSeconds ? "wall time (s)" : "step", scale: againstSeconds ? .linear : .log),
                yAxis: Axis("training loss (nats)", scale: decades ? .log : .linear), series: series)))
    }

    /// Relative differences, extreme eigenvalues and negative-eigenvalue counts.
    static func differencesTable(_ measurements: [FisherVsHessianMeasurement]) -> Table {
        let rows = measurements.map { m -> [String] in
            let (hMin, hMax) = m.extremeEigenvalues(.hessian)
            return [
                m.model, m.point, "\(m.parameterCount)", Table.cell(m.loss),
                Table.cell(m.relativeDifference(.empirical, from: .exact), digits: 3), Table.cell(m.relativeDifference(.ggn, from: .exact), digits: 3),
                Table.cell(m.relativeDifference(.hessian, from: .exact), digits: 3), Table.cell(m.relativeDifference(.hessian, from: .ggn), digits: 3),
                Table.cell(m.extremeEigenvalues(.exact).largest, digits: 3), Table.cell(hMax, digits: 3), Table.cell(hMin, digits: 3),
                "\(m.negativeEigenvalueCount(.hessian))",
            ]
        }
        return Table(
            id: "differences", title: "How far apart the curvature matrices are",
            columns: [
                "model", "point", "P", "loss (nats)", "‖F_emp−F‖/‖F‖", "‖GGN−F‖/‖F‖", "‖H−F‖/‖F‖", "‖H−GGN‖/‖GGN‖", "λmax(F)", "λmax(H)", "λmin(H)",
                "H eigenvalues < 0",
            ],
            rows: rows,
            note: "Relative Frobenius differences of the mean-NLL matrices (0 = identical). A negative eigenvalue counts when it is below "
                + "−P·ε·max|λ|. Eigenvalues in nats per unit² of the parameters.")
    }

    /// The share of each matrix's squared Frobenius mass in the layer-diagonal blocks.
    static func blockMassTable(_ measurements: [FisherVsHessianMeasurement]) -> Table {
        Table(
            id: "block-mass", title: "Share of squared Frobenius mass in the per-layer diagonal blocks",
            columns: ["model", "point", "layers"] + FisherVsHessianMeasurement.kinds.map(FisherVsHessianMeasurement.symbol),
            rows: measurements.map { m in
                [m.model, m.point, "\(m.blocks.count)"] + FisherVsHessianMeasurement.kinds.map { Table.cell(m.blockMass[$0]!, digits: 3) }
            },
            note: "Σ_layers ‖M_ll‖²_F / ‖M‖²_F: 1 means the matrix is block-diagonal by layer (always so for a one-layer model), 0 that all "
                + "of its mass couples different layers.")
    }

    /// Final losses and times of the training runs.
    static func trainingTable(_ runs: [(model: String, paths: [CurvatureTrainingPath])]) -> Table {
        var rows = [[String]]()
        for (model, paths) in runs {
            for path in paths {
                rows.append([
                    model, path.label, "\(path.losses.count - 1)", Table.cell(path.losses.first), Table.cell(path.finalLoss),
                    Table.cell(path.seconds.last, digits: 3), path.stopReason ?? "—",
                ])
            }
        }
        return Table(
            id: "training", title: "Training runs", columns: ["model", "optimizer", "steps", "initial loss (nats)", "final loss (nats)", "time (s)", "stopped because"],
            rows: rows, note: "Full batch, Float64; time is the sum of step times (loss evaluations for the record excluded).")
    }
}
