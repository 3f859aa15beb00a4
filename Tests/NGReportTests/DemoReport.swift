import Foundation
import NGReport

/// A report with every kind of figure, built from closed-form curves (not measurements): the
/// fixture for the rendering tests and for looking at the output in a browser
/// (`NG_REPORT_DEMO=/tmp/demo swift test --filter DemoReportTests`, then
/// `scripts/render-report.sh /tmp/demo/report.html demo.png`).
enum DemoReport {
    static func record(_ command: String) -> RunRecord {
        RunRecord(command: command, seed: 42, configuration: ["steps": "400", "optimizers": "sgd, adam, kfac, ngd", "damping": "1e-3"], seconds: 12.5)
    }

    static var report: Report {
        Report(title: "NaturalGradient demo report", sections: [convergence, spectra, landscape, efficiency])
    }

    static var convergence: ReportSection {
        let steps = Array(stride(from: 0.0, through: 400, by: 5))
        func curve(_ rate: Double, _ floor: Double, noise: Double) -> [Double] {
            steps.enumerated().map { index, step in floor + 2.3 * exp(-rate * step) * (1 + noise * sin(Double(index) * 1.7)) }
        }
        var diverged = curve(0.02, 0.05, noise: 0.1)
        for index in 30..<diverged.count { diverged[index] = .nan }
        diverged[12] = .infinity
        let series = [
            Series(name: "sgd (lr 0.1)", x: steps, y: curve(0.004, 0.2, noise: 0.05)),
            Series(name: "adam", x: steps, y: curve(0.012, 0.04, noise: 0.08)),
            Series(name: "kfac", x: steps, y: curve(0.035, 0.004, noise: 0.02)),
            Series(name: "ngd (exact)", x: steps, y: curve(0.05, 0.001, noise: 0.0)),
            Series(name: "newton (diverged at step 150)", x: steps, y: diverged),
            Series(name: "shampoo", x: steps, y: curve(0.02, 0.01, noise: 0.03)),
        ]
        let seconds = series.enumerated().map { index, s in
            Series(name: s.name, x: s.x.map { $0 * (0.002 + 0.004 * Double(index)) }, y: s.y)
        }
        let table = Table(
            id: "summary", title: "Final loss & time <per step>",
            columns: ["optimizer", "final loss (nats)", "steps to 0.1", "time/step (ms)", "peak memory (MiB)"],
            rows: series.enumerated().map { index, s in
                [s.name, Table.cell(s.y.last), index == 0 ? "—" : String(20 + 40 * index), Table.cell(2.0 + 4.0 * Double(index), digits: 3), Table.cell(12.5 * Double(index + 1), digits: 3)]
            },
            note: "Steps to 0.1: the first recorded step at which the training loss is ≤ 0.1; — when never.")
        return ReportSection(
            id: "convergence", title: "Convergence on the autoencoder", question: "Which optimizer reaches a low loss in the fewest steps & seconds?",
            findings: ["K-FAC reaches 0.1 nats in 60 steps, 4× fewer than Adam.", "Newton diverged at step 150 (loss became NaN): a gap, not a line to zero."],
            howToRead: "Lower is better. The left plot counts steps, the right one seconds: a method can win the first and lose the second.\n\nThe dashed line is the target loss.",
            tables: [table],
            figures: [
                Figure(id: "loss-vs-steps", title: "Training loss against steps", caption: "Log scale; one line per optimizer.",
                       content: .lines(LinePlot(xAxis: Axis("step"), yAxis: Axis("training loss (nats)", scale: .log), series: series, referenceLines: [ReferenceLine(y: 0.1, label: "target 0.1 nats")]))),
                Figure(id: "loss-vs-seconds", title: "Training loss against wall time", caption: "The same runs against seconds.",
                       content: .lines(LinePlot(xAxis: Axis("wall time (s)"), yAxis: Axis("training loss (nats)", scale: .log), series: seconds, referenceLines: [ReferenceLine(y: 0.1, label: "target")]))),
            ],
            record: record("natgrad experiment convergence --seed 42"))
    }

    static var spectra: ReportSection {
        let n = 120
        let index = (0..<n).map(Double.init)
        let fisher = index.map { 50 * exp(-$0 / 9) + 1e-6 }
        let ggn = index.map { 40 * exp(-$0 / 10) + 1e-6 }
        let empirical = index.map { 70 * exp(-$0 / 6) + 1e-8 }
        let hessian = index.map { i in i < 8 ? -0.3 * exp(-i / 3) : 60 * exp(-(i - 8) / 9) - 2e-4 }
        var matrix = Array(repeating: Array(repeating: 0.0, count: 60), count: 60)
        for i in 0..<60 {
            for j in 0..<60 {
                let sameBlock = (i < 20) == (j < 20) && (i < 45) == (j < 45)
                matrix[i][j] = (sameBlock ? 1.0 : 0.01) * exp(-Double(abs(i - j)) / 6) * (1 + 0.5 * sin(Double(i * j)))
            }
        }
        return ReportSection(
            id: "fisher-vs-hessian", title: "Fisher, GGN and Hessian spectra", question: "How do the curvature matrices differ?",
            findings: ["The empirical Fisher's top eigenvalue is 1.4× the exact Fisher's."],
            howToRead: "Each marker is one eigenvalue, largest first.",
            tables: [Table(id: "mass", title: "Block-diagonal mass", columns: ["matrix", "diagonal-block mass"], rows: [["F", "0.93"], ["H", "0.88"]])],
            figures: [
                Figure(id: "spectra", title: "Eigenvalue spectra", caption: "Eigenvalues in decreasing order.",
                       content: .lines(LinePlot(xAxis: Axis("eigenvalue index"), yAxis: Axis("eigenvalue", scale: .log), series: [
                           Series(name: "exact Fisher", x: index, y: fisher, style: .markers),
                           Series(name: "GGN", x: index, y: ggn, style: .markers),
                           Series(name: "empirical Fisher", x: index, y: empirical, style: .markers),
                       ]))),
                Figure(id: "hessian", title: "Hessian eigenvalues (signed)", caption: "Symmetric log scale: negative eigenvalues below zero.",
                       content: .lines(LinePlot(xAxis: Axis("eigenvalue index"), yAxis: Axis("eigenvalue", scale: .symlog), series: [Series(name: "Hessian", x: index, y: hessian, style: .lineAndMarkers)]))),
                Figure(id: "fisher-heatmap", title: "|F| magnitude pattern", caption: "Layer blocks outlined.",
                       content: .heatmap(Heatmap(values: matrix.map { $0.map(abs) }, logarithmic: true, blockBoundaries: [20, 45], colorLabel: "|F_ij|"))),
                Figure(id: "block-mass", title: "Frobenius mass in diagonal blocks", caption: "Fraction of ‖F‖² on each layer's diagonal block.",
                       content: .bars(BarChart(categories: ["layer 1", "layer 2", "layer 3"], series: [
                           BarSeries(name: "exact Fisher", values: [0.62, 0.21, 0.1]),
                           BarSeries(name: "GGN", values: [0.6, 0.25, 0.08]),
                           BarSeries(name: "Hessian", values: [0.5, 0.3, -0.05]),
                       ], yAxis: Axis("fraction of ‖F‖²")))),
            ],
            record: record("natgrad experiment fisher-vs-hessian"))
    }

    static var landscape: ReportSection {
        // A valley with a saddle: f(x, y) = (x² − 1)² + 2 (y − 0.3 x)² … shifted to be positive.
        let xs = stride(from: -2.0, through: 2.0, by: 0.05).map { $0 }
        let ys = stride(from: -1.5, through: 1.5, by: 0.05).map { $0 }
        let f = { (x: Double, y: Double) in (x * x - 1) * (x * x - 1) + 2 * (y - 0.3 * x) * (y - 0.3 * x) + 0.01 }
        let values = ys.map { y in xs.map { x in f(x, y) } }
        func trajectory(_ name: String, start: (Double, Double), rate: Double, steps: Int) -> Series {
            var x = start.0, y = start.1
            var px: [Double] = [x], py: [Double] = [y]
            for _ in 0..<steps {
                let gx = 4 * x * (x * x - 1) - 1.2 * (y - 0.3 * x), gy = 4 * (y - 0.3 * x)
                x -= rate * gx
                y -= rate * gy
                px.append(x)
                py.append(y)
            }
            return Series(name: name, x: px, y: py, style: .lineAndMarkers)
        }
        return ReportSection(
            id: "landscape", title: "Loss landscape", question: "How do optimizers move through a valley with a saddle?",
            findings: ["GD crawls along the valley floor; NGD heads straight for the minimum."],
            howToRead: "Contours are levels of the loss, log-spaced above the minimum.",
            figures: [
                Figure(id: "slice", title: "Loss on a 2-D slice", caption: "Trajectories from the same start.",
                       content: .contour(ContourPlot(
                           xAxis: Axis("direction 1 (α)"), yAxis: Axis("direction 2 (β)"), xs: xs, ys: ys, values: values, logarithmicLevels: true,
                           trajectories: [
                               trajectory("gd", start: (1.9, -1.3), rate: 0.02, steps: 60),
                               trajectory("ngd", start: (-0.2, 1.2), rate: 0.08, steps: 20),
                               trajectory("adam", start: (0.1, -1.3), rate: 0.05, steps: 30),
                           ],
                           points: [LabelledPoint(x: 1, y: 0.3, label: "minimum"), LabelledPoint(x: -1, y: -0.3, label: "minimum"), LabelledPoint(x: 0, y: 0, label: "saddle")]))),
            ],
            record: record("natgrad experiment landscape"))
    }

    static var efficiency: ReportSection {
        let widths = [16.0, 32, 64, 128, 256, 512]
        let parameters = widths.map { 3 * $0 * $0 }
        let methods: [(String, Double, Double)] = [("sgd", 1e-6, 1), ("adam", 1.5e-6, 1), ("kfac", 4e-6, 1.5), ("ngd (exact)", 1e-9, 3), ("shampoo", 3e-6, 1.5)]
        let series = methods.map { name, scale, exponent in
            Series(name: name, x: parameters, y: parameters.map { scale * pow($0, exponent) }, style: .lineAndMarkers)
        }
        var big = Array(repeating: Array(repeating: 0.0, count: 450), count: 450)
        for i in 0..<450 { for j in 0..<450 { big[i][j] = exp(-Double(abs(i - j)) / 30) } }
        return ReportSection(
            id: "efficiency", title: "Cost per step as width grows", question: "Where does exact NGD stop being affordable?",
            findings: ["Exact NGD's time per step grows as p^3.0; K-FAC's as p^1.5."],
            howToRead: "Log–log axes: a straight line of slope k means cost ∝ pᵏ.",
            tables: [Table(id: "exponents", title: "Fitted growth exponents", columns: ["optimizer", "exponent", "R²"], rows: methods.map { [$0.0, Table.cell($0.2, digits: 3), "0.999"] })],
            figures: [
                Figure(id: "time", title: "Time per step", caption: "Median over 20 steps.",
                       content: .lines(LinePlot(xAxis: Axis("parameters", scale: .log), yAxis: Axis("time per step (s)", scale: .log), series: series))),
                Figure(id: "memory", title: "Peak memory", caption: "Resident set size.",
                       content: .bars(BarChart(categories: ["sgd", "adam", "kfac with inverse every 10 steps", "ngd (exact, dense Fisher)", "shampoo"], series: [
                           BarSeries(name: "width 64", values: [1.2, 2.4, 8, 120, 6]),
                           BarSeries(name: "width 256", values: [4, 8, 40, 30000, 25]),
                       ], yAxis: Axis("peak memory (MiB)", scale: .log)))),
                Figure(id: "big", title: "A 450 × 450 matrix", caption: "Downsampled for display.",
                       content: .heatmap(Heatmap(values: big, logarithmic: false, blockBoundaries: [150, 300], colorLabel: "value"))),
            ],
            record: record("natgrad experiment efficiency"))
    }
}
