import NGLinearAlgebra

/// Checks of user-supplied hyperparameters, shared by the transforms and optimizers: each
/// throws ``OptimizerError/invalidArgument(_:)`` naming the owner, the hyperparameter and the
/// value, so that a bad `--lr` on the command line is a message, not a crash.
enum HyperparameterCheck {
    /// value > 0 and finite.
    static func positive<Scalar: BLASScalar>(_ value: Scalar, _ name: String, in owner: String) throws {
        guard value > 0, value.isFinite else {
            throw OptimizerError.invalidArgument("\(owner): \(name) must be positive and finite, got \(value)")
        }
    }

    /// value ≥ 0 and finite.
    static func nonNegative<Scalar: BLASScalar>(_ value: Scalar, _ name: String, in owner: String) throws {
        guard value >= 0, value.isFinite else {
            throw OptimizerError.invalidArgument("\(owner): \(name) must be non-negative and finite, got \(value)")
        }
    }

    /// 0 ≤ value < 1: a decay rate or momentum coefficient (1 would never forget, > 1 diverges).
    static func decay<Scalar: BLASScalar>(_ value: Scalar, _ name: String, in owner: String) throws {
        guard value >= 0, value < 1 else {
            throw OptimizerError.invalidArgument("\(owner): \(name) must lie in [0, 1), got \(value)")
        }
    }

    /// lower < value < upper (both exclusive).
    static func open<Scalar: BLASScalar>(_ value: Scalar, _ name: String, between lower: Scalar, and upper: Scalar, in owner: String) throws {
        guard value > lower, value < upper else {
            throw OptimizerError.invalidArgument("\(owner): \(name) must lie strictly between \(lower) and \(upper), got \(value)")
        }
    }

    /// A count ≥ `minimum`.
    static func count(_ value: Int, _ name: String, atLeast minimum: Int, in owner: String) throws {
        guard value >= minimum else {
            throw OptimizerError.invalidArgument("\(owner): \(name) must be at least \(minimum), got \(value)")
        }
    }

    /// The update and a state vector have the same length (the parameter count did not change
    /// between steps).
    static func sameLength<Scalar: BLASScalar>(_ update: Vector<Scalar>, _ state: Vector<Scalar>, in owner: String) throws {
        guard update.count == state.count else {
            throw OptimizerError.invalidArgument(
                "\(owner): the update has \(update.count) entries but the state was created for \(state.count) parameters")
        }
    }
}
