import NGLinearAlgebra
import NGTestSupport
import Testing

/// Arguments shared by the dense-core, decomposition and matrix-function suites.
enum TestCases {
    /// Both precisions, for tests that run the same generic check on each.
    static let precisions: [any BLASScalar.Type] = [Float.self, Double.self]
    /// Sizes that cover the empty, scalar, tiny and past-a-block cases.
    static let sizes = [0, 1, 2, 3, 7, 33]
}

/// The dense core against naive loops: BLAS products, level-1 operations, layout helpers,
/// thrown shape errors and value semantics.
@Suite struct CoreTests {
    // MARK: gemm

    /// C = α·op(A)·op(B) + β·C₀ for every transpose combination and every shape in `TestCases.sizes`,
    /// within the classical bound |error| ≤ γ_{k+2}·(|α|·|op(A)|·|op(B)| + |β|·|C₀|).
    @Test(arguments: TestCases.precisions)
    func gemmMatchesNaiveProductForAllTransposes(_ type: any BLASScalar.Type) throws {
        try checkGemm(type)
    }

    func checkGemm<T: BLASScalar>(_: T.Type) throws {
        let eps = DenseOracles.epsilon(T.self)
        var seed: UInt64 = 1
        for m in TestCases.sizes {
            for n in TestCases.sizes {
                for k in TestCases.sizes {
                    for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                        seed += 3
                        let a: Matrix<T> = transA ? TestMatrices.gaussian(k, m, seed: seed) : TestMatrices.gaussian(m, k, seed: seed)
                        let b: Matrix<T> = transB ? TestMatrices.gaussian(n, k, seed: seed + 1) : TestMatrices.gaussian(k, n, seed: seed + 1)
                        let c0: Matrix<T> = TestMatrices.gaussian(m, n, seed: seed + 2)
                        let opA = DenseOracles.double(transA ? DenseOracles.transposed(a) : a)
                        let opB = DenseOracles.double(transB ? DenseOracles.transposed(b) : b)
                        let exact = DenseOracles.product(opA, opB)
                        let magnitude = DenseOracles.product(opA.map(Swift.abs), opB.map(Swift.abs))
                        let bound = Double(k + 2) * eps

                        let plain = try a.multiplied(by: b, transposingSelf: transA, transposingOther: transB)
                        #expect(plain.rows == m && plain.columns == n)
                        #expect(DenseOracles.worstRatio(plain, exact, bound: magnitude) <= bound, "\(T.self) \(m)×\(k)·\(k)×\(n) \(transA) \(transB)")

                        let alpha: T = -1.5
                        let beta: T = 0.25
                        var c = c0
                        try c.gemm(a, transA ? .transpose : .none, b, transB ? .transpose : .none, alpha: alpha, beta: beta)
                        let c0d = DenseOracles.double(c0)
                        let expected = 1.5 * magnitude + 0.25 * c0d.map(Swift.abs)
                        let reference = try Matrix(rows: m, columns: n, elements: zip(exact.elements, c0d.elements).map { -1.5 * $0 + 0.25 * $1 })
                        #expect(DenseOracles.worstRatio(c, reference, bound: expected) <= bound, "\(T.self) accumulate \(m) \(n) \(k)")
                    }
                }
            }
        }
    }

    /// With β = 0 the old C is not read (BLAS convention), so NaN there does not leak into the result.
    @Test(arguments: TestCases.precisions)
    func gemmWithZeroBetaIgnoresOldContents(_ type: any BLASScalar.Type) throws {
        try checkZeroBeta(type)
    }

    func checkZeroBeta<T: BLASScalar>(_: T.Type) throws {
        for k in [0, 4] {
            let a: Matrix<T> = TestMatrices.gaussian(3, k, seed: 7)
            let b: Matrix<T> = TestMatrices.gaussian(k, 2, seed: 8)
            var c = Matrix<T>(rows: 3, columns: 2, repeating: .nan)
            try c.gemm(a, b, beta: 0)
            #expect(c.isFinite, "\(T.self) k = \(k)")
            #expect(DenseOracles.maxDifference(c, DenseOracles.product(DenseOracles.double(a), DenseOracles.double(b))) < 1e-5)
        }
        // k = 0 with β ≠ 0 scales C.
        var c: Matrix<T> = TestMatrices.gaussian(2, 2, seed: 9)
        let before = c
        try c.gemm(Matrix(rows: 2, columns: 0), Matrix(rows: 0, columns: 2), beta: 2)
        #expect(c == before.map { 2 * $0 })
    }

    // MARK: gemv, syrk, ger

    @Test(arguments: TestCases.precisions)
    func gemvMatchesNaiveLoopPlainAndTransposed(_ type: any BLASScalar.Type) throws {
        try checkGemv(type)
    }

    func checkGemv<T: BLASScalar>(_: T.Type) throws {
        let eps = DenseOracles.epsilon(T.self)
        for m in TestCases.sizes {
            for n in TestCases.sizes {
                let a: Matrix<T> = TestMatrices.gaussian(m, n, seed: UInt64(100 + m * 40 + n))
                for transposing in [false, true] {
                    let length = transposing ? m : n
                    let x: Vector<T> = TestMatrices.gaussianVector(length, seed: UInt64(7 + m + n))
                    let op = DenseOracles.double(transposing ? DenseOracles.transposed(a) : a)
                    let xd = DenseOracles.double(x.asColumn)
                    let exact = DenseOracles.product(op, xd)
                    let magnitude = DenseOracles.product(op.map(Swift.abs), xd.map(Swift.abs))
                    let y = try a.multiplied(by: x, transposingSelf: transposing)
                    #expect(y.count == (transposing ? n : m))
                    #expect(DenseOracles.worstRatio(y.asColumn, exact, bound: magnitude) <= Double(length + 1) * eps, "\(T.self) \(m)×\(n) \(transposing)")
                }
            }
        }
    }

    @Test(arguments: TestCases.precisions)
    func gramMatchesNaiveAndIsExactlySymmetric(_ type: any BLASScalar.Type) throws {
        try checkGram(type)
    }

    func checkGram<T: BLASScalar>(_: T.Type) throws {
        let eps = DenseOracles.epsilon(T.self)
        for m in TestCases.sizes {
            for n in TestCases.sizes {
                let a: Matrix<T> = TestMatrices.gaussian(m, n, seed: UInt64(300 + m * 40 + n))
                let ad = DenseOracles.double(a)
                let at = DenseOracles.transposed(ad)
                for transposing in [true, false] {
                    let alpha: T = 0.5
                    let g = a.gram(alpha: alpha, transposing: transposing)
                    let exact = (transposing ? DenseOracles.product(at, ad) : DenseOracles.product(ad, at)).map { 0.5 * $0 }
                    let magnitude = transposing
                        ? DenseOracles.product(at.map(Swift.abs), ad.map(Swift.abs)) : DenseOracles.product(ad.map(Swift.abs), at.map(Swift.abs))
                    let k = transposing ? m : n
                    #expect(g.rows == (transposing ? n : m) && g.isSquare)
                    #expect(DenseOracles.worstRatio(g, exact, bound: magnitude) <= Double(k + 2) * eps, "\(T.self) \(m)×\(n) \(transposing)")
                    #expect(g.asymmetry == 0, "\(T.self) gram must fill both triangles with the same numbers")
                }
            }
        }
    }

    @Test(arguments: TestCases.precisions)
    func addOuterProductMatchesNaiveLoop(_ type: any BLASScalar.Type) throws {
        try checkOuterProduct(type)
    }

    func checkOuterProduct<T: BLASScalar>(_: T.Type) throws {
        let eps = DenseOracles.epsilon(T.self)
        for m in TestCases.sizes {
            for n in TestCases.sizes {
                let a: Matrix<T> = TestMatrices.gaussian(m, n, seed: UInt64(500 + m * 40 + n))
                let x: Vector<T> = TestMatrices.gaussianVector(m, seed: UInt64(m + 1))
                let y: Vector<T> = TestMatrices.gaussianVector(n, seed: UInt64(n + 99))
                var updated = a
                try updated.addOuterProduct(x, y, alpha: -2)
                let exact = Matrix<Double>(rows: m, columns: n) { i, j in Double(a[i, j]) - 2 * Double(x[i]) * Double(y[j]) }
                let magnitude = Matrix<Double>(rows: m, columns: n) { i, j in Swift.abs(Double(a[i, j])) + 2 * Swift.abs(Double(x[i]) * Double(y[j])) }
                #expect(DenseOracles.worstRatio(updated, exact, bound: magnitude) <= 3 * eps, "\(T.self) \(m)×\(n)")
            }
        }
    }

    // MARK: Level 1

    @Test(arguments: TestCases.precisions)
    func levelOneOperationsMatchNaiveLoops(_ type: any BLASScalar.Type) throws {
        try checkLevelOne(type)
    }

    func checkLevelOne<T: BLASScalar>(_: T.Type) throws {
        let eps = DenseOracles.epsilon(T.self)
        for n in TestCases.sizes + [1000] {
            let x: Vector<T> = TestMatrices.gaussianVector(n, seed: UInt64(n + 1))
            let y: Vector<T> = TestMatrices.gaussianVector(n, seed: UInt64(n + 2))
            var z = y
            try z.add(x, scaledBy: 3)
            for i in 0..<n {
                let exact = Double(y[i]) + 3 * Double(x[i])
                #expect(Swift.abs(Double(z[i]) - exact) <= 2 * eps * (Swift.abs(Double(y[i])) + 3 * Swift.abs(Double(x[i]))))
            }
            var s = x
            s.scale(by: -0.5)  // a power of two: exact
            #expect(s.elements == x.elements.map { -0.5 * $0 })
            #expect((T(-0.5) * x) == s)

            let pairs = zip(x.elements, y.elements).map { (Double($0), Double($1)) }
            let exactDot = pairs.reduce(0.0) { $0 + $1.0 * $1.1 }
            let dotBound = Double(n + 1) * eps * pairs.reduce(0.0) { $0 + Swift.abs($1.0 * $1.1) }
            #expect(Swift.abs(Double(try x.dot(y)) - exactDot) <= dotBound, "\(T.self) dot n = \(n)")
            let exactNorm = x.elements.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(Swift.abs(Double(x.norm) - exactNorm) <= Double(n + 1) * eps * exactNorm, "\(T.self) norm n = \(n)")

            // The same operations on a matrix act on all entries (Frobenius inner product and norm).
            let a = try Matrix(rows: 1, columns: n, elements: x.elements)
            #expect(a.norm == x.norm)
            #expect(try a.dot(a) == x.dot(x))
        }
    }

    /// nrm2 scales before squaring: entries whose squares overflow or underflow still give the right norm.
    @Test(arguments: TestCases.precisions)
    func normDoesNotOverflowOrUnderflow(_ type: any BLASScalar.Type) {
        checkNormRange(type)
    }

    func checkNormRange<T: BLASScalar>(_: T.Type) {
        let eps = DenseOracles.epsilon(T.self)
        // Squares of these overflow (or underflow to zero) in the type itself.
        let magnitudes: [Double] = T.self == Float.self ? [1e30, 1e-30, 3e38] : [1e200, 1e-200, 1e308]
        for magnitude in magnitudes {
            for n in [1, 3, 100] {
                let x = Vector((0..<n).map { i in T(magnitude) * T(i % 2 == 0 ? 1 : -0.5) })
                let exact = (0..<n).reduce(0.0) { sum, i in sum + (i % 2 == 0 ? 1 : 0.25) }.squareRoot() * Double(T(magnitude))
                let norm = Double(x.norm)
                if exact > Double(T.greatestFiniteMagnitude) { continue }
                #expect(Swift.abs(norm - exact) <= Double(n + 2) * eps * exact, "\(T.self) norm of \(n) entries of size \(magnitude): \(norm) vs \(exact)")
            }
        }
    }

    // MARK: Layout helpers

    @Test(arguments: TestCases.precisions)
    func transposedMatchesNaiveLoopBeyondTheBlockSize(_ type: any BLASScalar.Type) {
        checkTranspose(type)
    }

    func checkTranspose<T: BLASScalar>(_: T.Type) {
        for (m, n) in [(0, 0), (0, 5), (5, 0), (1, 1), (1, 40), (32, 32), (33, 70), (70, 33), (64, 65), (97, 3)] {
            let a: Matrix<T> = TestMatrices.gaussian(m, n, seed: UInt64(m * 100 + n))
            let t = a.transposed
            #expect(t == DenseOracles.transposed(a), "\(T.self) \(m)×\(n)")
            #expect(t.transposed == a)
        }
    }

    @Test func rowsAtIndicesGathersInOrderWithRepeats() {
        let a: Matrix<Double> = TestMatrices.gaussian(40, 3, seed: 11)
        let indices = [39, 0, 7, 7, 33]
        let gathered = a.rows(at: indices)
        #expect(gathered.rows == 5 && gathered.columns == 3)
        for (r, i) in indices.enumerated() { #expect(gathered.row(r) == a.row(i)) }
        #expect(a.rows(at: [Int]()).rows == 0)
        #expect(a.rows(at: 0..<40) == a)
        let wide: Matrix<Float> = TestMatrices.gaussian(4, 0, seed: 1)
        #expect(wide.rows(at: [3, 1]).shape == (2, 0))
    }

    @Test func accessorsAgreeWithEntries() throws {
        let a = try Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        #expect(a.row(1) == [4, 5, 6])
        #expect(a.column(2) == [3, 6])
        #expect(a.diagonal == [1, 5])
        #expect(Matrix<Double>.identity(3) == Matrix(diagonal: [1, 1, 1]))
        let square = try Matrix<Double>([[1, 2], [3, 4]])
        #expect(square.trace == 5)
        #expect(square.addingToDiagonal(10) == (try Matrix([[11, 2], [3, 14]])))
        #expect(square.asymmetry == 1)
        var symmetric = square
        symmetric.symmetrize(from: .lower)
        #expect(symmetric == (try Matrix([[1, 3], [3, 4]])))
        #expect(try a.reshaped(rows: 3, columns: 2).elements == a.elements)
        #expect(a.converted(to: Float.self).converted(to: Double.self) == a)
    }

    // MARK: Errors

    /// Every throwing method reports a shape mismatch, naming the operation and both shapes.
    @Test func everyThrowingMethodReportsShapeMismatch() throws {
        let a23 = Matrix<Double>(rows: 2, columns: 3)
        let a32 = Matrix<Double>(rows: 3, columns: 2)
        let a44 = Matrix<Double>(rows: 4, columns: 4)
        let v2 = Vector<Double>(count: 2)
        let v4 = Vector<Double>(count: 4)
        var c = Matrix<Double>(rows: 2, columns: 2)

        expectShapeMismatch("gemm", ["2×3", "2×3"]) { _ = try a23.multiplied(by: a23) }
        expectShapeMismatch("gemm", ["op(A) 3×2, op(B) 2×3, C 2×2"]) { try c.gemm(a23, .transpose, a23) }
        expectShapeMismatch("gemm", ["op(A) 2×3, op(B) 2×3, C 2×2"]) { try c.gemm(a23, a23, alpha: 1, beta: 1) }
        try c.gemm(a23, a32, alpha: 1, beta: 1)  // 2×3 · 3×2 into 2×2 fits
        expectShapeMismatch("gemv", ["length 3", "2×3", "length 4"]) { _ = try a23.multiplied(by: v4) }
        expectShapeMismatch("gemv", ["length 2", "3×2", "length 4"]) { _ = try a23.multiplied(by: v4, transposingSelf: true) }
        expectShapeMismatch("ger", ["2", "3", "4 and 2"]) { var m = a23; try m.addOuterProduct(v4, v2) }
        expectShapeMismatch("axpy", ["2×3", "3×2"]) { var m = a23; try m.add(a32) }
        expectShapeMismatch("axpy", ["length 2", "length 4"]) { var v = v2; try v.add(v4) }
        expectShapeMismatch("dot", ["2×3", "3×2"]) { _ = try a23.dot(a32) }
        expectShapeMismatch("dot", ["length 2", "length 4"]) { _ = try v2.dot(v4) }
        expectShapeMismatch("zipMap", ["2×3", "3×2"]) { _ = try a23.zipMap(a32, +) }
        expectShapeMismatch("Matrix(rows:columns:elements:)", ["2×3 = 6", "5 elements"]) { _ = try Matrix<Double>(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5]) }
        expectShapeMismatch("Matrix(rows:columns:elements:)", ["-1×3"]) { _ = try Matrix<Double>(rows: -1, columns: 3, elements: []) }
        expectShapeMismatch("Matrix(rows:columns:elements:)", ["too many"]) { _ = try Matrix<Double>(rows: Int.max / 2, columns: 3, elements: []) }
        expectShapeMismatch("Matrix(rows)", ["row 1"]) { _ = try Matrix<Double>([[1, 2], [3]]) }
        expectShapeMismatch("Matrix(rows:columns:elements:)", ["4×2 = 8", "6 elements"]) { _ = try a23.reshaped(rows: 4, columns: 2) }
        expectShapeMismatch("trsm", ["T 2×3", "B 2×3"]) { _ = try a23.solveTriangular(a23, triangle: .lower) }
        expectShapeMismatch("trsm", ["T 4×4", "B 2×3"]) { _ = try a44.solveTriangular(a23, triangle: .upper) }
        expectShapeMismatch("trsm", ["T 4×4", "B 2×1"]) { _ = try a44.solveTriangular(v2, triangle: .upper) }
        expectShapeMismatch("Cholesky", ["2×3"]) { _ = try Cholesky(a23) }
        expectShapeMismatch("SymmetricEigendecomposition", ["3×2"]) { _ = try SymmetricEigendecomposition(a32) }
        expectShapeMismatch("SymmetricEigendecomposition", ["2×3"]) { _ = try a23.symmetricInverse() }
        let cholesky = try Cholesky(Matrix<Double>.identity(4))
        expectShapeMismatch("trsm", ["T 4×4", "B 2×3"]) { _ = try cholesky.solve(a23) }
        expectShapeMismatch("trsm", ["T 4×4", "B 2×1"]) { _ = try cholesky.solve(v2) }
    }

    // MARK: Value semantics

    @Test func copiesAreIndependent() throws {
        let original: Matrix<Float> = TestMatrices.gaussian(5, 4, seed: 3)
        let snapshot = original.elements
        var copy = original
        copy[0, 0] += 1
        copy.scale(by: 3)
        try copy.add(original)
        try copy.addOuterProduct(Vector(count: 5, repeating: 1), Vector(count: 4, repeating: 1))
        #expect(original.elements == snapshot)
        #expect(copy != original)

        // In-place gemm whose operand is the destination itself reads the old values.
        var square: Matrix<Double> = TestMatrices.gaussian(6, 6, seed: 4)
        let before = square
        try square.gemm(square, square)
        #expect(DenseOracles.maxDifference(square, DenseOracles.product(before, before)) < 1e-12)

        let vector: Vector<Double> = [1, 2, 3]
        var other = vector
        other[1] = 20
        other.scale(by: 2)
        #expect(vector == [1, 2, 3])
    }
}

/// Expects `body` to throw ``LinearAlgebraError/shapeMismatch(operation:expected:actual:)`` for
/// `operation`, with every fragment of `shapes` in the message.
func expectShapeMismatch(
    _ operation: String, _ shapes: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected \(operation) to throw a shape mismatch", sourceLocation: sourceLocation)
    } catch let error as LinearAlgebraError {
        guard case .shapeMismatch(let thrownOperation, _, _) = error else {
            Issue.record("expected a shape mismatch, got \(error)", sourceLocation: sourceLocation)
            return
        }
        #expect(thrownOperation == operation, sourceLocation: sourceLocation)
        let message = error.description
        for shape in shapes {
            #expect(message.contains(shape), "\(message) should name \(shape)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected LinearAlgebraError, got \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("Finiteness checks")
struct FinitenessTests {
    func check<T: BLASScalar>(_: T.Type) {
        let clean = Vector<T>((0..<37).map { T($0) - 18 })
        #expect(clean.isFinite)
        #expect(Vector<T>([]).isFinite)
        for bad in [T.nan, T.infinity, -T.infinity] {
            for position in [0, 17, 36] {
                var vector = clean
                vector[position] = bad
                #expect(!vector.isFinite, "\(T.self): \(bad) at \(position)")
            }
        }
        #expect(Vector<T>([T.greatestFiniteMagnitude, -T.greatestFiniteMagnitude]).isFinite)
    }

    @Test func vectorsWithNaNOrInfinityAreNotFinite() {
        check(Float.self)
        check(Double.self)
    }
}
