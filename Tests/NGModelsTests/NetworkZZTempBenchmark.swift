import Foundation
import NGLinearAlgebra
import NGModels
import NGRandom
import NGTestSupport
import Testing

@Suite struct NetworkZZTempBenchmark {
    func time(_ label: String, _ body: () throws -> Void) rethrows {
        let start = Date()
        try body()
        print("BENCH \(label): \(String(format: "%.2f", Date().timeIntervalSince(start) * 1000)) ms")
    }

    @Test func bench() throws {
        let mlp = try Network<Float>.multilayerPerceptron(sizes: [784, 256, 256, 10], activation: .relu)
        var g = SeededGenerator(seed: 1)
        let theta = mlp.initialParameters(generator: &g)
        let x: Matrix<Float> = TestMatrices.gaussian(256, 784, seed: 2)
        let y: Matrix<Float> = try CategoricalLikelihood.oneHot(labels: (0..<256).map { $0 % 10 }, classCount: 10)
        let lik = CategoricalLikelihood<Float>()
        var pass = try mlp.forward(x, parameters: theta)
        try time("mlp forward x10") { for _ in 0..<10 { pass = try mlp.forward(x, parameters: theta) } }
        try time("mlp grad x10") { for _ in 0..<10 { _ = try pass.lossGradient(likelihood: lik, targets: y) } }
        try time("mlp hvp x10") { for _ in 0..<10 { _ = try pass.hessianVectorProduct(theta, likelihood: lik, targets: y) } }
        try time("mlp per-example x1") { _ = try pass.perExampleLossGradients(likelihood: lik, targets: y) }
        try time("mlp records x10") { for _ in 0..<10 { _ = try pass.backward(y, capturing: .layerRecords) } }

        let input = FeatureShape(channels: 1, height: 28, width: 28)
        let conv1 = try Convolution2D<Float>(inputShape: input, outputChannels: 16, kernelSize: 5, stride: 1, padding: 2)
        let pool1 = try MaxPooling2D<Float>(inputShape: conv1.outputExampleShape, windowSize: 2)
        let conv2 = try Convolution2D<Float>(inputShape: pool1.outputExampleShape, outputChannels: 32, kernelSize: 3, stride: 2, padding: 1)
        let cnn = try Network<Float>(inputShape: input, layers: [conv1, Activation(.relu), pool1, conv2, Activation(.tanh), Flatten(),
            try Dense(inputCount: conv2.outputExampleShape.count, outputCount: 10)])
        let ct = cnn.initialParameters(generator: &g)
        let cx: Matrix<Float> = TestMatrices.gaussian(128, 784, seed: 3)
        let cy = y.rows(at: Array(0..<128))
        var cpass = try cnn.forward(cx, parameters: ct)
        for (l, layer) in cnn.layers.enumerated() {
            let inp = cpass.layerStates[l].input
            let params = ct.elements[cnn.parameterRanges[l]]
            time("layer \(l) \(layer) forward x5") { for _ in 0..<5 { _ = layer.forward(inp, parameters: params) } }
            let st = cpass.layerStates[l]
            time("layer \(l) backward x5") { for _ in 0..<5 { _ = layer.backward(st.output, state: st, parameters: params, computingInputGradient: true) } }
        }
        try time("cnn forward x5") { for _ in 0..<5 { cpass = try cnn.forward(cx, parameters: ct) } }
        try time("cnn grad x5") { for _ in 0..<5 { _ = try cpass.lossGradient(likelihood: lik, targets: cy) } }
        try time("cnn hvp x5") { for _ in 0..<5 { _ = try cpass.hessianVectorProduct(ct, likelihood: lik, targets: cy) } }
        try time("cnn per-example x1") { _ = try cpass.perExampleLossGradients(likelihood: lik, targets: cy) }
    }
}
