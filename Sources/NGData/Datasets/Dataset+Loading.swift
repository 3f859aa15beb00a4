import Foundation
import NGLinearAlgebra

extension Dataset {
    /// Whether a CSV file's last column holds class labels or regression targets.
    public enum TargetKind: String, Sendable, CaseIterable {
        /// Class labels: integers, remapped to 0..<K in increasing order.
        case classes
        /// Real-valued regression targets.
        case values
    }

    /// With no explicit ``TargetKind``, a CSV's last column is read as class labels when all
    /// its values are integers and there are at most this many distinct ones; otherwise as
    /// regression targets. (The diabetes targets, integers with 214 distinct values, are
    /// read as regression.)
    public static let automaticClassLimit = 100

    /// An embedded data set by name, or the data set in a CSV file at a path.
    ///
    /// - Parameters:
    ///   - nameOrPath: one of the ``EmbeddedDataset`` names (`mnist5k`, `digits`,
    ///     `breast-cancer`, `iris`, `wine`, `diabetes`; case-insensitive), or the path of a CSV
    ///     file with a header row, the features, and the label or target in the last column.
    ///     A name takes precedence over a file of the same name (write `./iris` for the file).
    ///   - targetKind: for a CSV path, how to read the last column; nil applies the rule of
    ///     ``automaticClassLimit``. Ignored for embedded data sets, whose kind is known.
    /// - Throws: ``DataError`` listing the valid names when `nameOrPath` is neither a name nor
    ///   an existing file, or the file's error when it is malformed.
    public static func load(_ nameOrPath: String, targetKind: TargetKind? = nil) throws -> Dataset {
        if let embedded = EmbeddedDataset(rawValue: nameOrPath.lowercased()) {
            return try embedded.load()
        }
        guard FileManager.default.fileExists(atPath: nameOrPath) else {
            let names = EmbeddedDataset.allCases.map(\.rawValue).joined(separator: ", ")
            throw DataError("Dataset.load", "unknown data set '\(nameOrPath)': expected one of \(names), or the path of a CSV file")
        }
        return try readCSV(URL(fileURLWithPath: nameOrPath), targetKind: targetKind)
    }

    /// The data set in a CSV file: header row, feature columns, then the label or target column.
    /// - Parameters:
    ///   - targetKind: how to read the last column; nil applies the rule of ``automaticClassLimit``.
    ///   - name: the data set's name; by default the file name without its extension.
    /// - Throws: ``DataError`` when the file is malformed, has fewer than two columns, or (for
    ///   ``TargetKind/classes``) holds a label that is not an integer.
    public static func readCSV(_ url: URL, targetKind: TargetKind? = nil, name: String? = nil) throws -> Dataset {
        let path = url.path
        let table = try CSVTable.read(url)
        let columns = table.values.columns
        guard columns >= 2 else {
            throw DataError(path, "needs at least one feature column and a last label or target column, found \(columns) column")
        }
        let rows = table.values.rows
        var featureElements: [Double] = []
        featureElements.reserveCapacity(rows * (columns - 1))
        var last: [Double] = []
        last.reserveCapacity(rows)
        for i in 0..<rows {
            let row = table.values.elements[(i * columns)..<((i + 1) * columns)]
            featureElements += row.dropLast()
            last.append(row.last!)
        }
        let features = try Matrix(rows: rows, columns: columns - 1, elements: featureElements)
        let kind = targetKind ?? automaticKind(of: last)
        let targets: Targets
        switch kind {
        case .values:
            targets = .values(last)
        case .classes:
            if let bad = last.firstIndex(where: { $0.rounded() != $0 || abs($0) > 0x1p53 }) {
                throw DataError(path, line: bad + 2, column: columns, "label \(last[bad]) is not an integer")
            }
            let classes = Array(Set(last)).sorted()
            let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
            targets = .classes(last.map { index[$0]! }, count: classes.count)
        }
        return try Dataset(
            name: name ?? url.deletingPathExtension().lastPathComponent, features: features, targets: targets,
            featureNames: Array(table.header.dropLast()))
    }

    /// Classes when every value is an integer and at most ``automaticClassLimit`` differ.
    private static func automaticKind(of values: [Double]) -> TargetKind {
        guard values.allSatisfy({ $0.rounded() == $0 && abs($0) <= 0x1p53 }) else { return .values }
        return Set(values).count <= automaticClassLimit ? .classes : .values
    }
}
