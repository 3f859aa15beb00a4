import NGCurvature
import NGExperiments
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGReport
import NGTestSupport
import Testing

@Suite("Experiment: approximation")
struct ApproximationExperimentTests {
    static func problem() throws -> (objective: CurvatureProblems.Classifier, initial: Vector<Double>) {
        try CurvatureProblems.classifier("digits", hidden: [4], examples: 40, seed: 9)
    }

    @Test func blockDiagonalIsExactOnTheBlocksAndZeroOffThem() throws {
        let (objective, start) = try Self.problem()
        let m = try ApproximationMeasurement(
            point: "init", objective: objective, parameters: start, candidates: [.blockDiagonal], relativeDamping: 1e-3, seed: 0)
        // An independent dense Fisher from the curvature estimator.
        let estimator = try CurvatureEstimator(
            network: objective.network, parameters: start, inputs: objective.inputs, targets: objective.targets, likelihood: objective.likelihood)
        let fisher = try estimator.denseMatrix(.exact)
        #expect(CurvatureMetrics.relativeFrobeniusDifference(m.fisher, from: fisher) < 1e-12)
        var approximation = try BlockDiagonalApproximation<Double>(source: .exact)
        try approximation.updateStatistics(at: try objective.evaluate(at: start, batch: .all), layers: objective.layers, decay: 0)
        let blocks = try approximation.denseMatrix()
        let ranges = objective.layers.map(\.range)
        var offBlockSquares = 0.0, fisherSquares = 0.0
        for i in 0..<fisher.rows {
            for j in 0..<fisher.columns {
                fisherSquares += fisher[i, j] * fisher[i, j]
                if ranges.contains(where: { $0.contains(i) && $0.contains(j) }) {
                    #expect(abs(blocks[i, j] - fisher[i, j]) <= 1e-12 * max(1, abs(fisher[i, j])))
                } else {
                    #expect(blocks[i, j] == 0)
                    offBlockSquares += fisher[i, j] * fisher[i, j]
                }
            }
        }
        // Its error is exactly the off-block part of F.
        let expected = (offBlockSquares / fisherSquares).squareRoot()
        #expect(abs(m.result(.blockDiagonal)!.relativeError - expected) <= 1e-10 * expected)
        // The reference direction solves (F + λI)·d = g.
        let residual = try fisher.addingToDiagonal(m.damping).multiplied(by: m.exactDirection) - m.gradient
        #expect(residual.norm <= 1e-8 * m.gradient.norm)
    }

    @Test func lowRankErrorFallsWithRankAndMonteCarloErrorWithSamples() throws {
        let (objective, start) = try Self.problem()
        let m = try ApproximationMeasurement(
            point: "init", objective: objective, parameters: start,
            candidates: [.lowRank(2), .lowRank(8), .lowRank(32), .monteCarlo(1), .monteCarlo(64), .empirical, .neumann(1), .neumann(16)],
            relativeDamping: 1e-3, seed: 3)
        let low = [2, 8, 32].map { m.result(.lowRank($0))!.relativeError }
        #expect(low[0] > low[1] && low[1] > low[2], "low-rank errors \(low)")
        // The Frobenius-optimal rank-r error is √(Σ_{i>r} λᵢ²)/‖F‖ (Eckart–Young); a converged sketch attains it.
        let spectrum = try CurvatureMetrics.spectrum(m.fisher).reversed().map { $0 }
        let total = spectrum.map { $0 * $0 }.reduce(0, +)
        let optimal8 = (spectrum.dropFirst(8).map { $0 * $0 }.reduce(0, +) / total).squareRoot()
        #expect(low[1] >= optimal8 * (1 - 1e-6) && low[1] <= optimal8 * 1.05, "rank 8: \(low[1]) vs optimum \(optimal8)")
        // Monte-Carlo noise shrinks like 1/√k: 64 labels give a far smaller error than one.
        let mc1 = m.result(.monteCarlo(1))!.relativeError, mc64 = m.result(.monteCarlo(64))!.relativeError
        #expect(mc64 < mc1 / 3, "MC errors \(mc1) vs \(mc64)")
        // A longer Neumann series is a better inverse.
        #expect(m.result(.neumann(16))!.cosine > m.result(.neumann(1))!.cosine)
    }

    @Test func neumannEffectiveMatrixInvertsTheSeries() throws {
        let (objective, start) = try Self.problem()
        let point = try objective.evaluate(at: start, batch: .all)
        var series = try NeumannSeriesApproximation(order: 6, base: try ExactCurvatureApproximation<Double>(source: .exact))
        try series.updateStatistics(at: point, layers: objective.layers, decay: 0)
        let damping = 1e-2
        try series.updateInverse(damping: damping)
        let fisher = try series.denseMatrix()
        let effective = ApproximationMeasurement.effectiveMatrix(
            try SymmetricEigendecomposition(fisher), order: 6, scale: try #require(series.scale), damping: damping)
        // (F̃ + λI)·S_K = I with S_K applied by the series itself (P solves).
        let product = try effective.addingToDiagonal(damping).multiplied(by: try series.denseInverse())
        #expect(TestMatrices.maxDifference(product, Matrix<Double>.identity(fisher.rows)) < 1e-8)
    }

    @Test func theTableReportsCosinesOfTheMeasuredDirections() throws {
        let settings = ExperimentSettings(seed: 1, scale: .smoke, command: "test")
        let result = try ApproximationExperiment.measure(.smoke, seed: 1)
        let section = ApproximationExperiment.section(result, configuration: .smoke, settings: settings, seconds: 0)
        #expect(section.id == "approximation")
        #expect(section.figures.map(\.id) == ["relative-error", "cosine"])
        #expect(section.record.seed == 1)
        let table = try #require(section.tables.first)
        #expect(table.rows.count == result.candidates.count)
        let column = try #require(table.columns.firstIndex(of: "cosine (init)"))
        for (row, candidate) in zip(table.rows, result.candidates) {
            let d = result.initialization.result(candidate)!.direction, e = result.initialization.exactDirection
            var dot = 0.0, dd = 0.0, ee = 0.0
            for k in 0..<d.count { dot += d[k] * e[k]; dd += d[k] * d[k]; ee += e[k] * e[k] }
            #expect(row[column] == Table.cell(dot / (dd * ee).squareRoot(), digits: 4), "\(candidate.name)")
        }
        guard case let .bars(errors) = section.figures[0].content else { Issue.record("not a bar chart"); return }
        #expect(errors.yAxis.scale == .log && errors.categories.count == result.candidates.count)
    }

    @Test func metricsAgreeWithNaiveLoopsAndClosedForms() {
        let a = TestMatrices.gaussian(4, 4, seed: 1, as: Double.self), b = TestMatrices.gaussian(4, 4, seed: 2, as: Double.self)
        var difference = 0.0, reference = 0.0
        for k in 0..<16 { difference += (a.elements[k] - b.elements[k]) * (a.elements[k] - b.elements[k]); reference += b.elements[k] * b.elements[k] }
        #expect(abs(CurvatureMetrics.relativeFrobeniusDifference(a, from: b) - (difference / reference).squareRoot()) < 1e-14)
        #expect(abs(CurvatureMetrics.cosine(Vector([1, 0]), Vector([1, 1])) - 0.5.squareRoot()) < 1e-15)
        #expect(CurvatureMetrics.cosine(Vector([0, 0]), Vector([1, 1])).isNaN)
        // y = 3·x² has slope 2 on log-log axes.
        #expect(abs((TimingPowerLaw(x: [0.1, 0.2, 0.4], y: [0.03, 0.12, 0.48])?.exponent ?? .nan) - 2) < 1e-12)
        let pooled = CurvatureMetrics.pooledMagnitudes(try! Matrix([[1, -3, 5], [-1, 3, 0], [2, 2, 2]]), cell: 2)
        #expect(pooled == [[2, 2.5], [2, 2]])
    }
}
