import Foundation
import NGLinearAlgebra
import NGReport

/// The landscape experiment's tables, contour figures and findings, from its measurements.
struct LandscapeSectionBuilder {
    let gaussian: LandscapeExactStudies.Outcome
    let optimum: (mu: Double, s: Double)
    /// The Gaussian's mean NLL on the diabetes targets (part (i)).
    let gaussianObjective: LandscapeClosedFormObjective
    let slice: LandscapeNetworkSlice.Outcome
    let saddle: LandscapeExactStudies.Outcome
    let moments: (sxx: Double, sxy: Double, syy: Double)
    let plan: LandscapeExperiment.Plan

    /// ab at the minima of the deep-linear model.
    var product: Double { moments.sxy / moments.sxx }
    /// J at the saddle (0, 0) and at the minima.
    var saddleLoss: Double { moments.syy / 2 }
    var minimumLoss: Double { (moments.syy - moments.sxy * moments.sxy / moments.sxx) / 2 }

    func section(record: RunRecord) -> ReportSection {
        ReportSection(
            id: "landscape", title: LandscapeExperiment.experiment.title,
            question: "What do gradient descent, natural-gradient descent, Newton's method and Adam do on an actual loss surface — an exact "
                + "2-parameter model, a slice of a network, and near a saddle point?",
            findings: findings(),
            howToRead: "Contour lines join points of equal loss (levels spaced logarithmically above the minimum); each path starts at the "
                + "labelled start and has one marker per step. On the Gaussian model the axes are the true parameters; on the network the "
                + "axes are the coefficients of two random filter-normalized directions around the trained point θ*, and the paths are "
                + "projections (the table gives how far each ends off the plane). A method that follows the metric of the model (NGD) "
                + "moves straight across badly scaled valleys; GD zig-zags or crawls; undamped Newton goes to the nearest stationary "
                + "point, minimum or saddle.",
            tables: [exactTable(), sliceTable(), saddleTable()],
            figures: [exactFigure(), sliceFigure(), saddleFigure()],
            record: record)
    }

    // MARK: Tables

    func distance(_ point: [Double], _ target: (Double, Double)) -> Double {
        ((point[0] - target.0) * (point[0] - target.0) + (point[1] - target.1) * (point[1] - target.1)).squareRoot()
    }

    var gaussianMinimum: Double {
        gaussianObjective.value(.init([optimum.mu, optimum.s]))
    }

    func exactTable() -> Table {
        let minimum = gaussianMinimum
        let rows = gaussian.trajectories.map { t -> [String] in
            [
                t.label, "\(t.points.count - 1)", Table.cell(t.losses.last), Table.cell(t.losses.last.map { $0 - minimum }, digits: 3),
                Table.cell(distance(t.last, (optimum.mu, optimum.s)), digits: 3),
                t.firstStep(below: minimum + 1e-6).map(String.init) ?? "—", t.stopped ?? "",
            ]
        }
        return Table(
            id: "exact-paths", title: "Gaussian N(μ, σ²) in (μ, log σ): paths from (μ* − 1.2, s* − 0.6)",
            columns: ["method", "steps", "final loss (nats)", "above the minimum (nats)", "distance to (μ*, s*)", "first step within 1e-6 nats", "stopped"],
            rows: rows, note: "Minimum \(Table.cell(minimum)) nats at μ* = \(Table.cell(optimum.mu)), s* = log σ* = \(Table.cell(optimum.s)).")
    }

    func sliceTable() -> Table {
        let rows = slice.paths.map { p -> [String] in
            [
                p.trajectory.label, "\(p.trajectory.points.count - 1)", Table.cell(p.trajectory.losses.first), Table.cell(p.trajectory.losses.last),
                Table.cell(p.alphas.last, digits: 3), Table.cell(p.betas.last, digits: 3), Table.cell(p.finalOffPlaneShare, digits: 3),
                p.trajectory.stopped ?? "",
            ]
        }
        return Table(
            id: "slice-paths", title: "MLP (\(slice.parameterCount) parameters) on the digits: paths started on the slice",
            columns: ["method", "steps", "start loss (nats)", "final loss (nats)", "final α", "final β", "off-plane share", "stopped"], rows: rows,
            note: "θ* (α = β = 0) has loss \(Table.cell(slice.centerLoss)) nats; off-plane share = distance from the plane / ‖θ − θ*‖ at the end.")
    }

    /// What a saddle path converged to.
    func verdict(_ t: LandscapeTrajectory) -> String {
        let last = t.last
        if distance(last, (0, 0)) < 1e-3 { return "converged to the saddle" }
        if abs(last[0] * last[1] - product) < 1e-3 * abs(product) { return "reached a minimum" }
        return "neither yet"
    }

    /// The first step at which J is halfway from the saddle's value to the minimum's.
    func escapeStep(_ t: LandscapeTrajectory) -> Int? { t.firstStep(below: (saddleLoss + minimumLoss) / 2) }

    func saddleTable() -> Table {
        let rows = saddle.trajectories.map { t -> [String] in
            [
                t.label, "\(t.points.count - 1)", escapeStep(t).map(String.init) ?? "—", Table.cell(t.losses.last),
                Table.cell(distance(t.last, (0, 0)), digits: 3), Table.cell(abs(t.last[0] * t.last[1] - product), digits: 3), verdict(t), t.stopped ?? "",
            ]
        }
        return Table(
            id: "saddle-paths", title: "Deep linear ŷ = a·b·x: paths from next to the saddle (0, 0)",
            columns: ["method", "steps", "escape step", "final loss", "distance to saddle", "|ab − ab*|", "outcome", "stopped"], rows: rows,
            note: "Saddle loss \(Table.cell(saddleLoss)), minimum loss \(Table.cell(minimumLoss)) on ab* = \(Table.cell(product)); "
                + "escape step = first step with the loss halfway down from the saddle to the minimum.")
    }

    // MARK: Figures

    func series(_ trajectories: [LandscapeTrajectory]) -> [Series] {
        trajectories.map { Series(name: $0.label, x: $0.points.map { $0[0] }, y: $0.points.map { $0[1] }, style: .lineAndMarkers) }
    }

    func exactFigure() -> Figure {
        let start = gaussian.trajectories.first?.points.first ?? [0, 0]
        return Figure(
            id: "exact-contour", title: "Gaussian N(μ, σ²) on the diabetes targets, in (μ, log σ)",
            caption: "Mean negative log-likelihood (nats). The Fisher diag(1/σ², 2) stretches μ where σ is small; NGD's steps follow it.",
            content: .contour(ContourPlot(
                xAxis: Axis("mean μ (progression / 100)", minimum: gaussian.xs.first, maximum: gaussian.xs.last),
                yAxis: Axis("s = log σ", minimum: gaussian.ys.first, maximum: gaussian.ys.last), xs: gaussian.xs, ys: gaussian.ys,
                values: gaussian.values, logarithmicLevels: true, trajectories: series(gaussian.trajectories),
                points: [LabelledPoint(x: optimum.mu, y: optimum.s, label: "minimum"), LabelledPoint(x: start[0], y: start[1], label: "start")], valueLabel: "mean NLL (nats)")))
    }

    func sliceFigure() -> Figure {
        let paths = slice.paths.map {
            Series(name: $0.trajectory.label, x: $0.alphas, y: $0.betas, style: .lineAndMarkers)
        }
        let start = (plan.slice.start.alpha, plan.slice.start.beta)
        return Figure(
            id: "network-contour", title: "MLP on the digits: slice along two filter-normalized random directions",
            caption: "Cross-entropy (nats) on θ* + α·d₁ + β·d₂; paths are least-squares projections of the iterates onto the plane.",
            content: .contour(ContourPlot(
                xAxis: Axis("α (direction d₁)", minimum: slice.xs.first, maximum: slice.xs.last),
                yAxis: Axis("β (direction d₂)", minimum: slice.ys.first, maximum: slice.ys.last), xs: slice.xs, ys: slice.ys, values: slice.values,
                logarithmicLevels: true, trajectories: paths,
                points: [LabelledPoint(x: 0, y: 0, label: "θ* (trained)"), LabelledPoint(x: start.0, y: start.1, label: "start")], valueLabel: "training loss (nats)")))
    }

    func saddleFigure() -> Figure {
        let root = product > 0 ? product.squareRoot() : 0
        let start = saddle.trajectories.first?.points.first ?? [0, 0]
        return Figure(
            id: "saddle-contour", title: "The saddle of the deep linear model ŷ = a·b·x",
            caption: "½·mean squared error; the minima are the hyperbola ab = ab*, (0, 0) is a saddle with curvature ±Sxy.",
            content: .contour(ContourPlot(
                xAxis: Axis("a (first-layer weight)", minimum: saddle.xs.first, maximum: saddle.xs.last),
                yAxis: Axis("b (second-layer weight)", minimum: saddle.ys.first, maximum: saddle.ys.last), xs: saddle.xs, ys: saddle.ys,
                values: saddle.values, logarithmicLevels: true, trajectories: series(saddle.trajectories),
                points: [
                    LabelledPoint(x: 0, y: 0, label: "saddle"), LabelledPoint(x: root, y: root, label: "minimum (ab = ab*)"),
                    LabelledPoint(x: -root, y: -root, label: "minimum (ab = ab*)"), LabelledPoint(x: start[0], y: start[1], label: "start"),
                ], valueLabel: "mean loss, ½·squared error")))
    }

    // MARK: Findings

    func findings() -> [String] {
        var lines = [String]()
        let minimum = gaussianMinimum
        let exact = gaussian.trajectories.map { t in
            "\(t.label) \(Table.cell((t.losses.last ?? .nan) - minimum, digits: 2)) nats above the minimum after \(t.points.count - 1) steps"
                + (t.firstStep(below: minimum + 1e-6).map { " (within 1e-6 at step \($0))" } ?? "") + (t.stopped.map { ", stopped at \($0)" } ?? "")
        }
        lines.append("Gaussian in (μ, log σ): " + exact.joined(separator: "; ") + ".")
        if let start = gaussian.trajectories.first?.points.first,
            let eigen = try? SymmetricEigendecomposition(gaussianObjective.hessian(Vector(start))) {
            let values = eigen.eigenvalues.elements
            lines.append(
                "At the start the Hessian's eigenvalues are \(values.map { Table.cell($0, digits: 3) }.joined(separator: " and "))"
                    + (values.contains { $0 < 0 } ? " (indefinite: Newton's quadratic model has no minimum there)" : "")
                    + ", while the Fisher is diag(\(Table.cell(exp(-2 * start[1]), digits: 3)), 2), positive definite everywhere.")
        }
        let slices = slice.paths.map { p in
            "\(p.trajectory.label) from \(Table.cell(p.trajectory.losses.first ?? .nan)) to \(Table.cell(p.trajectory.losses.last ?? .nan)) nats "
                + "(ending \(Table.cell(100 * p.finalOffPlaneShare, digits: 2)) % off the plane)"
        }
        lines.append("Network slice (\(slice.parameterCount) parameters, θ* at \(Table.cell(slice.centerLoss)) nats): " + slices.joined(separator: "; ") + ".")
        let saddles = saddle.trajectories.map { t in
            "\(t.label): \(verdict(t)) after \(t.points.count - 1) steps" + (escapeStep(t).map { ", escaped at step \($0)" } ?? ", never escaped")
                + ", distance to the saddle \(Table.cell(distance(t.last, (0, 0)), digits: 2))"
        }
        lines.append("Saddle of ŷ = a·b·x (start 0.2 from the saddle, 10⁻³ along the escape direction): " + saddles.joined(separator: "; ") + ".")
        return lines
    }
}
