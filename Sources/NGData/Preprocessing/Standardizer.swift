import NGLinearAlgebra

/// Per-column standardization, z = (x − μ) / σ, fitted on training features and applied
/// unchanged to any other split.
///
/// μⱼ is the column mean and σⱼ the *population* standard deviation,
///
///     μⱼ = (1/N) Σᵢ xᵢⱼ,    σⱼ = √((1/N) Σᵢ (xᵢⱼ − μⱼ)²),
///
/// computed in two passes in `Double` (the second pass on the centered values, which avoids the
/// cancellation of the one-pass formula Σx² − Nμ²); ``transform(_:)-(Matrix<T>)`` also works in
/// `Double` and rounds once to the matrix's precision. A constant column (every training value
/// equal, so σⱼ = 0) is centered but not scaled: its divisor is 1, so it becomes all zeros on
/// the training set instead of NaN. The test is exact equality of the values, not a threshold,
/// so a column with a tiny but genuine spread is still scaled.
///
/// Fit on the training split only, so no statistic of the test split leaks into training.
public struct Standardizer: Equatable, Sendable, Codable {
    /// μ, the training mean of each column.
    public let means: [Double]
    /// The divisor of each column: σⱼ, or 1 for a constant column.
    public let scales: [Double]

    /// The standardizer fitted to the columns of `features`.
    /// - Throws: ``DataError`` when `features` has no rows.
    public init<T: BLASScalar>(fitting features: Matrix<T>) throws {
        let (rows, columns) = (features.rows, features.columns)
        guard rows > 0 else { throw DataError("Standardizer", "cannot fit to a matrix with no rows") }
        var sums = [Double](repeating: 0, count: columns)
        var minimums = [T](repeating: .infinity, count: columns)
        var maximums = [T](repeating: -.infinity, count: columns)
        features.elements.withUnsafeBufferPointer { x in
            for i in 0..<rows {
                for j in 0..<columns {
                    let value = x[i * columns + j]
                    sums[j] += Double(value)
                    minimums[j] = min(minimums[j], value)
                    maximums[j] = max(maximums[j], value)
                }
            }
        }
        let means = sums.map { $0 / Double(rows) }
        var squares = [Double](repeating: 0, count: columns)
        features.elements.withUnsafeBufferPointer { x in
            for i in 0..<rows {
                for j in 0..<columns {
                    let deviation = Double(x[i * columns + j]) - means[j]
                    squares[j] += deviation * deviation
                }
            }
        }
        // A constant column's mean is its value exactly (the sum/N above can be off by an ulp),
        // so the column standardizes to exact zeros.
        self.means = (0..<columns).map { j in minimums[j] == maximums[j] ? Double(minimums[j]) : means[j] }
        self.scales = (0..<columns).map { j in
            minimums[j] == maximums[j] ? 1 : (squares[j] / Double(rows)).squareRoot()
        }
    }

    /// The standardizer fitted to a data set's features.
    /// - Throws: ``DataError`` when the data set is empty.
    public init(fitting dataset: Dataset) throws {
        try self.init(fitting: dataset.features)
    }

    /// The number of columns fitted.
    public var columnCount: Int { means.count }

    /// (x − μ) / σ, column by column.
    /// - Throws: ``DataError`` when the column count differs from the fitted one.
    public func transform<T: BLASScalar>(_ features: Matrix<T>) throws -> Matrix<T> {
        try checkColumns(features.columns)
        // Computed in Double and rounded once to T, so a Float column with a large offset
        // (|μ| ≫ σ) is not degraded by rounding μ to Float first.
        let columns = features.columns
        var result = features
        means.withUnsafeBufferPointer { means in
            scales.withUnsafeBufferPointer { scales in
                result.elements.withUnsafeMutableBufferPointer { x in
                    for i in 0..<features.rows {
                        for j in 0..<columns {
                            x[i * columns + j] = T((Double(x[i * columns + j]) - means[j]) / scales[j])
                        }
                    }
                }
            }
        }
        return result
    }

    /// The data set with its features standardized (targets unchanged).
    /// - Throws: ``DataError`` when the feature count differs from the fitted one.
    public func transform(_ dataset: Dataset) throws -> Dataset {
        var copy = dataset
        copy.features = try transform(dataset.features)
        return copy
    }

    /// x = z · σ + μ, undoing ``transform(_:)-(Matrix<T>)``.
    /// - Throws: ``DataError`` when the column count differs from the fitted one.
    public func inverseTransform<T: BLASScalar>(_ standardized: Matrix<T>) throws -> Matrix<T> {
        try checkColumns(standardized.columns)
        let columns = standardized.columns
        var result = standardized
        means.withUnsafeBufferPointer { means in
            scales.withUnsafeBufferPointer { scales in
                result.elements.withUnsafeMutableBufferPointer { z in
                    for i in 0..<standardized.rows {
                        for j in 0..<columns { z[i * columns + j] = T(Double(z[i * columns + j]) * scales[j] + means[j]) }
                    }
                }
            }
        }
        return result
    }

    private func checkColumns(_ columns: Int) throws {
        guard columns == columnCount else {
            throw DataError("Standardizer", "fitted to \(columnCount) columns, given \(columns)")
        }
    }
}
