import NGLinearAlgebra

/// An n-dimensional array of fixed-width numbers as stored in a data file: a shape and the
/// elements in row-major (C) order.
///
/// This is the common currency of the binary formats: ``IDXFile`` (MNIST), ``NumPyFile``
/// (`.npy`) and ``SafeTensorsFile`` all read and write it. The element type of the file is kept
/// (see ``NumericStorage``); the conversions to ``Matrix``, ``Vector`` and `[Int]` check the
/// rank and the type and throw on a mismatch.
///
/// A 0-dimensional array (shape `[]`) holds one scalar; an array with a zero in its shape holds
/// no elements.
public struct NumericArray: Equatable, Sendable {
    /// The length of each axis, outermost first.
    public let shape: [Int]
    /// The elements, row-major: the last axis varies fastest.
    public let storage: NumericStorage

    /// An array of the given shape over the given elements.
    /// - Throws: ``DataError`` when a dimension is negative or the element count is not the
    ///   product of the shape.
    public init(shape: [Int], storage: NumericStorage) throws {
        guard let count = elementCount(of: shape) else {
            throw DataError("NumericArray", "invalid shape \(shape): dimensions must be non-negative with a representable product")
        }
        guard count == storage.count else {
            throw DataError("NumericArray", "shape \(shape) needs \(count) elements, found \(storage.count)")
        }
        self.shape = shape
        self.storage = storage
    }

    /// A shape and elements the caller has already checked against each other.
    init(checkedShape shape: [Int], storage: NumericStorage) {
        assert(elementCount(of: shape) == storage.count)
        self.shape = shape
        self.storage = storage
    }

    /// A 2-dimensional array holding a matrix, `float32` or `float64` by the matrix's precision.
    public init<T: BLASScalar>(_ matrix: Matrix<T>) {
        self.init(checkedShape: [matrix.rows, matrix.columns], storage: floatingStorage(matrix.elements))
    }

    /// A 1-dimensional array holding a vector, `float32` or `float64` by the vector's precision.
    public init<T: BLASScalar>(_ vector: Vector<T>) {
        self.init(checkedShape: [vector.count], storage: floatingStorage(vector.elements))
    }

    /// A 1-dimensional `int64` array of integers, e.g. class labels.
    public init(integers: [Int]) {
        self.init(checkedShape: [integers.count], storage: .int64(integers.map { Int64($0) }))
    }

    /// The number of axes.
    public var rank: Int { shape.count }
    /// The number of elements.
    public var count: Int { storage.count }
    /// The type of the elements.
    public var elementType: ElementType { storage.elementType }

    /// The array as a matrix, converting the elements to `T`.
    ///
    /// Any element type converts (as NumPy's `astype` does): integers such as pixel intensities
    /// become floating point, exactly up to 2²⁴ (`Float`) or 2⁵³ (`Double`).
    /// - Parameter flatteningTrailingAxes: when true, an array of shape (n, d₁, …, dₖ) becomes an
    ///   n × (d₁⋯dₖ) matrix, e.g. a stack of images becomes one row per image; a 1-dimensional
    ///   array becomes one column.
    /// - Throws: ``DataError`` when the array is not 2-dimensional (or, when flattening, is 0-dimensional).
    public func matrix<T: BLASScalar>(
        as: T.Type = T.self, flatteningTrailingAxes: Bool = false
    ) throws -> Matrix<T> {
        let rows: Int
        if flatteningTrailingAxes {
            guard rank >= 1 else { throw DataError("NumericArray.matrix", "a 0-dimensional array cannot be read as a matrix") }
            rows = shape[0]
        } else {
            guard rank == 2 else { throw DataError("NumericArray.matrix", "expected a 2-dimensional array, found shape \(shape)") }
            rows = shape[0]
        }
        let columns = rank == 1 ? 1 : shape.dropFirst().reduce(1, *)
        return try Matrix(rows: rows, columns: columns, elements: storage.converted(to: T.self))
    }

    /// The array as a vector, converting the elements to `T` (as ``matrix(as:flatteningTrailingAxes:)`` does).
    /// - Throws: ``DataError`` when the array is not 1-dimensional.
    public func vector<T: BLASScalar>(as: T.Type = T.self) throws -> Vector<T> {
        guard rank == 1 else { throw DataError("NumericArray.vector", "expected a 1-dimensional array, found shape \(shape)") }
        return Vector(storage.converted(to: T.self))
    }

    /// The array as integers, e.g. class labels.
    /// - Throws: ``DataError`` when the array is not 1-dimensional, holds floating-point numbers,
    ///   or holds a `uint64` value above `Int.max`.
    public func integers() throws -> [Int] {
        guard rank == 1 else { throw DataError("NumericArray.integers", "expected a 1-dimensional array, found shape \(shape)") }
        guard let values = storage.integers else {
            throw DataError("NumericArray.integers", "expected integers, found \(elementType.rawValue) elements")
        }
        return values
    }
}

/// The product of `shape`, or nil when a dimension is negative or the product overflows `Int`.
func elementCount(of shape: [Int]) -> Int? {
    var product = 1
    for dimension in shape {
        guard dimension >= 0 else { return nil }
        let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
        guard !overflow else { return nil }
        product = next
    }
    return product
}

/// `float32` or `float64` storage for elements of a BLAS precision.
private func floatingStorage<T: BLASScalar>(_ elements: [T]) -> NumericStorage {
    if let single = elements as? [Float] { return .float32(single) }
    return .float64(elements.map { Double($0) })
}
