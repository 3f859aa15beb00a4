import NGLinearAlgebra
import NGModels

/// K-FAC's two Kronecker factors of one parameterized layer (Martens & Grosse 2015; Grosse &
/// Martens 2016 for convolutions): the layer's Fisher block is approximated by G ⊗ A.
///
/// For a dense layer y = W·a + b (W of shape (out, in)), with ā = (a, 1) the layer input with a
/// trailing 1 for the bias and g = ∂ℓ/∂y the gradient of the example's own negative
/// log-likelihood with respect to the layer's pre-activations,
///
///     A = (1/N)·Σᵢ āᵢ·āᵢᵀ                       (in+1)×(in+1)
///     G = (1/N)·Σᵢ E_{y~p(·|xᵢ)}[gᵢ·gᵢᵀ]         out×out
///
/// (G with the true labels for the empirical variant, or averaged over k sampled labels for the
/// Monte-Carlo one). The gradient of [W | b] is g·āᵀ, so for a **single example** the layer's
/// exact Fisher block is E[vec(g·āᵀ)·vec(g·āᵀ)ᵀ] = G ⊗ A exactly; over a batch K-FAC's
/// approximation is the product of the means instead of the mean of the products.
///
/// ## Kronecker and parameter order
/// G ⊗ A follows `KroneckerProduct`'s row-major convention: it acts on the **augmented**
/// matrix [W | b] (out×(in+1)) flattened row-major, entry (o·(in+1) + j, o′·(in+1) + j′) =
/// G[o, o′]·A[j, j′]; as an operator, (G ⊗ A)·vec([W | b]) = vec(G·[W | b]·A) (A symmetric).
/// The flat parameter order of the network (PyTorch's `parameters_to_vector`) is different: all
/// of W row-major, then b. Entry (o, j) of [W | b] sits at flat offset o·in + j for j < in and
/// at out·in + o for the bias column j = in (`LayerParameterLayout.flatIndex(row:column:)`).
/// ``denseBlockInParameterOrder()`` and ``permutedToParameterOrder(_:layout:)`` apply that
/// permutation, so that G ⊗ A can be compared with (or subtracted from) the layer's block of a
/// dense P×P curvature matrix, which ``parameterOrderBlock(of:layout:)`` extracts.
///
/// ## Convolutions (KFC)
/// A convolution is the affine map W·ā on each of its L = OH·OW im2col patches (ā = the
/// C·kh·kw patch values in PyTorch's weight order (c, ki, kj), then 1), with one g per output
/// position. Following KFC (Grosse & Martens 2016, §3.1), the patches are **summed** over
/// positions in A and the gradients **averaged** over positions in G:
///
///     A = (1/N)·Σᵢ Σₜ āᵢₜ·āᵢₜᵀ,      G = (1/(N·L))·Σᵢ Σₜ E[gᵢₜ·gᵢₜᵀ],
///
/// so that G ⊗ A is KFC's Ω ⊗ Γ under its spatial homogeneity and spatially uncorrelated
/// derivatives assumptions; it is exact when L = 1 (a kernel covering the padded input). For a
/// dense layer L = 1 and both reduce to the formulas above.
public struct KroneckerFactors<Scalar: BLASScalar>: Sendable {
    /// Where the layer's weight and bias lie in the flat parameter vector (rows = out, columns = in).
    public let layout: LayerParameterLayout
    /// A, (in+1)×(in+1): the second moment of the augmented layer inputs ā.
    public let inputFactor: Matrix<Scalar>
    /// G, out×out: the (exact, Monte-Carlo or empirical) second moment of the pre-activation gradients g.
    public let gradientFactor: Matrix<Scalar>
    /// L, the rows per example: 1 for a dense layer, the output positions OH·OW for a convolution.
    public let positionsPerExample: Int
    /// N, the number of examples the factors average over.
    public let exampleCount: Int

    /// Factors for a layer; both must be square, A of order `layout.columns + 1`, G of order `layout.rows`.
    public init(layout: LayerParameterLayout, inputFactor: Matrix<Scalar>, gradientFactor: Matrix<Scalar>, positionsPerExample: Int, exampleCount: Int) {
        precondition(inputFactor.rows == layout.columns + 1 && inputFactor.isSquare, "KroneckerFactors: A is \(inputFactor.shapeDescription) for fan-in \(layout.columns)")
        precondition(gradientFactor.rows == layout.rows && gradientFactor.isSquare, "KroneckerFactors: G is \(gradientFactor.shapeDescription) for \(layout.rows) outputs")
        self.layout = layout
        self.inputFactor = inputFactor
        self.gradientFactor = gradientFactor
        self.positionsPerExample = positionsPerExample
        self.exampleCount = exampleCount
    }

    /// The layer's index in the network's layer list (activations count); the factors array of
    /// ``CurvatureEstimator/kroneckerFactors(_:samples:seed:)`` is instead indexed by parameterized
    /// layer — the `i` of PyTorch's `layers.{i}.weight` for a multilayer perceptron.
    public var layerIndex: Int { layout.layerIndex }

    /// G ⊗ A, acting on the row-major augmented weight [W | b].
    public var kroneckerProduct: KroneckerProduct<Scalar> {
        // Both factors are square by construction.
        do { return try KroneckerProduct(gradientFactor, inputFactor) } catch { preconditionFailure("\(error)") }
    }

    /// G ⊗ A as a dense matrix in the layer's **flat parameter order** (W row-major, then b),
    /// order out·in + out: comparable with the layer's block of a dense curvature matrix.
    /// Memory grows as (out·(in+1))²: for tests and small layers.
    public func denseBlockInParameterOrder() -> Matrix<Scalar> {
        Self.permutedToParameterOrder(kroneckerProduct.dense, layout: layout)
    }

    /// A matrix indexed in the augmented row-major order of [W | b] (index o·(in+1) + j),
    /// re-indexed in the flat order of the layer's parameters (index `flatIndex(row: o, column: j)`
    /// − offset): result[π(a), π(b)] = matrix[a, b].
    public static func permutedToParameterOrder(_ matrix: Matrix<Scalar>, layout: LayerParameterLayout) -> Matrix<Scalar> {
        let permutation = augmentedToFlat(layout)
        let n = permutation.count
        precondition(matrix.rows == n && matrix.columns == n, "permutedToParameterOrder: matrix is \(matrix.shapeDescription), the layer has \(n) parameters")
        var result = Matrix<Scalar>(rows: n, columns: n)
        matrix.elements.withUnsafeBufferPointer { src in
            result.elements.withUnsafeMutableBufferPointer { dst in
                for a in 0..<n {
                    let row = permutation[a] * n
                    for b in 0..<n { dst[row + permutation[b]] = src[a * n + b] }
                }
            }
        }
        return result
    }

    /// The inverse of ``permutedToParameterOrder(_:layout:)``: a matrix in the layer's flat
    /// order re-indexed in the augmented order of [W | b].
    public static func permutedToAugmentedOrder(_ matrix: Matrix<Scalar>, layout: LayerParameterLayout) -> Matrix<Scalar> {
        let permutation = augmentedToFlat(layout)
        let n = permutation.count
        precondition(matrix.rows == n && matrix.columns == n, "permutedToAugmentedOrder: matrix is \(matrix.shapeDescription), the layer has \(n) parameters")
        return Matrix(rows: n, columns: n) { a, b in matrix.elements[permutation[a] * n + permutation[b]] }
    }

    /// The layer's diagonal block (rows and columns `layout.range`) of a P×P matrix in flat
    /// parameter order.
    public static func parameterOrderBlock(of matrix: Matrix<Scalar>, layout: LayerParameterLayout) -> Matrix<Scalar> {
        let range = layout.range
        precondition(matrix.isSquare && matrix.rows >= range.upperBound, "parameterOrderBlock: matrix is \(matrix.shapeDescription), the layer ends at \(range.upperBound)")
        let p = matrix.columns
        return Matrix(rows: range.count, columns: range.count) { i, j in matrix.elements[(range.lowerBound + i) * p + range.lowerBound + j] }
    }

    /// π: augmented index o·(in+1) + j ↦ local flat index (o·in + j, or out·in + o for the bias).
    static func augmentedToFlat(_ layout: LayerParameterLayout) -> [Int] {
        var permutation = [Int]()
        permutation.reserveCapacity(layout.rows * (layout.columns + 1))
        for o in 0..<layout.rows {
            for j in 0...layout.columns { permutation.append(layout.flatIndex(row: o, column: j) - layout.offset) }
        }
        return permutation
    }
}
