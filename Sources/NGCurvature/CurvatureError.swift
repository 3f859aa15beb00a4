/// Why a curvature matrix, product or summary could not be computed.
///
/// Errors about the network, the parameters or the targets come from `NGModels` as
/// `NetworkError` (shape mismatches, invalid targets); errors of the linear algebra (an
/// eigensolver that fails) as `LinearAlgebraError`. This type covers the curvature layer's own
/// arguments.
public enum CurvatureError: Error, Equatable, CustomStringConvertible, Sendable {
    /// An argument outside its valid range (a sample count below 1, a vector of the wrong
    /// length, a kind that an operation does not support, …).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .invalidArgument(message): return message
        }
    }
}
