import Foundation
import NGLinearAlgebra
@testable import NGModels
import NGRandom
import NGTestSupport
import Testing

/// The backward pass's fused step through an activation over a dense layer (φ′ ⊙ Δ in place and
/// the dense layer's bias gradient as its column sums) against separate, independent
/// computations: the unfused derivative product and a Double column sum, and a whole network's
/// gradient against naive loops in Double, on batches large enough to run in parallel chunks.
@Suite struct NetworkBackwardFusionTests {
    @Test("φ′ ⊙ Δ in place equals the unfused product entry by entry, and the sums equal a Double column sum",
          arguments: ActivationFunction.allCases)
    func fusedKernel(function: ActivationFunction) throws {
        try check(Float.self, tolerance: 1e-5)
        try check(Double.self, tolerance: 1e-13)
        func check<T: BLASScalar>(_: T.Type, tolerance: Double) throws {
            // 300×301: several parallel chunks, not a multiple of the chunking.
            let x: Matrix<T> = TestMatrices.gaussian(300, 301, seed: 11).map { 3 * $0 }
            let y = function.apply(x)
            let original: Matrix<T> = TestMatrices.gaussian(300, 301, seed: 12)
            var delta = original
            var sums = [T](repeating: .nan, count: 301)
            sums.withUnsafeMutableBufferPointer { function.multiplyDerivativeInPlace(input: x, output: y, &delta, columnSums: $0.baseAddress!) }
            let expected = function.derivativeProduct(input: x, output: y, original)
            #expect(delta == expected)
            for j in 0..<301 {
                var reference = 0.0, magnitude = 0.0
                for i in 0..<300 {
                    reference += Double(expected[i, j])
                    magnitude += Swift.abs(Double(expected[i, j]))
                }
                #expect(Swift.abs(Double(sums[j]) - reference) <= tolerance * Swift.max(magnitude, 1), "column \(j)")
            }
        }
    }

    /// Naive forward and backward passes of a dense network with `activation` between layers, in
    /// Double with scalar loops: the gradient of Σᵢ ⟨uᵢ, zᵢ⟩ in parameter order.
    static func naiveGradient(sizes: [Int], activation: ActivationFunction, parameters: [Double], inputs: Matrix<Double>, cotangents: Matrix<Double>) -> [Double] {
        func phi(_ v: Double) -> (Double, Double) {
            switch activation {
            case .tanh: let t = Foundation.tanh(v); return (t, 1 - t * t)
            case .sigmoid: let s = 1 / (1 + Foundation.exp(-v)); return (s, s * (1 - s))
            case .relu: return (Swift.max(v, 0), v > 0 ? 1 : 0)
            case .softplus: return (Swift.max(v, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(v))), 1 / (1 + Foundation.exp(-v)))
            case .identity: return (v, 1)
            }
        }
        var offsets = [Int](), offset = 0
        for l in 0..<(sizes.count - 1) {
            offsets.append(offset)
            offset += sizes[l + 1] * sizes[l] + sizes[l + 1]
        }
        var gradient = [Double](repeating: 0, count: offset)
        for example in 0..<inputs.rows {
            // Forward, keeping each layer's input and the derivative of its activation.
            var activations = [(0..<sizes[0]).map { inputs[example, $0] }]
            var derivatives = [[Double]]()
            for l in 0..<(sizes.count - 1) {
                let (fanIn, fanOut, base) = (sizes[l], sizes[l + 1], offsets[l])
                var z = [Double](repeating: 0, count: fanOut)
                for o in 0..<fanOut {
                    z[o] = parameters[base + fanOut * fanIn + o]
                    for k in 0..<fanIn { z[o] += parameters[base + o * fanIn + k] * activations[l][k] }
                }
                if l < sizes.count - 2 {
                    let values = z.map(phi)
                    activations.append(values.map(\.0))
                    derivatives.append(values.map(\.1))
                } else {
                    activations.append(z)
                }
            }
            // Backward.
            var delta = (0..<sizes.last!).map { cotangents[example, $0] }
            for l in (0..<(sizes.count - 1)).reversed() {
                let (fanIn, fanOut, base) = (sizes[l], sizes[l + 1], offsets[l])
                if l < sizes.count - 2 { delta = zip(delta, derivatives[l]).map { $0 * $1 } }
                var below = [Double](repeating: 0, count: fanIn)
                for o in 0..<fanOut {
                    gradient[base + fanOut * fanIn + o] += delta[o]
                    for k in 0..<fanIn {
                        gradient[base + o * fanIn + k] += delta[o] * activations[l][k]
                        below[k] += delta[o] * parameters[base + o * fanIn + k]
                    }
                }
                delta = below
            }
        }
        return gradient
    }

    @Test("a network's gradient on a large batch equals naive loops, and the caller's cotangents are left alone",
          arguments: ActivationFunction.allCases)
    func networkGradient(function: ActivationFunction) throws {
        try check(Float.self, tolerance: 2e-4)
        try check(Double.self, tolerance: 1e-11)
        func check<T: BLASScalar>(_: T.Type, tolerance: Double) throws {
            // 240 examples × 300 hidden units: the fused step runs in parallel chunks.
            let sizes = [6, 300, 40, 3]
            let network = try Network<T>.multilayerPerceptron(sizes: sizes, activation: function)
            let parameters = NetworkFixtures.parameters(for: network, seed: 21)
            let inputs = NetworkFixtures.inputs(for: network, examples: 240, seed: 22)
            let cotangents: Matrix<T> = TestMatrices.gaussian(240, 3, seed: 23)
            let kept = cotangents
            let result = try network.forward(inputs, parameters: parameters).backward(cotangents, capturing: .layerRecords)
            #expect(cotangents == kept)
            let reference = Self.naiveGradient(
                sizes: sizes, activation: function, parameters: parameters.elements.map { Double($0) },
                inputs: inputs.converted(to: Double.self), cotangents: cotangents.converted(to: Double.self))
            let scale = reference.map(Swift.abs).max() ?? 1
            for (index, value) in result.parameterGradient.elements.enumerated() {
                #expect(Swift.abs(Double(value) - reference[index]) <= tolerance * scale, "entry \(index)")
            }
            // The records' g is the gradient at each dense layer's output: its column sums are the bias gradient.
            for record in result.layerRecords {
                let biasStart = record.layout.offset + record.layout.rows * record.layout.columns
                for o in 0..<record.layout.rows {
                    let sum = (0..<240).reduce(0.0) { $0 + Double(record.outputGradients[$1, o]) }
                    #expect(Swift.abs(sum - Double(result.parameterGradient[biasStart + o])) <= tolerance * Swift.max(scale, 1))
                }
            }
        }
    }

    @Test("an activation as the last layer: the output gradient passed in is not modified, and the result is φ′ ⊙ U")
    func activationOnTop() throws {
        let network = try Network<Double>(inputShape: .flat(4), layers: [Dense<Double>(inputCount: 4, outputCount: 300), Activation<Double>(.tanh)])
        let parameters = NetworkFixtures.parameters(for: network, seed: 31)
        let inputs = NetworkFixtures.inputs(for: network, examples: 250, seed: 32)
        let pass = try network.forward(inputs, parameters: parameters)
        let u: Matrix<Double> = TestMatrices.gaussian(250, 300, seed: 33)
        let kept = u
        let result = try pass.backward(u, capturing: .layerRecords)
        #expect(u == kept)
        let g = try #require(result.layerRecords.first).outputGradients
        #expect(g == ActivationFunction.tanh.derivativeProduct(input: pass.layerStates[1].input, output: pass.outputs, u))
    }
}
