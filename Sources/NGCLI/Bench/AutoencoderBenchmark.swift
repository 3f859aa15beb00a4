import ArgumentParser
import NaturalGradient

/// Times a training step of the deep autoencoder (the model zoo's `autoencoder`: 784-1000-500-
/// 250-30-250-500-1000-784, tanh, linear code, Bernoulli output) on the first 1000 MNIST-5k
/// images in Float32, and sets the rate of its forward+backward pass against sgemm.
///
/// - forward+backward: `NetworkObjective.evaluate` on those 1000 images — one forward pass, the
///   fused Bernoulli loss and output gradient, one backward pass with the parameter gradient:
///   what every optimizer's step costs at least.
/// - the SGD step: one step of `FirstOrder.sgd` as `natgrad train` runs it — the objective over
///   all 5000 images, the batch given as the indices of the first 1000 (so the gather of the
///   minibatch is included).
/// - the FLOP count of forward+backward is that of its gemms: forward 2·B·Σ in·out, backward
///   4·B·Σ in·out less the input gradient of the first layer (2·B·784·1000), 15.4 GFLOP at
///   B = 1000. Everything else (bias, tanh, loss) is counted as free, so the rate is what the
///   step would reach if it were all gemm.
/// - `gemm_only_*`: the same 23 gemm calls (shapes, transposes, β) made back to back on
///   preallocated buffers, nothing else — the ceiling that the layer shapes allow. Its timings
///   alternate with those of forward+backward, so that their ratio is robust to other load.
/// - `best_sgemm_gflops`: the largest package rate among the Float32 `gemm` entries of the same
///   run; `fraction_of_best_sgemm` = forward+backward rate / that rate (issue 4's target: at
///   least 0.85 with `OPENBLAS_CORETYPE` unset). `interleaved_sgemm_gflops` times that best
///   entry's shape again in alternation with forward+backward, and
///   `fraction_of_interleaved_sgemm` divides by it: on a machine shared with other work, the
///   gemm entries and the autoencoder may see different load, and this ratio does not.
///
/// Medians over `repetitions` timed calls after two warm-up calls.
struct AutoencoderBenchmark {
    struct Result: Codable {
        let batch: Int
        let parameters: Int
        let flopsPerStep: Double
        let forwardBackwardSecondsMedian: Double
        let forwardBackwardGflops: Double
        let gemmOnlySecondsMedian: Double
        let gemmOnlyGflops: Double
        let bestSgemmGflops: Double
        let fractionOfBestSgemm: Double
        /// The best gemm entry's sgemm again, timed in alternation with forward+backward.
        let interleavedSgemmGflops: Double
        let fractionOfInterleavedSgemm: Double
        let sgdStepSecondsMedian: Double
        /// The parts of forward+backward timed on their own: the forward pass, the fused loss
        /// and output gradients, the backward pass.
        let forwardSecondsMedian: Double
        let lossSecondsMedian: Double
        let backwardSecondsMedian: Double

        enum CodingKeys: String, CodingKey {
            case batch, parameters
            case flopsPerStep = "flops_per_step"
            case forwardBackwardSecondsMedian = "forward_backward_seconds_median"
            case forwardBackwardGflops = "forward_backward_gflops"
            case gemmOnlySecondsMedian = "gemm_only_seconds_median"
            case gemmOnlyGflops = "gemm_only_gflops"
            case bestSgemmGflops = "best_sgemm_gflops"
            case fractionOfBestSgemm = "fraction_of_best_sgemm"
            case interleavedSgemmGflops = "interleaved_sgemm_gflops"
            case fractionOfInterleavedSgemm = "fraction_of_interleaved_sgemm"
            case sgdStepSecondsMedian = "sgd_step_seconds_median"
            case forwardSecondsMedian = "forward_seconds_median"
            case lossSecondsMedian = "loss_seconds_median"
            case backwardSecondsMedian = "backward_seconds_median"
        }
    }

    /// Examples per step.
    var batch = 1000
    /// Timed repetitions of each measurement.
    var repetitions: Int
    /// Seed of the initial parameters.
    var seed: UInt64

    /// Runs the measurements.
    /// - Parameters:
    ///   - bestSgemmGflops: the largest Float32 package rate of the gemm benchmark of the same run.
    ///   - bestShape: the shape that rate was measured at, timed again in alternation with
    ///     forward+backward (so that their ratio does not depend on load that came and went
    ///     between the two benchmarks).
    func run(bestSgemmGflops: Double, bestShape: (m: Int, n: Int, k: Int)) throws -> Result {
        let dataset = try Dataset.load("mnist5k")
        let images = dataset.features.converted(to: Float.self)
        guard images.rows >= batch else {
            throw ValidationError("bench: mnist5k has \(images.rows) images, fewer than the batch of \(batch)")
        }
        let network: Network<Float> = try ModelZoo.network(.autoencoder, inputCount: images.columns, outputCount: images.columns)
        var generator = SeededGenerator(seed: seed)
        let start = ModelZoo.initialParameters(.autoencoder, network: network, generator: &generator)
        let first = images.rows(at: 0..<batch)
        let likelihood = BernoulliLikelihood<Float>()
        let batchObjective = try NetworkObjective(network: network, likelihood: likelihood, inputs: first, targets: first)
        let fullObjective = try NetworkObjective(network: network, likelihood: likelihood, inputs: images, targets: images)

        let flops = Self.flops(network: network, batch: batch)
        // Forward+backward, its gemms alone and the reference sgemm alternate, so that load on
        // the machine affects all three alike.
        let gemms = Self.layerGemms(network: network, batch: batch)
        let reference = Self.sgemm(bestShape)
        let times = try medians(alternating: repetitions, [{ _ = try batchObjective.evaluate(at: start, batch: .all) }, gemms, reference])
        let (forwardBackward, gemmOnly, referenceSeconds) = (times[0], times[1], times[2])

        let forward = try median(timing: repetitions) { _ = try network.forward(first, parameters: start) }
        let pass = try network.forward(first, parameters: start)
        let scale = 1 / Float(batch)
        let loss = try median(timing: repetitions) {
            _ = try likelihood.lossAndOutputGradients(outputs: pass.outputs, targets: first, gradientScale: scale)
        }
        let delta = try likelihood.lossAndOutputGradients(outputs: pass.outputs, targets: first, gradientScale: scale).outputGradients
        let backward = try median(timing: repetitions) { _ = try pass.backward(delta) }

        var optimizer = try FirstOrder.sgd(learningRate: Float(1e-3))
        var parameters = start
        let minibatch = Batch.examples(Array(0..<batch))
        let sgdStep = try median(timing: repetitions) {
            _ = try optimizer.step(&parameters, objective: fullObjective, batch: minibatch)
        }
        let rate = flops / forwardBackward / 1e9
        let interleaved = 2 * Double(bestShape.m) * Double(bestShape.n) * Double(bestShape.k) / referenceSeconds / 1e9
        return Result(
            batch: batch, parameters: network.parameterCount, flopsPerStep: flops,
            forwardBackwardSecondsMedian: forwardBackward, forwardBackwardGflops: rate,
            gemmOnlySecondsMedian: gemmOnly, gemmOnlyGflops: flops / gemmOnly / 1e9,
            bestSgemmGflops: bestSgemmGflops, fractionOfBestSgemm: bestSgemmGflops > 0 ? rate / bestSgemmGflops : 0,
            interleavedSgemmGflops: interleaved, fractionOfInterleavedSgemm: rate / interleaved,
            sgdStepSecondsMedian: sgdStep, forwardSecondsMedian: forward, lossSecondsMedian: loss, backwardSecondsMedian: backward)
    }

    /// A closure making one package sgemm C = A·B of `shape` on operands allocated once here.
    static func sgemm(_ shape: (m: Int, n: Int, k: Int)) -> () -> Void {
        var rng = SeededGenerator(seed: 2)
        let a = try! Matrix<Float>(rows: shape.m, columns: shape.k, elements: rng.normals(shape.m * shape.k))
        let b = try! Matrix<Float>(rows: shape.k, columns: shape.n, elements: rng.normals(shape.k * shape.n))
        var c = Matrix<Float>(rows: shape.m, columns: shape.n)
        return { try! c.gemm(a, .none, b, .none) }
    }

    /// The gemm FLOPs of one forward+backward pass of a dense network: 2·B·in·out per layer
    /// forward, twice that backward (weight and input gradients), less the first layer's input
    /// gradient, which is not computed.
    static func flops(network: Network<Float>, batch: Int) -> Double {
        let products = network.parameterLayouts.map { Double($0.rows) * Double($0.columns) }
        let firstInputGradient = 2 * Double(batch) * (products.first ?? 0)
        return 6 * Double(batch) * products.reduce(0, +) - firstInputGradient
    }

    /// A closure making the gemm calls of one forward+backward pass, as the layers make them,
    /// on buffers allocated (and filled) once here.
    static func layerGemms(network: Network<Float>, batch: Int) -> () -> Void {
        let layouts = network.parameterLayouts
        let widest = layouts.map { Swift.max($0.rows, $0.columns) }.max() ?? 0
        let largestWeight = layouts.map { $0.rows * $0.columns }.max() ?? 0
        var rng = SeededGenerator(seed: 1)
        let x: [Float] = rng.normals(batch * widest)
        let delta: [Float] = rng.normals(batch * widest)
        let weights: [Float] = rng.normals(largestWeight)
        var output = [Float](repeating: 0, count: batch * widest)
        var gradient = [Float](repeating: 0, count: largestWeight)
        let n = Int32(batch)
        return {
            x.withUnsafeBufferPointer { px in
                delta.withUnsafeBufferPointer { pd in
                    weights.withUnsafeBufferPointer { pw in
                        output.withUnsafeMutableBufferPointer { po in
                            gradient.withUnsafeMutableBufferPointer { pg in
                                let (a, d, w, o, g) = (px.baseAddress!, pd.baseAddress!, pw.baseAddress!, po.baseAddress!, pg.baseAddress!)
                                for layout in layouts {
                                    let (fanOut, fanIn) = (Int32(layout.rows), Int32(layout.columns))
                                    // Forward: Y = X·Wᵀ onto the broadcast bias (β = 1).
                                    Float.gemm(.none, .transpose, n, fanOut, fanIn, 1, a, fanIn, w, fanIn, 1, o, fanOut)
                                }
                                for (index, layout) in layouts.enumerated().reversed() {
                                    let (fanOut, fanIn) = (Int32(layout.rows), Int32(layout.columns))
                                    // Backward: ∇W = Δᵀ·X, then ΔX = Δ·W except for the first layer.
                                    Float.gemm(.transpose, .none, fanOut, fanIn, n, 1, d, fanOut, a, fanIn, 0, g, fanIn)
                                    if index > 0 { Float.gemm(.none, .none, n, fanIn, fanOut, 1, d, fanOut, w, fanIn, 0, o, fanIn) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The medians of `repetitions` timings of each body, the bodies run in turn (each after two
/// untimed warm-up calls), starting with a different one in each repetition.
func medians(alternating repetitions: Int, _ bodies: [() throws -> Void]) throws -> [Double] {
    for _ in 0..<2 { for body in bodies { try body() } }
    var times = [[Double]](repeating: [], count: bodies.count)
    for repetition in 0..<repetitions {
        for offset in 0..<bodies.count {
            let index = (repetition + offset) % bodies.count
            var failure: Error?
            times[index].append(seconds {
                do { try bodies[index]() } catch { failure = error }
            })
            if let failure { throw failure }
        }
    }
    return times.map(median)
}

/// The median of `repetitions` timings of `body`, after two untimed warm-up calls.
func median(timing repetitions: Int, _ body: () throws -> Void) throws -> Double {
    try body()
    try body()
    var times = [Double]()
    for _ in 0..<repetitions {
        var failure: Error?
        times.append(seconds {
            do { try body() } catch { failure = error }
        })
        if let failure { throw failure }
    }
    return median(times)
}
