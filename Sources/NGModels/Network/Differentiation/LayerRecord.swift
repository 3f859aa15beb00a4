import NGLinearAlgebra

/// One parameterized layer's inputs a and output gradients g from a backward pass: what K-FAC's
/// Kronecker factors are made of (Martens & Grosse 2015; Grosse & Martens 2016 for convolutions).
///
/// The layer is an affine map on rows, y = W·a + b, so its gradient is
///
///     ∇W = Σ_rows g·aᵀ = gᵀ·a (``outputGradients``ᵀ · ``inputs``),      ∇b = Σ_rows g,
///
/// and with ā = (a, 1) the augmented gradient ∇[W | b] = Σ g·āᵀ. For a dense layer there is one
/// row per example (a = the layer input, g = ∂s/∂(pre-activation)); for a convolution, L = OH·OW
/// rows per example (a = an im2col patch, g = the gradient at that output position), rows
/// example-major. The K-FAC factors of the issue are then
///
///     A = (1/N)·Σ āāᵀ = (1/N)·``augmentedInputs``.gram(),    G = (1/N)·Σ ggᵀ = (1/N)·``outputGradients``.gram()
///
/// with g from back-propagating the per-example loss gradients (unscaled), or the columns of a
/// square-root factor of the output Fisher for the exact expectation. The Fisher block of the
/// layer in the augmented row-major order is approximated by G ⊗ A (``KroneckerProduct``'s
/// convention); ``layout`` maps that order to the flat parameter order.
public struct LayerRecord<Scalar: BLASScalar>: Sendable {
    /// Where the layer's weight and bias lie in the flat parameter vector.
    public let layout: LayerParameterLayout
    /// a: (N·L)×fan-in, the affine map's input rows.
    public let inputs: Matrix<Scalar>
    /// g: (N·L)×out, the gradients at the affine map's output rows.
    public let outputGradients: Matrix<Scalar>
    /// L: rows per example (1 for dense layers, output positions for convolutions).
    public let rowsPerExample: Int

    public init(layout: LayerParameterLayout, inputs: Matrix<Scalar>, outputGradients: Matrix<Scalar>, rowsPerExample: Int) {
        self.layout = layout
        self.inputs = inputs
        self.outputGradients = outputGradients
        self.rowsPerExample = rowsPerExample
    }

    /// The layer's index in the network.
    public var layerIndex: Int { layout.layerIndex }
    /// N, the number of examples.
    public var exampleCount: Int { inputs.rows / rowsPerExample }

    /// ā = (a, 1): the inputs with a trailing column of ones for the bias, (N·L)×(fan-in + 1).
    public var augmentedInputs: Matrix<Scalar> {
        let (rows, columns) = (inputs.rows, inputs.columns)
        var out = Matrix<Scalar>(rows: rows, columns: columns + 1, repeating: 1)
        inputs.elements.withUnsafeBufferPointer { src in
            out.elements.withUnsafeMutableBufferPointer { dst in
                for i in 0..<rows { (dst.baseAddress! + i * (columns + 1)).update(from: src.baseAddress! + i * columns, count: columns) }
            }
        }
        return out
    }
}
