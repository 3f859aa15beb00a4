/// A dense row-major matrix with value semantics.
///
/// Storage is a Swift array, so copies are cheap until one of them is mutated (copy-on-write).
/// Row-major order matches NumPy, PyTorch and safetensors, so arrays move between them without
/// transposition. Every product, factorization and solve runs on OpenBLAS/LAPACK through
/// ``BLASScalar``.
public struct Matrix<Scalar: BLASScalar>: Equatable, Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The entries, row after row: entry (i, j) is `elements[i * columns + j]`.
    public var elements: [Scalar]

    /// A matrix with every entry equal to `value`.
    ///
    /// Prespecialized for Float and Double: called from generic code that the compiler did not
    /// specialize (another module's generic function), the fill would otherwise copy element by
    /// element through the type's value witnesses.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative shape \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.elements = Array(repeating: value, count: rows * columns)
    }

    /// A matrix over the given row-major entries.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` when
    ///   `elements.count != rows * columns`.
    @inlinable
    public init(rows: Int, columns: Int, elements: [Scalar]) throws {
        // The product is checked for overflow: the shape may come from a file header.
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard rows >= 0, columns >= 0, !overflow, elements.count == count else {
            let expected = overflow ? "\(rows)×\(columns) elements (too many to count)" : "\(rows)×\(columns) = \(count) elements"
            throw LinearAlgebraError.shapeMismatch(
                operation: "Matrix(rows:columns:elements:)", expected: expected, actual: "\(elements.count) elements")
        }
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix from nested rows; all rows must have the same length.
    @inlinable
    public init(_ rowArrays: [[Scalar]]) throws {
        let columns = rowArrays.first?.count ?? 0
        for (i, row) in rowArrays.enumerated() where row.count != columns {
            throw LinearAlgebraError.shapeMismatch(
                operation: "Matrix(rows)", expected: "\(columns) entries in row \(i)", actual: "\(row.count)")
        }
        try self.init(rows: rowArrays.count, columns: columns, elements: rowArrays.flatMap { $0 })
    }

    /// A matrix whose entries `initializer` writes, without filling the storage with zeros first
    /// (for kernels that overwrite every entry: a gemm with β = 0, an elementwise map).
    ///
    /// `initializer` receives the rows·columns entries in row-major order and must initialize
    /// every one of them.
    @inlinable
    public init(
        rows: Int, columns: Int, initializingElementsWith initializer: (inout UnsafeMutableBufferPointer<Scalar>) throws -> Void
    ) rethrows {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative shape \(rows)×\(columns)")
        let count = rows * columns
        self.rows = rows
        self.columns = columns
        self.elements = try Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            try initializer(&buffer)
            initialized = count
        }
    }

    /// A matrix whose entry (i, j) is `entry(i, j)`.
    @inlinable
    public init(rows: Int, columns: Int, entry: (Int, Int) -> Scalar) {
        self.init(rows: rows, columns: columns)
        for i in 0..<rows {
            for j in 0..<columns { elements[i * columns + j] = entry(i, j) }
        }
    }

    /// The n×n identity matrix.
    @inlinable
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.elements[i * n + i] = 1 }
        return m
    }

    /// A square matrix with `diagonal` on its diagonal and zeros elsewhere.
    @inlinable
    public init(diagonal: Vector<Scalar>) {
        let n = diagonal.count
        self.init(rows: n, columns: n)
        for i in 0..<n { elements[i * n + i] = diagonal[i] }
    }

    /// (rows, columns).
    @inlinable public var shape: (rows: Int, columns: Int) { (rows, columns) }
    /// Whether the matrix is square.
    @inlinable public var isSquare: Bool { rows == columns }

    /// Entry (i, j).
    @inlinable
    public subscript(i: Int, j: Int) -> Scalar {
        get {
            precondition(i >= 0 && i < rows && j >= 0 && j < columns, "Matrix: index (\(i), \(j)) out of range for \(rows)×\(columns)")
            return elements[i * columns + j]
        }
        set {
            precondition(i >= 0 && i < rows && j >= 0 && j < columns, "Matrix: index (\(i), \(j)) out of range for \(rows)×\(columns)")
            elements[i * columns + j] = newValue
        }
    }

    /// Row `i` as a vector.
    @inlinable
    public func row(_ i: Int) -> Vector<Scalar> {
        precondition(i >= 0 && i < rows, "Matrix.row: \(i) out of range for \(rows) rows")
        return Vector(Array(elements[(i * columns)..<((i + 1) * columns)]))
    }

    /// Column `j` as a vector.
    @inlinable
    public func column(_ j: Int) -> Vector<Scalar> {
        precondition(j >= 0 && j < columns, "Matrix.column: \(j) out of range for \(columns) columns")
        return Vector((0..<rows).map { elements[$0 * columns + j] })
    }

    /// The rows at `indices`, in that order (a minibatch gather).
    @inlinable
    @_specialize(where Scalar == Float, C == [Int])
    @_specialize(where Scalar == Double, C == [Int])
    public func rows<C: Collection>(at indices: C) -> Matrix where C.Element == Int {
        let (sourceRows, columns) = (rows, self.columns)
        return elements.withUnsafeBufferPointer { src in
            Matrix(rows: indices.count, columns: columns) { dst in
                // One block copy per row (a memcpy, also from unspecialized generic code).
                for (r, i) in indices.enumerated() {
                    precondition(i >= 0 && i < sourceRows, "Matrix.rows(at:): \(i) out of range for \(sourceRows) rows")
                    guard columns > 0 else { continue }
                    (dst.baseAddress! + r * columns).initialize(from: src.baseAddress! + i * columns, count: columns)
                }
            }
        }
    }

    /// The main diagonal.
    @inlinable
    public var diagonal: Vector<Scalar> {
        Vector((0..<Swift.min(rows, columns)).map { elements[$0 * columns + $0] })
    }

    /// Sum of the diagonal entries.
    @inlinable public var trace: Scalar { diagonal.elements.reduce(0, +) }

    /// The transpose.
    @inlinable
    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        elements.withUnsafeBufferPointer { src in
            t.elements.withUnsafeMutableBufferPointer { dst in
                // Blocked to stay in cache for large matrices.
                let block = 32
                for ib in stride(from: 0, to: rows, by: block) {
                    for jb in stride(from: 0, to: columns, by: block) {
                        for i in ib..<Swift.min(ib + block, rows) {
                            for j in jb..<Swift.min(jb + block, columns) { dst[j * rows + i] = src[i * columns + j] }
                        }
                    }
                }
            }
        }
        return t
    }

    /// The same entries read as a `rows`×`columns` matrix of the same size (row-major order kept).
    @inlinable
    public func reshaped(rows newRows: Int, columns newColumns: Int) throws -> Matrix {
        try Matrix(rows: newRows, columns: newColumns, elements: elements)
    }

    /// The entries converted to another precision.
    @inlinable
    public func converted<Other: BLASScalar>(to: Other.Type = Other.self) -> Matrix<Other> {
        Matrix<Other>(uncheckedRows: rows, columns: columns, elements: elements.map { Other($0) })
    }

    /// A matrix over entries whose count the caller has already checked.
    @inlinable
    init(uncheckedRows rows: Int, columns: Int, elements: [Scalar]) {
        assert(elements.count == rows * columns)
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        let shown = (0..<Swift.min(rows, 8)).map { i in
            (0..<Swift.min(columns, 8)).map { j in "\(self[i, j])" }.joined(separator: ", ")
                + (columns > 8 ? ", …" : "")
        }
        return "Matrix<\(Scalar.precisionName)> \(rows)×\(columns)\n[" + shown.joined(separator: "\n ")
            + (rows > 8 ? "\n …" : "") + "]"
    }
}
