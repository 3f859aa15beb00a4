/// Where one parameterized layer's weight and bias lie in the network's flat parameter vector.
///
/// The flat vector follows PyTorch's `parameters_to_vector`: layer by layer, the weight row-major
/// (shape (rows, columns) = (out, in) for dense, (outChannels, inChannels·kh·kw) for a
/// convolution), then the bias (`rows` entries). Curvature blocks per layer (block-diagonal
/// Fisher, K-FAC) slice the parameter vector and dense curvature matrices with these ranges.
///
/// ## The augmented weight [W | b]
/// K-FAC works with ā = (a, 1) and the rows×(columns + 1) matrix [W | b], whose row-major
/// flattening is **not** the flat order (there, all weights come before all biases).
/// ``flatIndex(row:column:)`` maps entry (o, j) of [W | b] to its flat index, so a Kronecker
/// factor G ⊗ A of order rows·(columns + 1) — entry (o·(columns+1) + j, o′·(columns+1) + j′) =
/// G[o, o′]·A[j, j′] — can be scattered into the flat parameter order.
public struct LayerParameterLayout: Equatable, Sendable {
    /// The layer's index in ``Network/layers``.
    public let layerIndex: Int
    /// Rows of the weight matrix: the layer's outputs (or output channels).
    public let rows: Int
    /// Columns of the weight matrix: the fan-in.
    public let columns: Int
    /// The flat index of the first weight.
    public let offset: Int

    public init(layerIndex: Int, rows: Int, columns: Int, offset: Int) {
        self.layerIndex = layerIndex
        self.rows = rows
        self.columns = columns
        self.offset = offset
    }

    /// The weight entries, rows·columns of them, row-major.
    public var weightRange: Range<Int> { offset..<(offset + rows * columns) }
    /// The bias entries, `rows` of them.
    public var biasRange: Range<Int> { weightRange.upperBound..<(weightRange.upperBound + rows) }
    /// All of the layer's parameters: weight then bias.
    public var range: Range<Int> { offset..<biasRange.upperBound }

    /// The flat index of entry (row, column) of the augmented matrix [W | b]: column `columns`
    /// is the bias.
    public func flatIndex(row: Int, column: Int) -> Int {
        precondition(row >= 0 && row < rows && column >= 0 && column <= columns, "LayerParameterLayout.flatIndex: (\(row), \(column)) outside \(rows)×\(columns + 1)")
        return column == columns ? biasRange.lowerBound + row : offset + row * columns + column
    }
}
