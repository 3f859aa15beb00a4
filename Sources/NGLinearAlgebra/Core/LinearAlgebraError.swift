/// Why a linear-algebra operation could not be carried out.
///
/// Shape mismatches from the named, throwing methods (`multiplied(by:)`, `solve(_:)`, …) and
/// numerical failures (a matrix that is not positive definite, a LAPACK routine that did not
/// converge) are thrown so that callers handling user data can report them. The operators
/// (`*`, `+`) trap with the same message, as a shape mismatch there is a programmer error.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Operand shapes do not fit: `operation` names the routine, the shapes are (rows, columns).
    case shapeMismatch(operation: String, expected: String, actual: String)
    /// The Cholesky factorization failed: the leading minor of order `order` is not positive definite.
    case notPositiveDefinite(order: Int, jitterTried: Double?)
    /// A LAPACK routine reported failure (`info`), e.g. no convergence of an eigensolver.
    case lapackFailure(routine: String, info: Int)
    /// An argument outside its valid range (negative size, p ≤ 0, k > n, …).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, expected, actual):
            return "\(operation): shape mismatch, expected \(expected) but got \(actual)"
        case let .notPositiveDefinite(order, jitter):
            let tried = jitter.map { " (also after adding \($0)·I)" } ?? ""
            return "matrix is not positive definite: leading minor of order \(order) failed\(tried)"
        case let .lapackFailure(routine, info):
            return "LAPACK \(routine) failed with info = \(info)"
        case let .invalidArgument(message):
            return message
        }
    }
}

/// Formats a shape as `rows×columns`, as in error messages.
@inlinable func shapeText(_ rows: Int, _ columns: Int) -> String { "\(rows)×\(columns)" }
