/// Why a network, a layer or a likelihood could not be built or evaluated.
///
/// Everything a user can get wrong — layer sizes that do not chain, a parameter vector of the
/// wrong length, a batch with the wrong number of features, targets that do not match the
/// outputs, an unknown likelihood name — is thrown with a message naming what is wrong.
/// Programmer errors inside the package (an index out of range) trap instead.
public enum NetworkError: Error, Equatable, CustomStringConvertible, Sendable {
    /// An operand has the wrong shape: `operation` names what was being done.
    case shapeMismatch(operation: String, expected: String, actual: String)
    /// A layer or network cannot be built as described (non-positive size, kernel larger than
    /// its padded input, consecutive layers whose shapes do not fit, …).
    case invalidConfiguration(String)
    /// A name (of a likelihood, an activation) that is not one of the known `choices`.
    case unknownName(kind: String, name: String, choices: [String])

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, expected, actual):
            return "\(operation): shape mismatch, expected \(expected) but got \(actual)"
        case let .invalidConfiguration(message):
            return message
        case let .unknownName(kind, name, choices):
            return "unknown \(kind) '\(name)'; choose one of: \(choices.joined(separator: ", "))"
        }
    }
}
