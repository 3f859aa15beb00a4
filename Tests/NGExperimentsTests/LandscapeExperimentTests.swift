import Foundation
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGReport
import NGTestSupport
import Testing

@testable import NGExperiments

@Suite("Experiment: landscape")
struct LandscapeExperimentTests {
    /// A small network objective on the digits.
    static func digits() throws -> (NetworkObjective<Double, CategoricalLikelihood<Double>>, Vector<Double>) {
        var generator = SeededGenerator(seed: 4)
        let task = try SmallDigitsTask<Double>(exampleCount: 30, generator: &generator)
        let network = try task.network(hidden: [5])
        return (try task.objective(network), network.initialParameters(scheme: .glorotUniform, generator: &generator))
    }

    @Test func sliceValuesAreTheLossAtTheCombinedParameters() throws {
        let (objective, center) = try Self.digits()
        var generator = SeededGenerator(seed: 9)
        let d1 = LandscapePlane.filterNormalizedDirection(layers: objective.layers, parameters: center, generator: &generator)
        let d2 = LandscapePlane.filterNormalizedDirection(layers: objective.layers, parameters: center, generator: &generator)
        let plane = LandscapePlane(center: center, first: d1, second: d2)
        let xs = [-1.0, 0, 0.5], ys = [-0.25, 1]
        let values = try plane.grid(xs: xs, ys: ys) { try objective.loss(at: $0, batch: .all) }
        #expect(values.count == ys.count && values.allSatisfy { $0.count == xs.count })
        for (j, beta) in ys.enumerated() {
            for (i, alpha) in xs.enumerated() {
                let combined = Vector((0..<center.count).map { center[$0] + alpha * d1[$0] + beta * d2[$0] })
                #expect(abs(values[j][i] - (try objective.loss(at: combined, batch: .all))) < 1e-12)
            }
        }
        #expect(abs(values[0][1] - values[1][1]) > 1e-6)  // the slice is not flat along β
    }

    @Test func filterNormalizationGivesEachFilterItsWeightsNorm() throws {
        let (objective, center) = try Self.digits()
        var generator = SeededGenerator(seed: 11)
        let direction = LandscapePlane.filterNormalizedDirection(layers: objective.layers, parameters: center, generator: &generator)
        for layout in objective.layers {
            for row in 0..<layout.rows {
                let indices = (0..<layout.columns).map { layout.flatIndex(row: row, column: $0) }
                let directionNorm = indices.reduce(0.0) { $0 + direction[$1] * direction[$1] }.squareRoot()
                let weightNorm = indices.reduce(0.0) { $0 + center[$1] * center[$1] }.squareRoot()
                #expect(abs(directionNorm - weightNorm) < 1e-12 * max(1, weightNorm))
                #expect(weightNorm > 0)
            }
            #expect(layout.biasRange.allSatisfy { direction[$0] == 0 })
        }
        // Not the weights themselves: a random direction.
        #expect(abs(try direction.dot(center)) < 0.9 * direction.norm * center.norm)
    }

    @Test func projectionRecoversPlaneCoordinatesAndTheOffPlaneDistance() throws {
        let plane = LandscapePlane(center: Vector([1, 2, 3]), first: Vector([1, 1, 0]), second: Vector([0, 1, 0]))
        let inPlane = plane.coordinates(of: plane.point(0.3, -2))
        #expect(abs(inPlane.alpha - 0.3) < 1e-14 && abs(inPlane.beta + 2) < 1e-14 && inPlane.offPlane < 1e-14)
        var lifted = plane.point(-1, 0.5)
        lifted[2] += 0.75  // perpendicular to both directions
        let off = plane.coordinates(of: lifted)
        #expect(abs(off.alpha + 1) < 1e-14 && abs(off.beta - 0.5) < 1e-14 && abs(off.offPlane - 0.75) < 1e-14)
    }

    /// Central differences of the closed forms: ∇J and H of both 2-parameter models.
    @Test func closedFormDerivativesMatchFiniteDifferences() throws {
        let models = [
            LandscapeModels.gaussian(data: [0.3, 1.1, 2.5, 1.9, 0.7]), LandscapeModels.deepLinear(sxx: 1.2, sxy: 2.1, syy: 4.3),
        ]
        let h = 1e-5
        for model in models {
            for theta in [Vector([0.4, -0.3]), Vector([-1.2, 0.8])] {
                let g = model.gradient(theta), hessian = model.hessian(theta)
                for k in 0..<2 {
                    var plus = theta, minus = theta
                    plus[k] += h
                    minus[k] -= h
                    #expect(abs((model.value(plus) - model.value(minus)) / (2 * h) - g[k]) < 1e-7)
                    let column = model.gradient(plus) - model.gradient(minus)
                    for i in 0..<2 { #expect(abs(column[i] / (2 * h) - hessian[i, k]) < 1e-6) }
                }
            }
        }
    }

    /// For the Gaussian, F = H at the optimum (the expected Hessian equals the observed one
    /// there), the gradient vanishes, and F = E[∇ℓ∇ℓᵀ] under the model (checked by quadrature
    /// of the per-observation scores: ∂μ ℓ = −(x − μ)/σ², ∂s ℓ = 1 − (x − μ)²/σ²).
    @Test func gaussianFisherIsTheExpectedScoreOuterProduct() throws {
        let data = [0.3, 1.1, 2.5, 1.9, 0.7]
        let model = LandscapeModels.gaussian(data: data)
        let optimum = LandscapeModels.gaussianOptimum(data: data)
        let atOptimum = Vector([optimum.mu, optimum.s])
        #expect(model.gradient(atOptimum).norm < 1e-12)
        #expect(TestMatrices.maxDifference(model.fisher(atOptimum), model.hessian(atOptimum)) < 1e-12)
        // E over x ~ N(μ, σ²) by Monte Carlo with many seeded draws (x − μ = σ·z).
        let (mu, s) = (0.4, -0.2), sigma = exp(s)
        var generator = SeededGenerator(seed: 1)
        var sum = [[0.0, 0.0], [0.0, 0.0]]
        let draws = 200_000
        for _ in 0..<draws {
            let z = generator.normal()
            let score = [-z / sigma, 1 - z * z]
            for i in 0..<2 { for j in 0..<2 { sum[i][j] += score[i] * score[j] / Double(draws) } }
        }
        let fisher = model.fisher(Vector([mu, s]))
        for i in 0..<2 { for j in 0..<2 { #expect(abs(sum[i][j] - fisher[i, j]) < 0.03 * max(1, abs(fisher[i, j]))) } }
    }

    /// What must hold at a saddle: undamped Newton, started next to it, converges to it; the
    /// damped (Levenberg–Marquardt) Newton, which only accepts decreasing steps, does not.
    @Test func undampedNewtonConvergesToTheSaddleDampedNewtonEscapes() throws {
        let m = LandscapeExactStudies.saddleMoments(seed: 0)
        let objective = LandscapeModels.deepLinear(sxx: m.sxx, sxy: m.sxy, syy: m.syy)
        let start = LandscapeExactStudies.saddleStart()
        let pure = LandscapeTrajectory.run(label: "pure", optimizer: LandscapePureNewton(), objective: objective, start: start, steps: 20)
        #expect(Vector(pure.last).norm < 1e-10)
        #expect(abs(pure.losses.last! - m.syy / 2) < 1e-12)  // J at the saddle
        let damped = LandscapeTrajectory.run(label: "lm", optimizer: try Newton<Double>(), objective: objective, start: start, steps: 60)
        #expect(Vector(damped.last).norm > 0.5)
        #expect(abs(damped.last[0] * damped.last[1] - m.sxy / m.sxx) < 1e-3)
        #expect(damped.losses.last! < pure.losses.last!)
    }

    @Test func smokeRunHasTheSectionsStructure() throws {
        let section = try LandscapeExperiment.experiment.run(ExperimentSettings(seed: 3, scale: .smoke, command: "test"))
        #expect(section.id == "landscape")
        #expect(section.tables.map(\.id) == ["exact-paths", "slice-paths", "saddle-paths"])
        #expect(section.figures.map(\.id) == ["exact-contour", "network-contour", "saddle-contour"])
        for figure in section.figures {
            guard case let .contour(plot) = figure.content else { Issue.record("\(figure.id) is not a contour plot"); continue }
            #expect(plot.values.count == plot.ys.count)
            #expect(plot.trajectories.count >= 4)
            #expect(plot.values.joined().allSatisfy { $0.isFinite })
        }
        #expect(section.tables[2].rows.count == 5)
        #expect(section.findings.count == 4)
        #expect(section.record.seed == 3)
    }
}
