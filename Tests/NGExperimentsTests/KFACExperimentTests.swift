import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGRandom
import NGReport
import NGTestSupport
import Testing

@testable import NGExperiments

@Suite("Experiment: kfac")
struct KFACExperimentTests {
    /// A network objective on random inputs; Gaussian targets for `.gaussian`, one-hot otherwise.
    static func point<T: BLASScalar>(
        sizes: [Int], activation: ActivationFunction, examples: Int, seed: UInt64, as _: T.Type
    ) throws -> (NetworkPoint<T, GaussianLikelihood<T>>, [LayerParameterLayout]) {
        var generator = SeededGenerator(seed: seed)
        let network = try Network<T>.multilayerPerceptron(sizes: sizes, activation: activation)
        let inputs = TestMatrices.gaussian(examples, sizes[0], seed: seed &+ 1, as: T.self)
        let targets = TestMatrices.gaussian(examples, sizes.last!, seed: seed &+ 2, as: T.self)
        let objective = try NetworkObjective(network: network, likelihood: GaussianLikelihood<T>(), inputs: inputs, targets: targets)
        let parameters = network.initialParameters(scheme: .glorotUniform, generator: &generator)
        return (try objective.evaluate(at: parameters, batch: .all), objective.layers)
    }

    /// A linear network with Gaussian output: F = I ⊗ E[x̃x̃ᵀ] = G ⊗ A exactly, for any batch, so
    /// K-FAC's matrix equals F and its exactly damped direction is exact NGD's.
    func linearGaussianIsExact<T: BLASScalar>(_: T.Type, tolerance: Double) throws {
        let (point, layers) = try Self.point(sizes: [4, 3], activation: .identity, examples: 25, seed: 3, as: T.self)
        let (directions, matrices) = try KFACDirectionComparison.measure(at: point, layers: layers, dampings: [1e-3, 1e-1])
        #expect(matrices.kfac < tolerance)
        #expect(matrices.blockDiagonal < tolerance)  // one layer: the block is the whole matrix
        for d in directions {
            #expect(abs(d.kfacExactDampingCosine - 1) < tolerance)
            #expect(abs(d.blockDiagonalCosine - 1) < tolerance)
            #expect(d.gradientCosine < 1 - 1e-3)  // F ≠ I here: the gradient is not the natural gradient
        }
    }

    @Test func kfacIsExactForALinearGaussianNetworkDouble() throws { try linearGaussianIsExact(Double.self, tolerance: 1e-10) }
    @Test func kfacIsExactForALinearGaussianNetworkFloat() throws { try linearGaussianIsExact(Float.self, tolerance: 2e-3) }

    /// One example: each K-FAC block equals the exact Fisher's layer block (a single outer
    /// product factorizes), but the cross-layer blocks are dropped.
    @Test func oneExampleGivesTheExactLayerBlocks() throws {
        let (point, layers) = try Self.point(sizes: [3, 4, 2], activation: .tanh, examples: 1, seed: 5, as: Double.self)
        let (directions, matrices) = try KFACDirectionComparison.measure(at: point, layers: layers, dampings: [1e-2])
        #expect(matrices.kfacAgainstBlocks < 1e-10)
        #expect(matrices.blockDiagonal > 1e-3)  // two layers: F has cross-layer blocks
        #expect(abs(directions[0].kfacExactDampingCosine - directions[0].blockDiagonalCosine) < 1e-10)
    }

    /// The reported cosine equals one recomputed from a dense solve with K-FAC's assembled matrix.
    @Test func reportedCosineMatchesADenseRecomputation() throws {
        let (point, layers) = try Self.point(sizes: [3, 5, 2], activation: .tanh, examples: 12, seed: 7, as: Double.self)
        let lambda = 1e-2
        let (directions, _) = try KFACDirectionComparison.measure(at: point, layers: layers, dampings: [lambda])
        var kfac = try KFACApproximation<Double>(source: .exact)
        try kfac.updateStatistics(at: point, layers: layers, decay: 0)
        let fisher = try point.denseCurvature(.exact, samples: 1, seed: 0)
        let exact = try Cholesky(fisher.addingToDiagonal(lambda)).solve(point.gradient)
        let approximate = try Cholesky(try kfac.denseMatrix().addingToDiagonal(lambda)).solve(point.gradient)
        let cosine = try exact.dot(approximate) / (exact.norm * approximate.norm)
        #expect(abs(directions[0].kfacExactDampingCosine - cosine) < 1e-10)
        #expect(directions[0].kfacExactDampingCosine < 1 - 1e-6)  // two layers, 12 examples: not exact
    }

    @Test func cosineAndRelativeErrorByHand() throws {
        #expect(abs(CurvatureMetrics.cosine(Vector<Double>([1, 0]), Vector([1, 1])) - 0.5.squareRoot()) < 1e-15)
        let a = try Matrix<Double>([[1, 0], [0, 1]]), b = try Matrix<Double>([[2, 0], [0, 0]])
        #expect(abs(CurvatureMetrics.relativeFrobeniusDifference(a, from: b) - 0.5.squareRoot()) < 1e-15)  // ‖a − b‖ / ‖b‖ = √2 / 2
    }

    @Test func smokeRunHasTheSectionsStructure() throws {
        let section = try KFACExperiment.experiment.run(ExperimentSettings(seed: 1, scale: .smoke, command: "test"))
        #expect(section.id == "kfac")
        #expect(section.tables.map(\.id) == ["fidelity", "baselines", "sweeps"])
        #expect(section.figures.map(\.id) == [
            "cosine-vs-step", "matrix-error-vs-step", "baselines-loss-vs-steps", "baselines-loss-vs-seconds", "sweep-damping",
            "sweep-inverse-update-interval", "sweep-curvature-decay", "sweep-step-time",
        ])
        #expect(section.record.seed == 1)
        #expect(section.record.configuration["sweep.dampings"] == "0.01,1.0")
        #expect(!section.findings.isEmpty)
        #expect(section.tables[1].rows.map { $0[0] } == ["sgd", "adam", "shampoo", "kfac"])
        #expect(section.tables[2].rows.count == 6)
        // Every cosine is a cosine.
        guard case let .lines(plot) = section.figures[0].content else { Issue.record("not a line plot"); return }
        for series in plot.series { #expect(series.y.allSatisfy { $0.isNaN || abs($0) <= 1 + 1e-12 }) }
    }
}
