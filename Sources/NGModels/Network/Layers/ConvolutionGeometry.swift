import NGLinearAlgebra

/// The index bookkeeping of a 2-D convolution: im2col, its adjoint col2im, and the reordering
/// between position-major and channel-major (NCHW) outputs.
///
/// For an input of C channels of H×W pixels, a kh×kw kernel, stride s and zero padding p, the
/// output has OH = ⌊(H + 2p − kh)/s⌋ + 1 rows and OW = ⌊(W + 2p − kw)/s⌋ + 1 columns of
/// L = OH·OW positions. The patch matrix of a batch has N·L rows, row i·L + oh·OW + ow holding
/// the K = C·kh·kw input values under the kernel at output position (oh, ow) of example i, in
/// column order (c, ki, kj) — the row-major order of a PyTorch weight (out, C, kh, kw) — and
/// zeros where the kernel hangs over the padding. The convolution is then one gemm,
/// patches·Wᵀ (Chellapilla, Puri & Simard 2006).
struct ConvolutionGeometry: Sendable, Equatable {
    let input: FeatureShape
    let kernelHeight: Int
    let kernelWidth: Int
    let stride: Int
    let padding: Int
    let outputHeight: Int
    let outputWidth: Int

    /// - Throws: ``NetworkError/invalidConfiguration(_:)`` for a non-positive kernel or stride, a
    ///   negative padding, or a kernel larger than the padded input.
    init(input: FeatureShape, kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int, layer: String) throws {
        guard kernelHeight > 0, kernelWidth > 0, stride > 0, padding >= 0 else {
            throw NetworkError.invalidConfiguration(
                "\(layer): kernel \(kernelHeight)×\(kernelWidth) and stride \(stride) must be positive and padding \(padding) non-negative")
        }
        let paddedHeight = input.height + 2 * padding, paddedWidth = input.width + 2 * padding
        guard kernelHeight <= paddedHeight, kernelWidth <= paddedWidth else {
            throw NetworkError.invalidConfiguration(
                "\(layer): kernel \(kernelHeight)×\(kernelWidth) is larger than the padded input \(paddedHeight)×\(paddedWidth)")
        }
        self.input = input
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        self.padding = padding
        outputHeight = (paddedHeight - kernelHeight) / stride + 1
        outputWidth = (paddedWidth - kernelWidth) / stride + 1
    }

    /// L = OH·OW, the output positions per example.
    var positions: Int { outputHeight * outputWidth }
    /// K = C·kh·kw, the values under the kernel.
    var patchSize: Int { input.channels * kernelHeight * kernelWidth }

    /// The (N·L)×K patch matrix of an N×(C·H·W) batch (im2col).
    func patches<Scalar: BLASScalar>(_ x: Matrix<Scalar>) -> Matrix<Scalar> { transfer(x, toPatches: true, patches: nil) }

    /// The adjoint of ``patches(_:)`` (col2im): the N×(C·H·W) batch whose entries are the sums of
    /// the patch entries that were read from them.
    func image<Scalar: BLASScalar>(fromPatches patches: Matrix<Scalar>, examples: Int) -> Matrix<Scalar> {
        transfer(Matrix(rows: examples, columns: input.count), toPatches: false, patches: patches)
    }

    /// im2col (`toPatches`) or its adjoint, sharing one loop over (example, position, c, ki, kj).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func transfer<Scalar: BLASScalar>(_ image: Matrix<Scalar>, toPatches: Bool, patches given: Matrix<Scalar>?) -> Matrix<Scalar> {
        let examples = image.rows
        let (channels, height, width) = (input.channels, input.height, input.width)
        let (positions, patchSize) = (self.positions, self.patchSize)
        var image = image
        var patches = given ?? Matrix<Scalar>(rows: examples * positions, columns: patchSize)
        image.elements.withUnsafeMutableBufferPointer { pi in
            patches.elements.withUnsafeMutableBufferPointer { pp in
                for example in 0..<examples {
                    let imageRow = example * channels * height * width
                    for oh in 0..<outputHeight {
                        for ow in 0..<outputWidth {
                            let patchRow = (example * positions + oh * outputWidth + ow) * patchSize
                            var column = 0
                            for c in 0..<channels {
                                for ki in 0..<kernelHeight {
                                    let h = oh * stride - padding + ki
                                    for kj in 0..<kernelWidth {
                                        let w = ow * stride - padding + kj
                                        if h >= 0, h < height, w >= 0, w < width {
                                            let pixel = imageRow + (c * height + h) * width + w
                                            if toPatches { pp[patchRow + column] = pi[pixel] } else { pi[pixel] += pp[patchRow + column] }
                                        }
                                        column += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return toPatches ? patches : image
    }

    /// (N·L)×channels, rows position-major, to N×(channels·L) in NCHW order: entry (i·L + l, c)
    /// moves to (i, c·L + l).
    func channelMajor<Scalar: BLASScalar>(_ y: Matrix<Scalar>, channels: Int) -> Matrix<Scalar> {
        reorder(y, channels: channels, toChannelMajor: true)
    }

    /// The inverse of ``channelMajor(_:channels:)``: N×(channels·L) to (N·L)×channels.
    func positionMajor<Scalar: BLASScalar>(_ y: Matrix<Scalar>, channels: Int) -> Matrix<Scalar> {
        reorder(y, channels: channels, toChannelMajor: false)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func reorder<Scalar: BLASScalar>(_ y: Matrix<Scalar>, channels: Int, toChannelMajor: Bool) -> Matrix<Scalar> {
        let positions = self.positions
        let examples = toChannelMajor ? y.rows / positions : y.rows
        var out = toChannelMajor
            ? Matrix<Scalar>(rows: examples, columns: channels * positions)
            : Matrix<Scalar>(rows: examples * positions, columns: channels)
        y.elements.withUnsafeBufferPointer { src in
            out.elements.withUnsafeMutableBufferPointer { dst in
                for example in 0..<examples {
                    let base = example * positions * channels
                    for l in 0..<positions {
                        for c in 0..<channels {
                            let positionIndex = base + l * channels + c, channelIndex = base + c * positions + l
                            if toChannelMajor { dst[channelIndex] = src[positionIndex] } else { dst[positionIndex] = src[channelIndex] }
                        }
                    }
                }
            }
        }
        return out
    }
}
