/// The shape of one example's features as seen by a layer: channels × height × width.
///
/// A batch is always an N×`count` ``Matrix`` whose row i holds example i in **NCHW** order
/// (PyTorch's): entry `c·height·width + h·width + w` is channel c at pixel (h, w). Plain feature
/// vectors are the shape (count, 1, 1), so a dense layer reads an image row exactly as
/// `torch.flatten(x, 1)` followed by `nn.Linear` would.
public struct FeatureShape: Hashable, Sendable, CustomStringConvertible {
    /// Number of channels (the number of features for a flat shape).
    public let channels: Int
    /// Image height in pixels (1 for a flat shape).
    public let height: Int
    /// Image width in pixels (1 for a flat shape).
    public let width: Int

    /// An image shape; every extent must be positive (a programmer error otherwise — layer
    /// initializers validate sizes that come from users and throw).
    public init(channels: Int, height: Int, width: Int) {
        precondition(channels > 0 && height > 0 && width > 0, "FeatureShape: extents must be positive, got \(channels)×\(height)×\(width)")
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// An image shape from sizes given by a user (a command line, a configuration file).
    /// - Throws: ``NetworkError/invalidConfiguration(_:)`` unless every extent is positive.
    public static func validated(channels: Int, height: Int, width: Int) throws -> FeatureShape {
        guard channels > 0, height > 0, width > 0 else {
            throw NetworkError.invalidConfiguration("feature shape \(channels)×\(height)×\(width): every extent must be positive")
        }
        return FeatureShape(channels: channels, height: height, width: width)
    }

    /// A flat vector of `count` features, the shape (count, 1, 1).
    public static func flat(_ count: Int) -> FeatureShape { FeatureShape(channels: count, height: 1, width: 1) }

    /// The number of features, channels·height·width: the column count of a batch matrix.
    public var count: Int { channels * height * width }

    /// Whether this is a flat feature vector (height and width 1).
    public var isFlat: Bool { height == 1 && width == 1 }

    public var description: String { isFlat ? "\(channels)" : "\(channels)×\(height)×\(width)" }
}
