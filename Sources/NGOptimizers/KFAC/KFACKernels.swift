import NGLinearAlgebra
import NGModels
import NGRandom

/// The per-element loops of K-FAC's hot path, pre-specialized for Float and Double: the
/// optimizer is generic and reached from other modules, where it runs unspecialized, and a
/// generic loop over a million entries costs tens of milliseconds per step.
enum KFACKernels {
    /// A rows×columns matrix whose entries are **not initialized**: for outputs that a BLAS call
    /// with β = 0 overwrites entirely (no zero-filling pass).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func uninitializedMatrix<Scalar: BLASScalar>(rows: Int, columns: Int) -> Matrix<Scalar> {
        let count = rows * columns
        let elements = [Scalar](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        // The element count matches the shape by construction.
        return try! Matrix(rows: rows, columns: columns, elements: elements)
    }

    /// Whether every entry of v is finite, by one BLAS nrm2 (NaN and ±∞ propagate into it;
    /// nrm2 scales, so a finite vector never overflows).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func isFinite<Scalar: BLASScalar>(_ v: Vector<Scalar>) -> Bool {
        guard !v.elements.isEmpty else { return true }
        return v.elements.withUnsafeBufferPointer { Scalar.nrm2(Int32($0.count), $0.baseAddress!, 1) }.isFinite
    }

    /// The Monte-Carlo output gradients p − y of Bernoulli outputs, y ~ Bernoulli(p), fused:
    /// entry by entry in row-major order, y = 1 when `generator.uniform() < p` — the draws of
    /// `BernoulliLikelihood.sampleTargets`, so a seed gives the same labels as the estimator's.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func bernoulliResiduals<Scalar: BLASScalar>(probabilities p: Matrix<Scalar>, generator: inout SeededGenerator) -> Matrix<Scalar> {
        var residuals = p
        residuals.elements.withUnsafeMutableBufferPointer { r in
            for k in 0..<r.count where generator.uniform() < Double(r[k]) { r[k] -= 1 }
        }
        return residuals
    }

    /// The first `rows` rows of a matrix (one copy of a contiguous prefix).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func prefix<Scalar: BLASScalar>(_ matrix: Matrix<Scalar>, rows: Int) -> Matrix<Scalar> {
        let count = rows * matrix.columns
        precondition(count <= matrix.elements.count, "K-FAC: a prefix of \(rows) rows of a \(matrix.shapeDescription) matrix")
        let elements = [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
            matrix.elements.withUnsafeBufferPointer { source in
                if count > 0 { buffer.baseAddress!.initialize(from: source.baseAddress!, count: count) }
            }
            initialized = count
        }
        // The element count matches the shape by construction.
        return try! Matrix(rows: rows, columns: matrix.columns, elements: elements)
    }
}
