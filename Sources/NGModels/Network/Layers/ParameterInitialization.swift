import NGLinearAlgebra
import NGRandom

/// How ``Network/initialParameters(scheme:generator:)`` draws the initial weights and biases.
///
/// Draws are made layer by layer in parameter order (weight row-major, then bias) from the one
/// generator, so a seed fixes the whole vector. Fan-in and fan-out follow PyTorch: for a weight of
/// shape (out, in, kh, kw) they are in·kh·kw and out·kh·kw.
public enum ParameterInitialization: String, CaseIterable, Sendable {
    /// PyTorch's default for `nn.Linear` and `nn.Conv2d`: `kaiming_uniform_(a = √5)` for the
    /// weight, which is U(−1/√fan_in, 1/√fan_in), and the same interval for the bias.
    case pytorchDefault = "pytorch"
    /// Glorot & Bengio (2010), "Xavier uniform": weights U(−r, r) with r = √(6 / (fan_in + fan_out)),
    /// biases zero.
    case glorotUniform = "glorot"

    /// `weightCount` weights then `biasCount` biases for a layer with the given fans.
    public func parameters<Scalar: BLASScalar>(
        weightCount: Int, biasCount: Int, fanIn: Int, fanOut: Int, generator: inout SeededGenerator
    ) -> [Scalar] {
        var values = [Scalar]()
        values.reserveCapacity(weightCount + biasCount)
        switch self {
        case .pytorchDefault:
            let bound = 1 / Double(fanIn).squareRoot()
            for _ in 0..<(weightCount + biasCount) { values.append(Scalar(generator.uniform(-bound, bound))) }
        case .glorotUniform:
            let bound = (6 / Double(fanIn + fanOut)).squareRoot()
            for _ in 0..<weightCount { values.append(Scalar(generator.uniform(-bound, bound))) }
            values.append(contentsOf: repeatElement(0, count: biasCount))
        }
        return values
    }
}
