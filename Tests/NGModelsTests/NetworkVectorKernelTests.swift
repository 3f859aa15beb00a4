import Foundation
import NGLinearAlgebra
@testable import NGModels
import NGRandom
import NGTestSupport
import Testing

/// The C kernels of ``VectorKernels`` at every instruction-set level this machine supports
/// (baseline x86-64, AVX2, AVX-512) against the Swift code they replace: ``FastMath``'s scalar
/// functions and the Swift loops of the backward fusion and the Bernoulli loss. They do the same
/// Float operations in the same order (no fused multiply-add), so the results must be equal bit
/// for bit — which also makes the accuracy bounds of `NetworkFastMathTests` hold for them.
@Suite struct NetworkVectorKernelTests {
    /// The levels to test: every one the processor can run (the baseline always).
    static let levels = VectorKernels.Level.available

    /// Inputs covering every range: a stride through all Float bit patterns of both signs
    /// (subnormals, the clamps, ∞, NaNs), special values, and a count that is no multiple of
    /// any vector width (so the loops' remainders run too).
    static let inputs: [Float] = {
        var values: [Float] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, -.nan, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                               .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 7.929_469_6, -7.929_469_6, 88.8, -104.5, 87.3, -87.3]
        var bits: UInt32 = 0
        while bits < 0x7FFF_FFFF - 4099 {
            values.append(Float(bitPattern: bits))
            values.append(Float(bitPattern: bits | 0x8000_0000))
            bits += 4099
        }
        return values + [0.5]
    }()

    /// Equal as bit patterns (so NaN == NaN and 0 ≠ −0 here).
    static func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    @Test("the supported level is detected, and the baseline is always available")
    func detection() {
        #expect(Self.levels.first == .baseline)
        #expect(Self.levels.last == VectorKernels.Level.supported)
        #expect(VectorKernels.Level.current == VectorKernels.Level.supported)
    }

    @Test("tanh and logistic equal FastMath bit for bit over all Float ranges, for every count up to 40",
          arguments: VectorKernels.Level.available)
    func activations(level: VectorKernels.Level) {
        let x = Self.inputs
        var tanh = [Float](repeating: 0, count: x.count), logistic = tanh
        x.withUnsafeBufferPointer { px in
            tanh.withUnsafeMutableBufferPointer { VectorKernels.tanh(px.baseAddress!, $0.baseAddress!, count: x.count, level: level) }
            logistic.withUnsafeMutableBufferPointer { VectorKernels.logistic(px.baseAddress!, $0.baseAddress!, count: x.count, level: level) }
        }
        #expect(Self.sameBits(tanh, x.map(FastMath.tanh)))
        #expect(Self.sameBits(logistic, x.map(FastMath.logistic)))
        #expect(tanh[6].isNaN && logistic[6].isNaN)
        // Short counts (vector remainders) and the entries just past them left alone.
        for count in 0...40 {
            var out = [Float](repeating: 42, count: 48)
            x.withUnsafeBufferPointer { px in
                out.withUnsafeMutableBufferPointer { VectorKernels.tanh(px.baseAddress! + 100, $0.baseAddress!, count: count, level: level) }
            }
            #expect(Self.sameBits(Array(out[..<count]), x[100..<(100 + count)].map(FastMath.tanh)), "count \(count)")
            #expect(out[count...].allSatisfy { $0 == 42 }, "count \(count)")
        }
    }

    @Test("the tanh derivative with column sums equals the Swift loop bit for bit, sums added onto what is there",
          arguments: VectorKernels.Level.available)
    func tanhDerivative(level: VectorKernels.Level) {
        for (rows, columns) in [(1, 1), (3, 17), (37, 301), (5, 1000)] {
            let y: [Float] = TestMatrices.gaussian(rows, columns, seed: 3).elements.map { FastMath.tanh(3 * $0) }
            let original: [Float] = TestMatrices.gaussian(rows, columns, seed: 4).elements
            let start: [Float] = TestMatrices.gaussian(1, columns, seed: 5).elements
            // The Swift reference: the loop the kernel replaces, rows in order.
            var expected = original, expectedSums = start
            for i in 0..<rows {
                for j in 0..<columns {
                    let value = (1 - y[i * columns + j] * y[i * columns + j]) * original[i * columns + j]
                    expected[i * columns + j] = value
                    expectedSums[j] += value
                }
            }
            var delta = original, sums = start
            y.withUnsafeBufferPointer { py in
                delta.withUnsafeMutableBufferPointer { pd in
                    sums.withUnsafeMutableBufferPointer { ps in
                        VectorKernels.tanhDerivativeAndColumnSums(
                            output: py.baseAddress!, delta: pd.baseAddress!, rows: rows, columns: columns, sums: ps.baseAddress!, level: level)
                    }
                }
            }
            #expect(Self.sameBits(delta, expected), "\(rows)×\(columns)")
            #expect(Self.sameBits(sums, expectedSums), "\(rows)×\(columns)")
        }
    }

    @Test("the fused backward step at each level equals the generic Swift kernel, and the Double column sums",
          arguments: VectorKernels.Level.available)
    func fusedBackward(level: VectorKernels.Level) {
        // 300×301: several parallel chunks, with partial sums added in chunk order.
        let x: Matrix<Float> = TestMatrices.gaussian(300, 301, seed: 11).map { 3 * $0 }
        let y = ActivationFunction.tanh.apply(x)
        let original: Matrix<Float> = TestMatrices.gaussian(300, 301, seed: 12)
        var swiftDelta = original, vectorDelta = original
        var swiftSums = [Float](repeating: .nan, count: 301), vectorSums = swiftSums
        swiftSums.withUnsafeMutableBufferPointer {
            ActivationFunction.derivativeAndColumnSums(x, y, &swiftDelta, $0.baseAddress!, TanhDerivativeKernel(), vectorized: false)
        }
        vectorSums.withUnsafeMutableBufferPointer {
            ActivationFunction.derivativeAndColumnSums(x, y, &vectorDelta, $0.baseAddress!, TanhDerivativeKernel(), vectorized: true, level: level)
        }
        #expect(Self.sameBits(vectorDelta.elements, swiftDelta.elements))
        #expect(Self.sameBits(vectorSums, swiftSums))
        for j in 0..<301 {
            var reference = 0.0, magnitude = 0.0
            for i in 0..<300 {
                let value = (1 - Double(y[i, j]) * Double(y[i, j])) * Double(original[i, j])
                reference += value
                magnitude += Swift.abs(value)
            }
            #expect(Swift.abs(Double(vectorSums[j]) - reference) <= 1e-5 * Swift.max(magnitude, 1), "column \(j)")
        }
    }

    @Test("the Bernoulli loss terms and gradients equal the Swift loop bit for bit, and a Double reference closely",
          arguments: VectorKernels.Level.available)
    func bernoulli(level: VectorKernels.Level) throws {
        let z = NetworkFastPathTests.logits(Float.self, seed: 21)
        let targets: Matrix<Float> = TestMatrices.gaussian(z.rows, z.columns, seed: 22).map { $0 > 0 ? 1 : ($0 > -0.5 ? 0.25 : 0) }
        func run(_ vectorLevel: VectorKernels.Level?, gradients: Bool) -> (total: Double, losses: [Float], gradients: [Float]) {
            var losses = [Float](repeating: .nan, count: z.rows)
            var output = [Float](repeating: .nan, count: gradients ? z.elements.count : 0)
            let total = losses.withUnsafeMutableBufferPointer { l in
                output.withUnsafeMutableBufferPointer { g in
                    BernoulliLikelihood<Float>.fusedLossAndGradients(
                        outputs: z, targets: targets, gradientScale: 0.001, gradients: gradients ? g.baseAddress : nil,
                        losses: l.baseAddress, vectorLevel: vectorLevel)
                }
            }
            return (total, losses, output)
        }
        for withGradients in [true, false] {
            let swift = run(nil, gradients: withGradients), vector = run(level, gradients: withGradients)
            #expect(vector.total == swift.total)
            #expect(Self.sameBits(vector.losses, swift.losses))
            #expect(Self.sameBits(vector.gradients, swift.gradients))
            // Independent: the Double formulas.
            let reference = NetworkFastPathTests.bernoulliReference(z, targets)
            for i in 0..<z.rows {
                // Relative to the row's term magnitudes (large logits cancel: softplus(z) − z).
                var magnitude = 1.0
                for j in 0..<z.columns { magnitude += Swift.abs(Double(z[i, j])) * (1 + Double(targets[i, j])) }
                #expect(Swift.abs(Double(vector.losses[i]) - reference.losses[i]) <= 1e-6 * magnitude, "row \(i)")
            }
            if withGradients {
                let worst = zip(vector.gradients, reference.gradients).map { Swift.abs(Double($0) - 0.001 * $1) }.max() ?? .nan
                #expect(worst <= 1e-9)
            }
        }
    }
}
