/// A dense vector with value semantics (copy-on-write through its array).
public struct Vector<Scalar: BLASScalar>: Equatable, Sendable {
    /// The entries.
    public var elements: [Scalar]

    /// A vector over the given entries.
    @inlinable public init(_ elements: [Scalar]) { self.elements = elements }

    /// A vector of `count` copies of `value` (prespecialized for Float and Double, as
    /// `Matrix(rows:columns:repeating:)` is).
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init(count: Int, repeating value: Scalar = 0) {
        precondition(count >= 0, "Vector: negative count \(count)")
        elements = Array(repeating: value, count: count)
    }

    /// The number of entries.
    @inlinable public var count: Int { elements.count }

    /// Entry `i`.
    @inlinable public subscript(i: Int) -> Scalar {
        get { elements[i] }
        set { elements[i] = newValue }
    }

    /// The vector as an n×1 matrix.
    @inlinable public var asColumn: Matrix<Scalar> { Matrix(uncheckedRows: count, columns: 1, elements: elements) }

    /// The entries converted to another precision.
    @inlinable public func converted<Other: BLASScalar>(to: Other.Type = Other.self) -> Vector<Other> {
        Vector<Other>(elements.map { Other($0) })
    }
}

extension Vector: ExpressibleByArrayLiteral {
    @inlinable public init(arrayLiteral elements: Scalar...) { self.init(elements) }
}

extension Vector: CustomStringConvertible {
    public var description: String {
        "Vector<\(Scalar.precisionName)>(" + elements.prefix(16).map { "\($0)" }.joined(separator: ", ")
            + (count > 16 ? ", … \(count) entries" : "") + ")"
    }
}
