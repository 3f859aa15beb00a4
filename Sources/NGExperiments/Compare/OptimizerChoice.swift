import Foundation
import NGTraining

/// One optimizer of a comparison: a registry name and, optionally, its own learning rate
/// (`adam@3e-4` on the command line); without one the registry's default for the model applies.
public struct OptimizerChoice: Sendable, Equatable, Codable, CustomStringConvertible {
    /// A name of ``OptimizerRegistry/names`` (lower case).
    public var name: String
    /// The learning rate, nil for the optimizer's default.
    public var learningRate: Double?

    enum CodingKeys: String, CodingKey {
        case name
        case learningRate = "learning_rate"
    }

    public init(_ name: String, learningRate: Double? = nil) {
        self.name = name.lowercased()
        self.learningRate = learningRate
    }

    /// Parses `name` or `name@lr`.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` for an unknown name (listing the
    ///   choices) or a learning rate that is not a positive number.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0].lowercased()
        guard OptimizerRegistry.names.contains(name) else {
            throw TrainingError.invalidConfiguration(
                "unknown optimizer '\(parts[0])'; choose one of: \(OptimizerRegistry.names.joined(separator: ", ")) (optionally name@learning-rate, e.g. adam@1e-3)")
        }
        var rate: Double?
        if parts.count == 2 {
            guard let value = Double(parts[1]), value > 0, value.isFinite else {
                throw TrainingError.invalidConfiguration("optimizer '\(trimmed)': the learning rate after '@' must be a positive number, got '\(parts[1])'")
            }
            rate = value
        }
        self.init(name, learningRate: rate)
    }

    /// Parses a comma-separated list (`sgd,adam@1e-3,kfac`); duplicates are an error (their
    /// curves would share a legend entry).
    /// - Throws: as ``init(parsing:)``, and for an empty list or a repeated entry.
    public static func parseList(_ text: String) throws -> [OptimizerChoice] {
        let entries = text.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
        guard !entries.isEmpty else {
            throw TrainingError.invalidConfiguration("--optimizers needs at least one name; choose from: \(OptimizerRegistry.names.joined(separator: ", "))")
        }
        let choices = try entries.map(OptimizerChoice.init(parsing:))
        try checkDistinct(choices)
        return choices
    }

    /// Throws when a choice appears twice (runs are told apart by their labels).
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` naming the repeated choice.
    public static func checkDistinct(_ choices: [OptimizerChoice]) throws {
        var seen = Set<String>()
        for choice in choices where !seen.insert(choice.description).inserted {
            throw TrainingError.invalidConfiguration("--optimizers lists \(choice) twice")
        }
    }

    /// Whether this is a first-order baseline (the default target is the best of these).
    public var isFirstOrder: Bool { Self.firstOrderNames.contains(name) }

    /// The first-order methods of the registry.
    public static let firstOrderNames: Set<String> = ["sgd", "momentum", "adam", "rmsprop", "adagrad", "svrg"]

    /// `adam` or `adam@0.0003`: the legend and table name.
    public var description: String {
        learningRate.map { "\(name)@\(Self.format($0))" } ?? name
    }

    /// A learning rate as the user would type it (`0.001`, `3e-05`).
    static func format(_ value: Double) -> String {
        let short = String(format: "%g", value)
        return Double(short) == value ? short : "\(value)"
    }
}
