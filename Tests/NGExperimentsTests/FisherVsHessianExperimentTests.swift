import NGCurvature
import NGExperiments
import NGLinearAlgebra
import NGModels
import NGRandom
import NGReport
import NGTestSupport
import Testing

@Suite("Experiment: fisher-vs-hessian")
struct FisherVsHessianExperimentTests {
    /// A random point with entries N(0, scale²).
    static func randomPoint(_ count: Int, scale: Double, seed: UInt64) -> Vector<Double> {
        var generator = SeededGenerator(seed: seed)
        return Vector((0..<count).map { _ in scale * generator.normal() })
    }

    @Test func logisticRegressionFisherEqualsHessian() throws {
        let (objective, start) = try CurvatureProblems.breastCancerLogistic()
        for theta in [start, Self.randomPoint(objective.parameterCount, scale: 0.3, seed: 1)] {
            let m = try FisherVsHessianMeasurement(
                model: "logistic", point: "p", network: objective.network, likelihood: objective.likelihood, inputs: objective.inputs,
                targets: objective.targets, parameters: theta)
            // F (syrk of per-example gradients of the output Fisher's square root) and H (P exact
            // Hessian-vector products) are assembled along different paths.
            #expect(m.relativeDifference(.hessian, from: .exact) < 1e-10)
            #expect(m.relativeDifference(.ggn, from: .exact) < 1e-10)
            // A one-layer model is its own block.
            for kind in FisherVsHessianMeasurement.kinds { #expect(abs(m.blockMass[kind]! - 1) < 1e-12) }
        }
        // At θ = 0 every p = ½, so (p − y)² = p(1 − p) = ¼ and the empirical Fisher is the Fisher;
        // anywhere else it is a different matrix.
        let zero = try FisherVsHessianMeasurement(
            model: "logistic", point: "0", network: objective.network, likelihood: objective.likelihood, inputs: objective.inputs,
            targets: objective.targets, parameters: start)
        #expect(zero.relativeDifference(.empirical, from: .exact) < 1e-12)
        let elsewhere = try FisherVsHessianMeasurement(
            model: "logistic", point: "p", network: objective.network, likelihood: objective.likelihood, inputs: objective.inputs,
            targets: objective.targets, parameters: Self.randomPoint(objective.parameterCount, scale: 0.3, seed: 1))
        #expect(elsewhere.relativeDifference(.empirical, from: .exact) > 1e-2)
    }

    @Test func networkFisherEqualsGaussNewtonAndTheHessianIsIndefiniteAtInitialization() throws {
        let (objective, start) = try CurvatureProblems.classifier("digits", hidden: [3], examples: 40, seed: 2)
        let m = try FisherVsHessianMeasurement(
            model: "mlp", point: "init", network: objective.network, likelihood: objective.likelihood, inputs: objective.inputs,
            targets: objective.targets, parameters: start)
        #expect(m.relativeDifference(.ggn, from: .exact) < 1e-10)
        #expect(m.relativeDifference(.hessian, from: .exact) > 1e-3)
        #expect(m.negativeEigenvalueCount(.hessian) > 0)
        for kind in [CurvatureKind.exact, .empirical, .ggn] { #expect(m.negativeEigenvalueCount(kind) == 0) }
        for kind in FisherVsHessianMeasurement.kinds {
            let spectrum = m.spectra[kind]!
            #expect(spectrum.count == m.parameterCount)
            #expect(zip(spectrum, spectrum.dropFirst()).allSatisfy { $0 <= $1 })
            // Σλ = trace, an identity independent of the eigensolver's ordering.
            let trace = m.matrices[kind]!.diagonal.elements.reduce(0, +)
            #expect(abs(spectrum.reduce(0, +) - trace) <= 1e-9 * max(1, spectrum.map(abs).reduce(0, +)))
            let share = m.blockMass[kind]!
            #expect(share >= 0 && share <= 1)
        }
    }

    @Test func blockMassMatchesItsClosedForm() throws {
        // blockdiag(A, B) plus a coupling C in both off-diagonal blocks: the share is
        // (‖A‖² + ‖B‖²) / (‖A‖² + ‖B‖² + 2‖C‖²).
        let a = TestMatrices.gaussian(3, 3, seed: 5, as: Double.self)
        let b = TestMatrices.gaussian(2, 2, seed: 6, as: Double.self)
        let c = TestMatrices.gaussian(3, 2, seed: 7, as: Double.self)
        var m = Matrix<Double>(rows: 5, columns: 5)
        for i in 0..<3 { for j in 0..<3 { m[i, j] = a[i, j] } }
        for i in 0..<2 { for j in 0..<2 { m[3 + i, 3 + j] = b[i, j] } }
        for i in 0..<3 { for j in 0..<2 { m[i, 3 + j] = c[i, j]; m[3 + j, i] = c[i, j] } }
        let squared = { (x: Matrix<Double>) in x.elements.map { $0 * $0 }.reduce(0, +) }
        let expected = (squared(a) + squared(b)) / (squared(a) + squared(b) + 2 * squared(c))
        #expect(abs(CurvatureMetrics.blockMassShare(m, blocks: [0..<3, 3..<5]) - expected) < 1e-14)
        #expect(abs(CurvatureMetrics.blockMassShare(m, blocks: [0..<5]) - 1) < 1e-14)
    }

    @Test func theSmokeSectionReportsTheMeasuredNumbers() throws {
        let settings = ExperimentSettings(seed: 4, scale: .smoke, command: "test")
        let result = try FisherVsHessianExperiment.measure(.smoke, seed: 4)
        let section = try FisherVsHessianExperiment.section(result, configuration: .smoke, settings: settings, seconds: 0)
        #expect(section.id == "fisher-vs-hessian")
        #expect(section.tables.map(\.id) == ["differences", "block-mass", "training"])
        #expect(section.figures.count == 9)
        #expect(section.findings.count == 7)
        #expect(section.record.seed == 4)
        // The table's ‖H − F‖/‖F‖ for the MLP at initialization is the recomputed difference.
        let table = section.tables[0]
        let column = try #require(table.columns.firstIndex(of: "‖H−F‖/‖F‖"))
        let m = result.measurements[2]
        let recomputed = CurvatureMetrics.relativeFrobeniusDifference(m.matrices[.hessian]!, from: m.matrices[.exact]!)
        #expect(table.rows[2][column] == Table.cell(recomputed, digits: 3))
        // The trained point has a lower loss than the start (NGD decreased it).
        #expect(result.measurements[3].loss < result.measurements[2].loss)
        // Heatmaps carry the layer boundary.
        guard case let .heatmap(heatmap) = section.figures[4].content else { Issue.record("figure 4 is not a heatmap"); return }
        #expect(heatmap.blockBoundaries.count == 1)
    }
}
