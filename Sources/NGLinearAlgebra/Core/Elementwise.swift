import RealModule

/// Level-1 BLAS and entrywise arithmetic, shared by ``Matrix`` and ``Vector``.
///
/// Both types store a flat array, so one implementation serves both: the shape check compares
/// `shapeDescription`, the arithmetic runs on `elements`.
public protocol DenseStorage<Scalar>: Equatable {
    associatedtype Scalar: BLASScalar
    /// The entries in storage order.
    var elements: [Scalar] { get set }
    /// The shape, as shown in error messages; two operands fit when their descriptions agree.
    var shapeDescription: String { get }
}

extension Matrix: DenseStorage {
    public var shapeDescription: String { shapeText(rows, columns) }
}

extension Vector: DenseStorage {
    public var shapeDescription: String { "length \(count)" }
}

extension DenseStorage {
    @inlinable func checkSameShape(_ other: Self, _ operation: String) throws {
        guard shapeDescription == other.shapeDescription else {
            throw LinearAlgebraError.shapeMismatch(operation: operation, expected: shapeDescription, actual: other.shapeDescription)
        }
    }

    /// self ← self + α·x (BLAS axpy).
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` when the shapes differ.
    @inlinable
    public mutating func add(_ x: Self, scaledBy alpha: Scalar = 1) throws {
        try checkSameShape(x, "axpy")
        let n = Int32(elements.count)
        if n == 0 { return }
        x.elements.withUnsafeBufferPointer { px in
            elements.withUnsafeMutableBufferPointer { py in Scalar.axpy(n, alpha, px.baseAddress!, 1, py.baseAddress!, 1) }
        }
    }

    /// self ← α·self (BLAS scal).
    @inlinable
    public mutating func scale(by alpha: Scalar) {
        let n = Int32(elements.count)
        if n == 0 { return }
        elements.withUnsafeMutableBufferPointer { p in Scalar.scal(n, alpha, p.baseAddress!, 1) }
    }

    /// Σᵢ selfᵢ·otherᵢ (BLAS dot; for matrices the Frobenius inner product).
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` when the shapes differ.
    @inlinable
    public func dot(_ other: Self) throws -> Scalar {
        try checkSameShape(other, "dot")
        let n = Int32(elements.count)
        if n == 0 { return 0 }
        return elements.withUnsafeBufferPointer { px in
            other.elements.withUnsafeBufferPointer { py in Scalar.dot(n, px.baseAddress!, 1, py.baseAddress!, 1) }
        }
    }

    /// The Euclidean norm (Frobenius for matrices), computed without overflow (BLAS nrm2).
    @inlinable
    public var norm: Scalar {
        let n = Int32(elements.count)
        if n == 0 { return 0 }
        return elements.withUnsafeBufferPointer { p in Scalar.nrm2(n, p.baseAddress!, 1) }
    }

    /// Σ|xᵢ| over the entries.
    @inlinable public var sumOfMagnitudes: Scalar { elements.reduce(0) { $0 + Swift.abs($1) } }
    /// maxᵢ |xᵢ| over the entries (0 when empty).
    @inlinable public var maxMagnitude: Scalar { elements.reduce(0) { Swift.max($0, Swift.abs($1)) } }
    /// Whether every entry is finite (no NaN or ±∞).
    @inlinable public var isFinite: Bool { elements.withUnsafeBufferPointer { Scalar.allFinite($0) } }

    /// Applies `transform` to every entry.
    @inlinable
    public func map(_ transform: (Scalar) -> Scalar) -> Self {
        var out = self
        out.elements.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] = transform(p[i]) }
        }
        return out
    }

    /// Combines two same-shaped operands entry by entry.
    /// - Throws: ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` when the shapes differ.
    @inlinable
    public func zipMap(_ other: Self, _ combine: (Scalar, Scalar) -> Scalar) throws -> Self {
        try checkSameShape(other, "zipMap")
        var out = self
        out.elements.withUnsafeMutableBufferPointer { p in
            other.elements.withUnsafeBufferPointer { q in
                for i in p.indices { p[i] = combine(p[i], q[i]) }
            }
        }
        return out
    }

    /// Whether every entry is within `absolute + relative·|other|` of the other operand's (same shape required).
    @inlinable
    public func isApproximatelyEqual(to other: Self, absoluteTolerance: Scalar, relativeTolerance: Scalar = 0) -> Bool {
        guard shapeDescription == other.shapeDescription else { return false }
        for (a, b) in zip(elements, other.elements) where !(Swift.abs(a - b) <= absoluteTolerance + relativeTolerance * Swift.abs(b)) {
            return false
        }
        return true
    }

    @inlinable public static func + (lhs: Self, rhs: Self) -> Self {
        var out = lhs
        do { try out.add(rhs) } catch { preconditionFailure("\(error)") }
        return out
    }

    @inlinable public static func - (lhs: Self, rhs: Self) -> Self {
        var out = lhs
        do { try out.add(rhs, scaledBy: -1) } catch { preconditionFailure("\(error)") }
        return out
    }

    @inlinable public static prefix func - (operand: Self) -> Self {
        var out = operand
        out.scale(by: -1)
        return out
    }

    @inlinable public static func * (lhs: Scalar, rhs: Self) -> Self {
        var out = rhs
        out.scale(by: lhs)
        return out
    }

    @inlinable public static func += (lhs: inout Self, rhs: Self) { lhs = lhs + rhs }
    @inlinable public static func -= (lhs: inout Self, rhs: Self) { lhs = lhs - rhs }
}

extension Matrix {
    /// self + λI, the Tikhonov-damped matrix.
    @inlinable
    public func addingToDiagonal(_ lambda: Scalar) -> Matrix {
        precondition(isSquare, "addingToDiagonal: matrix is \(shapeText(rows, columns)), not square")
        var out = self
        for i in 0..<rows { out.elements[i * columns + i] += lambda }
        return out
    }

    /// The largest |Aᵢⱼ − Aⱼᵢ|, zero for an exactly symmetric matrix.
    @inlinable
    public var asymmetry: Scalar {
        precondition(isSquare, "asymmetry: matrix is \(shapeText(rows, columns)), not square")
        var worst: Scalar = 0
        for i in 0..<rows { for j in (i + 1)..<Swift.max(i + 1, columns) { worst = Swift.max(worst, Swift.abs(self[i, j] - self[j, i])) } }
        return worst
    }
}
