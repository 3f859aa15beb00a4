import Foundation
import NGLinearAlgebra
import NGModels
import NGRandom
import NGTestSupport
import Testing

/// Building networks: the PyTorch parameter order, parameter layouts, reproducible
/// initialization, and clear errors for inputs and parameters of the wrong shape.
@Suite struct NetworkConstructionTests {
    /// A multilayer perceptron evaluated by hand from the flat vector read in PyTorch's
    /// `parameters_to_vector` order (layers.{i}.weight row-major, then layers.{i}.bias).
    @Test func multilayerPerceptronUsesPyTorchParameterOrder() throws {
        let sizes = [8, 6, 5, 3]
        let network = try Network<Double>.multilayerPerceptron(sizes: sizes, activation: .tanh)
        #expect(network.layers.count == 5)
        #expect(network.parameterCount == 6 * 8 + 6 + 5 * 6 + 5 + 3 * 5 + 3)
        #expect(network.parameterRanges.filter { !$0.isEmpty } == [0..<54, 54..<89, 89..<107])
        #expect(network.parameterLayouts.map(\.weightRange) == [0..<48, 54..<84, 89..<104])
        #expect(network.parameterLayouts.map(\.biasRange) == [48..<54, 84..<89, 104..<107])
        #expect(network.parameterLayouts.map(\.layerIndex) == [0, 2, 4])

        let theta: Vector<Double> = TestMatrices.gaussianVector(network.parameterCount, seed: 1)
        let x: Matrix<Double> = TestMatrices.gaussian(2, 8, seed: 2)
        var expected = [[Double]]()
        for i in 0..<2 {
            var activations = x.row(i).elements, offset = 0
            for layer in 0..<3 {
                let (input, output) = (sizes[layer], sizes[layer + 1])
                var next = [Double](repeating: 0, count: output)
                for o in 0..<output {
                    next[o] = theta[offset + input * output + o]
                    for j in 0..<input { next[o] += theta[offset + o * input + j] * activations[j] }
                }
                offset += input * output + output
                activations = layer < 2 ? next.map { Foundation.tanh($0) } : next
            }
            expected.append(activations)
        }
        #expect(DenseOracles.maxDifference(try network.outputs(x, parameters: theta), try Matrix(expected)) < 1e-12)
    }

    /// flatIndex maps the augmented [W | b] entries onto the flat order.
    @Test func augmentedLayoutMapsToFlatIndices() {
        let layout = LayerParameterLayout(layerIndex: 2, rows: 3, columns: 4, offset: 10)
        #expect(layout.range == 10..<25)
        #expect(layout.flatIndex(row: 0, column: 0) == 10)
        #expect(layout.flatIndex(row: 1, column: 2) == 16)
        #expect(layout.flatIndex(row: 2, column: 4) == 24)  // the last bias
        #expect(layout.flatIndex(row: 0, column: 4) == 22)  // the first bias
        let all = (0..<3).flatMap { o in (0...4).map { layout.flatIndex(row: o, column: $0) } }
        #expect(all.sorted() == Array(10..<25))
    }

    /// The same seed gives the same parameters, another seed others; PyTorch's default draws lie
    /// in ±1/√fan-in with the variance of that uniform; Glorot's weights in ±√(6/(in + out)), biases 0.
    @Test func initializationIsSeededAndScaled() throws {
        let network = try Network<Double>.multilayerPerceptron(sizes: [400, 300, 2], activation: .relu)
        var first = SeededGenerator(seed: 7), second = SeededGenerator(seed: 7), other = SeededGenerator(seed: 8)
        let theta = network.initialParameters(generator: &first)
        #expect(theta == network.initialParameters(generator: &second))
        #expect(theta != network.initialParameters(generator: &other))
        let firstLayer = network.parameterLayouts[0]
        let weights = Array(theta.elements[firstLayer.weightRange])
        let bound = 1 / 400.0.squareRoot()
        #expect(weights.allSatisfy { Swift.abs($0) <= bound })
        #expect(theta.elements[firstLayer.biasRange].allSatisfy { Swift.abs($0) <= bound })
        // Variance of U(−b, b) is b²/3; 120 000 draws give a relative standard error of about 0.3 %.
        let variance = weights.reduce(0) { $0 + $1 * $1 } / Double(weights.count)
        #expect(Swift.abs(variance / (bound * bound / 3) - 1) < 0.02)

        var generator = SeededGenerator(seed: 9)
        let glorot = network.initialParameters(scheme: .glorotUniform, generator: &generator)
        let glorotBound = (6.0 / 700).squareRoot()
        #expect(glorot.elements[firstLayer.weightRange].allSatisfy { Swift.abs($0) <= glorotBound })
        #expect(glorot.elements[firstLayer.weightRange].contains { Swift.abs($0) > bound })  // wider than PyTorch's here
        #expect(glorot.elements[firstLayer.biasRange].allSatisfy { $0 == 0 })

        let single = try Network<Float>.multilayerPerceptron(sizes: [400, 300, 2], activation: .relu)
        var floatGenerator = SeededGenerator(seed: 7)
        #expect(single.initialParameters(generator: &floatGenerator) == theta.converted(to: Float.self))
    }

    /// Shapes that do not chain, wrong parameter or input sizes, empty batches and bad names are
    /// thrown, with messages naming what is wrong.
    @Test func badShapesThrow() throws {
        #expect(throws: NetworkError.self) { try Network<Double>.multilayerPerceptron(sizes: [3], activation: .tanh) }
        #expect(throws: NetworkError.self) { try Network<Double>.multilayerPerceptron(sizes: [3, 0, 2], activation: .tanh) }
        #expect(throws: NetworkError.self) { try Network<Double>(inputShape: .flat(3), layers: []) }
        do {
            _ = try Network<Double>(inputShape: .flat(4), layers: [try Dense<Double>(inputCount: 4, outputCount: 3), try Dense<Double>(inputCount: 2, outputCount: 1)])
            Issue.record("layers 4→3 and 2→1 were chained")
        } catch {
            #expect("\(error)".contains("layer 1") && "\(error)".contains("Dense(2 → 1)"))
        }
        let image = FeatureShape(channels: 1, height: 4, width: 4)
        #expect(throws: NetworkError.self) {
            try Network<Double>(inputShape: .flat(16), layers: [try MaxPooling2D<Double>(inputShape: image, windowSize: 2)])
        }

        let network = try Network<Double>.multilayerPerceptron(sizes: [3, 2], activation: .tanh)
        let theta = Vector<Double>(count: network.parameterCount)
        do {
            _ = try network.forward(Matrix(rows: 2, columns: 4), parameters: theta)
            Issue.record("4 input columns were accepted by a 3-input network")
        } catch {
            #expect("\(error)".contains("N×3"))
        }
        #expect(throws: NetworkError.self) { try network.forward(Matrix(rows: 0, columns: 3), parameters: theta) }
        #expect(throws: NetworkError.self) { try network.forward(Matrix(rows: 2, columns: 3), parameters: Vector(count: 5)) }
        let pass = try network.forward(Matrix(rows: 2, columns: 3), parameters: theta)
        #expect(throws: NetworkError.self) { try pass.backward(Matrix(rows: 2, columns: 3)) }
        #expect(throws: NetworkError.self) { try pass.jacobianVectorProduct(Vector(count: 3)) }
        #expect(throws: NetworkError.self) { try pass.lossGradient(likelihood: GaussianLikelihood(), targets: Matrix(rows: 3, columns: 2)) }
        #expect(throws: NetworkError.self) { try FeatureShape.validated(channels: 1, height: 0, width: 3) }
        #expect(try FeatureShape.validated(channels: 2, height: 3, width: 4).count == 24)
        #expect(throws: NetworkError.self) { try ActivationFunction(name: "gelu") }
        #expect(try ActivationFunction(name: "ReLU") == .relu && (try ActivationFunction(name: "linear")) == .identity)
    }
}
