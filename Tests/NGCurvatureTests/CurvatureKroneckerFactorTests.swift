import NGCurvature
import NGLinearAlgebra
import NGModels
import NGTestSupport
import Testing

/// K-FAC's factors: exact for one example (G ⊗ A = the layer's Fisher block, in the flat
/// parameter order after the documented permutation), and equal to their definitions computed
/// by explicit loops for a linear network and a convolutional one.
@Suite("Curvature Kronecker factors")
struct CurvatureKroneckerFactorTests {
    @Test("one example: G ⊗ A (permuted to the flat order) = the layer's block of the dense Fisher", arguments: LikelihoodKind.allCases)
    func singleExampleBlocks(_ kind: LikelihoodKind) throws {
        // Non-square layers (5×3 and 2×5 weights), so that a wrong order cannot pass by symmetry.
        try checkSingleExample(kind.likelihood(Double.self), network: CurvatureFixtures.perceptron(Double.self, sizes: [3, 5, 2]))
        // A convolution whose kernel covers its (2×3×3) input: one position, where KFC is exact.
        let convolution = try Convolution2D<Double>(inputShape: FeatureShape(channels: 2, height: 3, width: 3), outputChannels: 2, kernelSize: 3)
        let network = try Network<Double>(inputShape: convolution.inputShape, layers: [
            convolution, Activation(.tanh), Flatten(), try Dense(inputCount: 2, outputCount: 3),
        ])
        try checkSingleExample(kind.likelihood(Double.self), network: network)
        try checkSingleExample(kind.likelihood(Float.self), network: CurvatureFixtures.perceptron(Float.self, sizes: [3, 5, 2]))
    }

    func checkSingleExample<L: Likelihood>(_ likelihood: L, network: Network<L.Scalar>) throws {
        let estimator = try CurvatureFixtures.estimator(likelihood, network: network, examples: 1)
        let tolerance = CurvatureFixtures.tolerance(L.Scalar.self) * 10
        for kind in [CurvatureKind.exact, .monteCarlo, .empirical] {
            let fisher = try estimator.denseMatrix(kind, samples: 4, seed: 3)
            let factors = try estimator.kroneckerFactors(kind, samples: 4, seed: 3)
            #expect(factors.count == network.parameterLayouts.count)
            for (factor, layout) in zip(factors, network.parameterLayouts) {
                #expect(factor.layout == layout)
                #expect(factor.inputFactor.rows == layout.columns + 1 && factor.gradientFactor.rows == layout.rows)
                let block = KroneckerFactors<L.Scalar>.parameterOrderBlock(of: fisher, layout: layout)
                let error = CurvatureFixtures.relativeMaxError(factor.denseBlockInParameterOrder(), block)
                #expect(error <= tolerance, "\(kind), \(likelihood.kind), layer \(layout.layerIndex): \(error)")
                // Without the permutation the augmented order does not match the flat one.
                #expect(CurvatureFixtures.relativeMaxError(factor.kroneckerProduct.dense, block) > 1e-2)
            }
        }
    }

    @Test("a linear network with Gaussian output: A and G equal their definitions by explicit loops")
    func linearGaussian() throws {
        let network = try CurvatureFixtures.perceptron(Double.self, sizes: [4, 3, 2], activation: .identity)
        let estimator = try CurvatureFixtures.estimator(GaussianLikelihood<Double>(), network: network, examples: 6)
        let theta = estimator.parameters.elements, x = estimator.pass.inputs, y = estimator.targets
        let n = x.rows
        // W1: 3×4 at 0, b1 at 12; W2: 2×3 at 15, b2 at 21.
        let w1 = Matrix<Double>(rows: 3, columns: 4) { o, j in theta[o * 4 + j] }
        let w2 = Matrix<Double>(rows: 2, columns: 3) { o, j in theta[15 + o * 3 + j] }
        var hidden = [[Double]](), residuals = [[Double]]()
        for i in 0..<n {
            let h = (0..<3).map { o in (0..<4).reduce(theta[12 + o]) { $0 + w1[o, $1] * x[i, $1] } }
            let z = (0..<2).map { o in (0..<3).reduce(theta[21 + o]) { $0 + w2[o, $1] * h[$1] } }
            hidden.append(h)
            residuals.append((0..<2).map { z[$0] - y[i, $0] })
        }
        func secondMoment(_ vectors: [[Double]]) -> Matrix<Double> {
            let d = vectors[0].count
            return Matrix(rows: d, columns: d) { a, b in vectors.reduce(0) { $0 + $1[a] * $1[b] } / Double(vectors.count) }
        }
        let augmentedInputs = [(0..<n).map { x.row($0).elements + [1] }, hidden.map { $0 + [1] }]
        // Exact: E[(z − y)(z − y)ᵀ] = I at the output, so G₂ = I and G₁ = W₂ᵀW₂.
        let exactG = [TestMatrices.naiveProduct(w2.transposed, w2), Matrix<Double>.identity(2)]
        // Empirical: G₂ = (1/N)·Σ rrᵀ, G₁ = W₂ᵀ·G₂·W₂.
        let empiricalOutput = secondMoment(residuals)
        let empiricalG = [TestMatrices.naiveProduct(TestMatrices.naiveProduct(w2.transposed, empiricalOutput), w2), empiricalOutput]
        for (kind, references) in [(CurvatureKind.exact, exactG), (.empirical, empiricalG)] {
            let factors = try estimator.kroneckerFactors(kind)
            for l in 0..<2 {
                #expect(TestMatrices.maxDifference(factors[l].inputFactor, secondMoment(augmentedInputs[l])) < 1e-12, "\(kind) A, layer \(l)")
                #expect(TestMatrices.maxDifference(factors[l].gradientFactor, references[l]) < 1e-12, "\(kind) G, layer \(l)")
                #expect(factors[l].positionsPerExample == 1 && factors[l].exampleCount == n)
            }
        }
    }

    @Test("a convolutional network: A sums the im2col patches over positions, G averages the exact gradient moments (KFC)")
    func convolutionalFactors() throws {
        let network = try CurvatureFixtures.convolutional(Double.self)
        let likelihood = CategoricalLikelihood<Double>()
        let estimator = try CurvatureFixtures.estimator(likelihood, network: network, examples: 3)
        let theta = estimator.parameters.elements, x = estimator.pass.inputs
        let (n, side, positions, out) = (x.rows, 4, 16, 3)
        // Convolution: W (2, 1·3·3) at 0, b at 18; dense: W (3, 32) at 20, b at 116.
        var patchMoment = Matrix<Double>(rows: 10, columns: 10)
        var gradientMoment = Matrix<Double>(rows: 2, columns: 2)
        var hiddenMoment = Matrix<Double>(rows: 33, columns: 33)
        var outputMoment = Matrix<Double>(rows: 3, columns: 3)
        for i in 0..<n {
            var hidden = [Double](repeating: 0, count: 32), slopes = [Double](repeating: 0, count: 32)
            for t in 0..<positions {
                let (row, column) = (t / side, t % side)
                var patch = [Double]()
                for ki in 0..<3 {
                    for kj in 0..<3 {
                        let (r, c) = (row - 1 + ki, column - 1 + kj)
                        patch.append(r >= 0 && r < side && c >= 0 && c < side ? x[i, r * side + c] : 0)
                    }
                }
                patch.append(1)
                for a in 0..<10 { for b in 0..<10 { patchMoment[a, b] += patch[a] * patch[b] / Double(n) } }
                for o in 0..<2 {
                    var preactivation = theta[18 + o]
                    for k in 0..<9 { preactivation += theta[o * 9 + k] * patch[k] }
                    hidden[o * positions + t] = Double.tanh(preactivation)
                    slopes[o * positions + t] = 1 - hidden[o * positions + t] * hidden[o * positions + t]
                }
            }
            var z = [Double]()
            for k in 0..<out {
                var sum = theta[116 + k]
                for j in 0..<32 { sum += theta[20 + k * 32 + j] * hidden[j] }
                z.append(sum)
            }
            #expect(TestMatrices.maxDifference(Vector(z), estimator.outputs.row(i)) < 1e-12, "explicit forward pass, example \(i)")
            let outputFisher = likelihood.fisherMatrix(output: Vector(z))
            // g at position t: ∂z/∂y[o, t] = W₂[:, o·L + t]·tanh′; E[ggᵀ] = Mₜᵀ·F_z·Mₜ.
            for t in 0..<positions {
                let m = Matrix<Double>(rows: out, columns: 2) { k, o in theta[20 + k * 32 + o * positions + t] * slopes[o * positions + t] }
                gradientMoment += TestMatrices.naiveProduct(TestMatrices.naiveProduct(m.transposed, outputFisher), m)
            }
            let augmentedHidden = hidden + [1]
            for a in 0..<33 { for b in 0..<33 { hiddenMoment[a, b] += augmentedHidden[a] * augmentedHidden[b] / Double(n) } }
            outputMoment += (1 / Double(n)) * outputFisher
        }
        gradientMoment.scale(by: 1 / Double(n * positions))
        let factors = try estimator.kroneckerFactors()
        #expect(factors.count == 2 && factors[0].positionsPerExample == positions && factors[1].positionsPerExample == 1)
        #expect(TestMatrices.maxDifference(factors[0].inputFactor, patchMoment) < 1e-12)
        #expect(TestMatrices.maxDifference(factors[0].gradientFactor, gradientMoment) < 1e-12)
        #expect(TestMatrices.maxDifference(factors[1].inputFactor, hiddenMoment) < 1e-12)
        #expect(TestMatrices.maxDifference(factors[1].gradientFactor, outputMoment) < 1e-12)
    }

    @Test("the augmented [W | b] order maps to the flat order W row-major then b")
    func orderMapping() throws {
        let layout = LayerParameterLayout(layerIndex: 0, rows: 2, columns: 3, offset: 7)
        // Augmented (o, j): (0,0) (0,1) (0,2) (0,b) (1,0) (1,1) (1,2) (1,b) → flat W00 W01 W02 W10 W11 W12 b0 b1.
        let flatOfAugmented = [0, 1, 2, 6, 3, 4, 5, 7]
        let augmented = Matrix<Double>(rows: 8, columns: 8) { a, b in Double(10 * a + b) }
        let flat = KroneckerFactors<Double>.permutedToParameterOrder(augmented, layout: layout)
        for a in 0..<8 { for b in 0..<8 { #expect(flat[flatOfAugmented[a], flatOfAugmented[b]] == Double(10 * a + b)) } }
        #expect(KroneckerFactors<Double>.permutedToAugmentedOrder(flat, layout: layout) == augmented)
        // The layer block of a larger matrix.
        let big = Matrix<Double>(rows: 20, columns: 20) { i, j in Double(100 * i + j) }
        let block = KroneckerFactors<Double>.parameterOrderBlock(of: big, layout: layout)
        #expect(block.rows == 8 && block[0, 0] == 707 && block[7, 6] == 1413)
    }
}
