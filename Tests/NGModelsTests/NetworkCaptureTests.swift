import NGLinearAlgebra
import NGModels
import NGRandom
import NGTestSupport
import Testing

/// What the backward pass captures for curvature: per-example gradients (rows summing to the
/// batch gradient, each equal to a one-example backward pass) and per-layer records whose a and g
/// rebuild the layer's gradient as Σ g·aᵀ.
@Suite struct NetworkCaptureTests {
    static let examples = 4

    /// Per-example gradients sum to the batch gradient and each row equals the backward pass on
    /// that example alone; for every network kind and both precisions.
    @Test(arguments: NetworkFixtures.precisions)
    func perExampleGradientsMatchSingleExamplePasses(_ type: any BLASScalar.Type) throws { try checkPerExample(type) }

    func checkPerExample<T: BLASScalar>(_: T.Type) throws {
        let networks = [try NetworkFixtures.smoothNetwork(T.self), try NetworkFixtures.piecewiseNetwork(T.self),
                        try Network<T>.multilayerPerceptron(sizes: [4, 5, 3], activation: .tanh)]
        let tolerance = NetworkFixtures.tolerance(T.self) * 10
        for network in networks {
            let x = NetworkFixtures.inputs(for: network, examples: Self.examples, seed: 1)
            let theta = NetworkFixtures.parameters(for: network, seed: 2)
            let u: Matrix<T> = TestMatrices.gaussian(Self.examples, network.outputCount, seed: 3)
            let pass = try network.forward(x, parameters: theta)
            let result = try pass.backward(u, capturing: .perExampleGradients)
            let perExample = try #require(result.perExampleGradients)
            #expect(perExample.rows == Self.examples && perExample.columns == network.parameterCount)
            let sums = (0..<network.parameterCount).map { j in (0..<Self.examples).reduce(0.0) { $0 + Double(perExample[$1, j]) } }
            #expect(NetworkFixtures.relativeError(sums, result.parameterGradient.elements) < tolerance, "\(network)")
            for i in 0..<Self.examples {
                let single = try network.forward(x.rows(at: [i]), parameters: theta).vectorJacobianProduct(u.rows(at: [i]))
                #expect(NetworkFixtures.relativeError(perExample.row(i).elements, single.elements) < tolerance, "example \(i)")
            }
            #expect(try pass.perExampleGradients(u) == perExample)
        }
    }

    /// Records exist for exactly the parameterized layers, with their layouts; a is the layer
    /// input (dense) or its im2col patches (convolution), ā appends a 1, and the layer's weight
    /// and bias gradients are Σ_rows g·aᵀ and Σ_rows g computed by naive loops.
    @Test(arguments: NetworkFixtures.precisions)
    func recordsRebuildLayerGradients(_ type: any BLASScalar.Type) throws { try checkRecords(type) }

    func checkRecords<T: BLASScalar>(_: T.Type) throws {
        let network = try NetworkFixtures.smoothNetwork(T.self)
        let x = NetworkFixtures.inputs(for: network, examples: Self.examples, seed: 4)
        let u: Matrix<T> = TestMatrices.gaussian(Self.examples, network.outputCount, seed: 5)
        let pass = try network.forward(x, parameters: NetworkFixtures.parameters(for: network, seed: 6))
        let result = try pass.backward(u, capturing: .layerRecords)
        #expect(result.layerRecords.map(\.layerIndex) == [0, 4, 6, 8])
        #expect(result.layerRecords.map(\.layout) == network.parameterLayouts)
        #expect(result.layerRecords.map(\.rowsPerExample) == [9, 1, 1, 1])  // the convolution has 3×3 output positions
        #expect(result.layerRecords.allSatisfy { $0.exampleCount == Self.examples })
        // The last layer is dense and feeds the outputs directly: its g is U itself.
        #expect(result.layerRecords.last!.outputGradients == u)
        for record in result.layerRecords {
            let (a, g, layout) = (record.inputs, record.outputGradients, record.layout)
            #expect(a.columns == layout.columns && g.columns == layout.rows && a.rows == g.rows)
            if record.rowsPerExample == 1 { #expect(a == pass.layerStates[record.layerIndex].input) }
            let augmented = record.augmentedInputs
            #expect((0..<a.rows).allSatisfy { augmented[$0, a.columns] == 1 && augmented.row($0).elements.dropLast() == a.row($0).elements[...] })
            var weightGradient = [Double](repeating: 0, count: layout.rows * layout.columns)
            var biasGradient = [Double](repeating: 0, count: layout.rows)
            for row in 0..<a.rows {
                for o in 0..<layout.rows {
                    biasGradient[o] += Double(g[row, o])
                    for j in 0..<layout.columns { weightGradient[o * layout.columns + j] += Double(g[row, o]) * Double(a[row, j]) }
                }
            }
            let gradient = result.parameterGradient.elements
            let tolerance = NetworkFixtures.tolerance(T.self) * 10
            #expect(NetworkFixtures.relativeError(Array(gradient[layout.weightRange]), weightGradient) < tolerance, "layer \(record.layerIndex) weight")
            #expect(NetworkFixtures.relativeError(Array(gradient[layout.biasRange]), biasGradient) < tolerance, "layer \(record.layerIndex) bias")
        }
        // Capture changes nothing else.
        #expect(result.parameterGradient == (try pass.vectorJacobianProduct(u)))
    }

    /// The convolution's patches are the im2col of its input: each row holds the pixels under the
    /// kernel (zero over the padding) in the weight's (c, ki, kj) order.
    @Test func convolutionRecordHoldsIm2colPatches() throws {
        let input = FeatureShape(channels: 2, height: 3, width: 3)
        let layer = try Convolution2D<Double>(inputShape: input, outputChannels: 1, kernelHeight: 2, kernelWidth: 2, stride: 2, padding: 1)
        let network = try Network<Double>(inputShape: input, layers: [layer])
        let x = try Matrix<Double>(rows: 1, columns: 18, elements: (0..<18).map { Double($0 + 1) })
        let pass = try network.forward(x, parameters: Vector(count: network.parameterCount))
        let record = try #require(try pass.backward(Matrix(rows: 1, columns: 4, repeating: 1), capturing: .layerRecords).layerRecords.first)
        // Output 2×2; position (0, 0) covers pixels (−1..0, −1..0): only (0, 0) is inside.
        #expect(record.inputs.rows == 4 && record.inputs.columns == 8)
        #expect(record.inputs.row(0).elements == [0, 0, 0, 1, 0, 0, 0, 10])
        // Position (1, 1) covers (1..2, 1..2) entirely.
        #expect(record.inputs.row(3).elements == [5, 6, 8, 9, 14, 15, 17, 18])
    }

    // MARK: Composition for curvature

    /// Back-propagating the rows of the output Fisher's square-root factors gives the exact Fisher
    /// (1/N)·Σ_r Σᵢ (Jᵢᵀb_{r,i})(Jᵢᵀb_{r,i})ᵀ, which equals the Gauss-Newton matrix assembled
    /// column by column from Gauss-Newton-vector products with the unit vectors.
    @Test func squareRootFactorsPullBackToTheGaussNewtonMatrix() throws {
        let network = try NetworkFixtures.smoothNetwork(Double.self)
        let pass = try network.forward(NetworkFixtures.inputs(for: network, examples: 3, seed: 7), parameters: NetworkFixtures.parameters(for: network, seed: 8))
        let count = network.parameterCount
        for likelihood in NetworkFixtures.likelihoods(Double.self) {
            var fisher = Matrix<Double>(rows: count, columns: count)
            for factor in likelihood.fisherSquareRootFactors(outputs: pass.outputs) {
                fisher += try pass.perExampleGradients(factor).gram(alpha: 1.0 / 3)
            }
            var gaussNewton = Matrix<Double>(rows: count, columns: count)
            for j in 0..<count {
                var unit = Vector<Double>(count: count)
                unit[j] = 1
                let column = try pass.gaussNewtonVectorProduct(unit, likelihood: likelihood)
                for i in 0..<count { gaussNewton[i, j] = column[i] }
            }
            #expect(DenseOracles.relativeDifference(fisher, gaussNewton) < 1e-12, "\(likelihood)")
        }
    }

    /// For a single example, each dense layer's exact Fisher block over the augmented [W | b]
    /// equals G ⊗ A (``KroneckerProduct``'s order) with A = āāᵀ from the record and
    /// G = Σ_r g_r g_rᵀ from back-propagating the square-root factors, once mapped to the flat
    /// parameter order by ``LayerParameterLayout/flatIndex(row:column:)``.
    @Test func singleExampleFisherBlockIsKroneckerOfRecords() throws {
        let network = try Network<Double>.multilayerPerceptron(sizes: [4, 5, 3], activation: .tanh)
        let pass = try network.forward(NetworkFixtures.inputs(for: network, examples: 1, seed: 9), parameters: NetworkFixtures.parameters(for: network, seed: 10))
        for likelihood in NetworkFixtures.likelihoods(Double.self) {
            let factors = likelihood.fisherSquareRootFactors(outputs: pass.outputs)
            var fisher = Matrix<Double>(rows: network.parameterCount, columns: network.parameterCount)
            var gFactors = [Matrix<Double>]()
            var aFactors = [Matrix<Double>]()
            for factor in factors {
                let result = try pass.backward(factor, capturing: [.perExampleGradients, .layerRecords])
                fisher += result.perExampleGradients!.gram()
                if gFactors.isEmpty {
                    gFactors = result.layerRecords.map { $0.outputGradients.gram() }
                    aFactors = result.layerRecords.map { $0.augmentedInputs.gram() }
                } else {
                    for (index, record) in result.layerRecords.enumerated() { gFactors[index] += record.outputGradients.gram() }
                }
            }
            for (index, layout) in network.parameterLayouts.enumerated() {
                let kronecker = try KroneckerProduct(gFactors[index], aFactors[index]).dense
                let width = layout.columns + 1
                var worst = 0.0
                for p in 0..<kronecker.rows {
                    for q in 0..<kronecker.columns {
                        let row = layout.flatIndex(row: p / width, column: p % width)
                        let column = layout.flatIndex(row: q / width, column: q % width)
                        worst = Swift.max(worst, Swift.abs(kronecker[p, q] - fisher[row, column]))
                    }
                }
                #expect(worst < 1e-12 * Swift.max(1, DenseOracles.maxMagnitude(kronecker)), "\(likelihood) layer \(layout.layerIndex)")
            }
        }
    }
}
