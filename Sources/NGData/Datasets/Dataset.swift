import NGLinearAlgebra

/// A supervised data set: a feature matrix with one row per example and, per example, a class
/// label (classification) or a real target (regression).
///
/// Load one with ``load(_:)`` (an embedded data set by name or a CSV file), split it with
/// ``split(testFraction:stratified:generator:)``, standardize it with ``Standardizer``, and
/// iterate over it in ``Minibatches`` gathered with ``subset(at:)``.
public struct Dataset: Equatable, Sendable {
    /// What is predicted for each example.
    public enum Targets: Equatable, Sendable {
        /// Class labels in 0..<count (classification).
        case classes([Int], count: Int)
        /// Real-valued targets (regression).
        case values([Double])

        /// The number of examples.
        public var count: Int {
            switch self {
            case let .classes(labels, _): return labels.count
            case let .values(values): return values.count
            }
        }

        /// The targets of the examples at `indices`, in that order (the class count is kept).
        public func subset<C: Collection>(at indices: C) -> Targets where C.Element == Int {
            switch self {
            case let .classes(labels, count): return .classes(indices.map { labels[$0] }, count: count)
            case let .values(values): return .values(indices.map { values[$0] })
            }
        }
    }

    /// A short name for reports ("iris", or the CSV file's name).
    public var name: String
    /// The features, N × d: row i holds example i.
    public var features: Matrix<Double>
    /// The labels or targets, one per row of ``features``.
    public var targets: Targets
    /// The names of the d feature columns, when the source has them (CSV headers).
    public var featureNames: [String]?

    /// A data set over the given features and targets.
    /// - Throws: ``DataError`` when the number of targets differs from the number of feature
    ///   rows, a class label lies outside 0..<classCount, the class count is not positive, or
    ///   the feature names do not match the columns.
    public init(name: String, features: Matrix<Double>, targets: Targets, featureNames: [String]? = nil) throws {
        guard targets.count == features.rows else {
            throw DataError(name, "\(features.rows) feature rows but \(targets.count) targets")
        }
        if case let .classes(labels, count) = targets {
            guard count > 0 else { throw DataError(name, "class count must be positive, got \(count)") }
            if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= count }) {
                throw DataError(name, "label \(labels[bad]) of example \(bad) is outside 0..<\(count)")
            }
        }
        if let featureNames, featureNames.count != features.columns {
            throw DataError(name, "\(featureNames.count) feature names for \(features.columns) feature columns")
        }
        self.name = name
        self.features = features
        self.targets = targets
        self.featureNames = featureNames
    }

    /// N, the number of examples.
    public var count: Int { features.rows }
    /// d, the number of features per example.
    public var featureCount: Int { features.columns }
    /// Whether the targets are class labels.
    public var isClassification: Bool { classCount != nil }

    /// The class labels, or nil for a regression data set.
    public var labels: [Int]? {
        if case let .classes(labels, _) = targets { return labels }
        return nil
    }

    /// K, the number of classes, or nil for a regression data set.
    public var classCount: Int? {
        if case let .classes(_, count) = targets { return count }
        return nil
    }

    /// The regression targets, or nil for a classification data set.
    public var values: [Double]? {
        if case let .values(values) = targets { return values }
        return nil
    }

    /// The number of examples of each class (index k holds class k), or nil for regression.
    public var classCounts: [Int]? {
        guard case let .classes(labels, count) = targets else { return nil }
        var counts = [Int](repeating: 0, count: count)
        for label in labels { counts[label] += 1 }
        return counts
    }

    /// The examples at `indices`, in that order: a minibatch or one side of a split.
    ///
    /// Indices may repeat (as in a bootstrap sample); each must lie in 0..<``count``
    /// (a precondition: indices come from the program, not from a file).
    public func subset<C: Collection>(at indices: C) -> Dataset where C.Element == Int {
        var copy = self
        copy.features = features.rows(at: indices)
        copy.targets = targets.subset(at: indices)
        return copy
    }
}

extension Dataset: CustomStringConvertible {
    public var description: String {
        let kind = classCount.map { "\($0) classes" } ?? "regression"
        return "\(name): \(count) examples × \(featureCount) features, \(kind)"
    }
}
