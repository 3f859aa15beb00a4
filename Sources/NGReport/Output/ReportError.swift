/// Errors writing or reading a report's files; each names the path and the reason.
public enum ReportError: Error, CustomStringConvertible, Equatable {
    /// A file or folder could not be created or written (`permission denied`, `not a
    /// directory`, `no space left on device`…).
    case unwritable(path: String, reason: String)
    /// A file could not be read.
    case unreadable(path: String, reason: String)
    /// A value could not be encoded (a section whose JSON cannot be written).
    case encoding(path: String, reason: String)

    public var description: String {
        switch self {
        case .unwritable(let path, let reason): return "cannot write \(path): \(reason)"
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .encoding(let path, let reason): return "cannot encode \(path): \(reason)"
        }
    }
}
