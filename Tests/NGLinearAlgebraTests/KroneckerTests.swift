import NGLinearAlgebra
import NGTestSupport
import Testing

private let scalarTypes: [any BLASScalar.Type] = [Float.self, Double.self]

/// A relative tolerance of a few hundred rounding errors, times the condition number of the problem.
private func tolerance<T: BLASScalar>(_: T.Type, conditioning: Double = 1) -> Double {
    200 * DenseOracles.epsilon(T.self) * Swift.max(conditioning, 1)
}

/// The row-major flattening vec(X), as a column.
private func vec<T: BLASScalar>(_ x: Matrix<T>) -> Matrix<T> { try! x.reshaped(rows: x.rows * x.columns, columns: 1) }

/// A⊗B by its block definition, [A_ik·B]_(i,k), in Double: independent of `KroneckerProduct.dense`.
private func naiveKronecker<T: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<T>) -> Matrix<Double> {
    let m = a.rows, n = b.rows
    return Matrix(rows: m * n, columns: m * n) { row, column in
        Double(a[row / n, column / n]) * Double(b[row % n, column % n])
    }
}

/// The n×n matrix G·Gᵀ of rank `rank` (positive semidefinite, singular when rank < n).
private func lowRankPSD<T: BLASScalar>(_ n: Int, rank: Int, seed: UInt64) -> Matrix<T> {
    let g: Matrix<T> = TestMatrices.gaussian(n, rank, seed: seed)
    return g.gram(transposing: false)
}

/// Kronecker products, solves and damped eigenbasis solves against the explicit mn×mn matrix.
@Suite struct KroneckerTests {
    @Test("the convention: dense equals the block definition on a hand-written 2×2 ⊗ 2×2 example")
    func handWrittenExample() throws {
        let a = try Matrix<Double>([[1, 2], [3, 4]])
        let b = try Matrix<Double>([[0, 5], [6, 7]])
        // [[1·B, 2·B], [3·B, 4·B]], written out by hand.
        let expected = try Matrix<Double>([
            [0, 5, 0, 10],
            [6, 7, 12, 14],
            [0, 15, 0, 20],
            [18, 21, 24, 28],
        ])
        let product = try KroneckerProduct(a, b)
        #expect(product.dense == expected)
        // vec(A·X·Bᵀ) with X = [[1, 0], [0, 0]] picks the first column of A⊗B.
        let x = try Matrix<Double>([[1, 0], [0, 0]])
        #expect(try product.multiply(x).elements == [0, 6, 0, 18])
        #expect(product.trace == 5 * 7)
    }

    @Test("A·X·Bᵀ equals (A⊗B)·vec(X) for general non-square operands", arguments: scalarTypes)
    func multiplyMatchesDense(_ type: any BLASScalar.Type) throws { try checkMultiply(type) }

    func checkMultiply<T: BLASScalar>(_: T.Type) throws {
        for (m, n) in [(3, 5), (5, 3), (1, 4), (4, 1), (6, 6)] {
            let a: Matrix<T> = TestMatrices.gaussian(m, m, seed: UInt64(10 * m + n))
            let b: Matrix<T> = TestMatrices.gaussian(n, n, seed: UInt64(20 * m + n))
            let x: Matrix<T> = TestMatrices.gaussian(m, n, seed: UInt64(30 * m + n))
            let product = try KroneckerProduct(a, b)
            let reference = DenseOracles.product(naiveKronecker(a, b), DenseOracles.double(vec(x)))
            let result = try product.multiply(x)
            #expect(result.rows == m && result.columns == n)
            #expect(DenseOracles.relativeDifference(vec(result), reference) < tolerance(T.self), "\(T.self) \(m)×\(n)")
            let vectorResult = try product.multiply(Vector(x.elements))
            #expect(vectorResult.elements == result.elements)
            // `dense` against the block definition, and the trace identity tr(A⊗B) = tr(A)·tr(B).
            #expect(DenseOracles.maxDifference(product.dense, naiveKronecker(a, b)) <= DenseOracles.epsilon(T.self) * DenseOracles.maxMagnitude(product.dense))
            let denseTrace = product.dense.trace
            #expect(Swift.abs(Double(product.trace - denseTrace)) <= tolerance(T.self) * Swift.max(1, Swift.abs(Double(denseTrace))) * Double(m * n))
            // (A⊗B)ᵀ = Aᵀ⊗Bᵀ.
            #expect(product.transposed.dense == product.dense.transposed)
        }
    }

    @Test("solve equals a dense Cholesky solve, and (A⊗B)·(A⊗B)⁻¹ = I", arguments: scalarTypes)
    func solveMatchesDense(_ type: any BLASScalar.Type) throws { try checkSolve(type) }

    func checkSolve<T: BLASScalar>(_: T.Type) throws {
        let m = 3, n = 5
        let a: Matrix<T> = TestMatrices.spd(m, conditionNumber: 10, seed: 1)
        let b: Matrix<T> = TestMatrices.spd(n, conditionNumber: 10, seed: 2)
        let x: Matrix<T> = TestMatrices.gaussian(m, n, seed: 3)
        let product = try KroneckerProduct(a, b)
        let dense = naiveKronecker(a, b)
        let reference = try Cholesky(dense).solve(DenseOracles.double(vec(x)))
        let result = try product.solve(x)
        #expect(DenseOracles.relativeDifference(vec(result), reference) < tolerance(T.self, conditioning: 100))
        #expect(try product.solve(Vector(x.elements)).elements == result.elements)

        // The inverse column by column, from the factored solve of each unit vector.
        let factors = try KroneckerCholesky(product)
        var inverse = Matrix<T>(rows: m * n, columns: m * n)
        for column in 0..<(m * n) {
            var unit = Vector<T>(count: m * n)
            unit[column] = 1
            let solved = try factors.solve(unit)
            for row in 0..<(m * n) { inverse[row, column] = solved[row] }
        }
        let identity = DenseOracles.product(dense, DenseOracles.double(inverse))
        #expect(DenseOracles.maxDifference(identity, Matrix<Double>.identity(m * n)) < tolerance(T.self, conditioning: 100))

        // log det(A⊗B) = n·log det A + m·log det B.
        let denseLogDeterminant = try Cholesky(dense).logDeterminant
        #expect(Swift.abs(Double(factors.logDeterminant) - denseLogDeterminant) < tolerance(T.self, conditioning: 100) * 10)
    }

    @Test("the damped solve (A⊗B + λI)⁻¹ equals a dense Cholesky solve, also for singular factors", arguments: scalarTypes)
    func dampedSolveMatchesDense(_ type: any BLASScalar.Type) throws { try checkDampedSolve(type) }

    func checkDampedSolve<T: BLASScalar>(_: T.Type) throws {
        let m = 4, n = 6
        let cases: [(Matrix<T>, Matrix<T>, Double)] = [
            (TestMatrices.spd(m, conditionNumber: 10, seed: 4), TestMatrices.spd(n, conditionNumber: 10, seed: 5), 0.1),
            // Rank-deficient factors, as K-FAC factors from few samples are: only λ makes it invertible.
            (lowRankPSD(m, rank: 2, seed: 6), lowRankPSD(n, rank: 3, seed: 7), 0.5),
        ]
        for (a, b, damping) in cases {
            let x: Matrix<T> = TestMatrices.gaussian(m, n, seed: 8)
            let dense = naiveKronecker(a, b).addingToDiagonal(damping)
            let conditioning = Double(try SymmetricEigendecomposition(dense).eigenvalues.elements.last!) / damping
            let reference = try Cholesky(dense).solve(DenseOracles.double(vec(x)))
            let basis = try KroneckerEigenbasis(try KroneckerProduct(a, b))
            let result = try basis.solveDamped(x, damping: T(damping))
            #expect(DenseOracles.relativeDifference(vec(result), reference) < tolerance(T.self, conditioning: conditioning), "\(T.self) λ = \(damping)")
            #expect(try basis.solveDamped(Vector(x.elements), damping: T(damping)).elements == result.elements)
            // The convenience on the product decomposes on the fly and agrees.
            let direct = try KroneckerProduct(a, b).solveDamped(x, damping: T(damping))
            #expect(DenseOracles.relativeDifference(direct, result) < tolerance(T.self))
            // Multiplying back through the eigenbasis recovers X.
            let back = try basis.multiply(result, damping: T(damping))
            #expect(DenseOracles.relativeDifference(back, x) < tolerance(T.self, conditioning: conditioning))
        }
        // Singular factors without damping: a clear error, not infinities.
        let singular = try KroneckerEigenbasis(try KroneckerProduct<T>(lowRankPSD(m, rank: 2, seed: 9), TestMatrices.spd(n, seed: 10)))
        #expect(throws: LinearAlgebraError.self) { try singular.solveDamped(Matrix<T>(rows: m, columns: n, repeating: 1), damping: 0) }
        #expect(throws: LinearAlgebraError.self) { try singular.solveDamped(Matrix<T>(rows: m, columns: n, repeating: 1), damping: -1) }
    }

    @Test("the eigenbasis-diagonal (EKFAC) variant: λa·λbᵀ reproduces the damped solve, a general D matches Qᵀ·diag(D + λ)·Q", arguments: scalarTypes)
    func eigenbasisDiagonal(_ type: any BLASScalar.Type) throws { try checkEigenbasisDiagonal(type) }

    func checkEigenbasisDiagonal<T: BLASScalar>(_: T.Type) throws {
        let m = 3, n = 4, damping: T = 0.2
        let a: Matrix<T> = TestMatrices.spd(m, conditionNumber: 5, seed: 11)
        let b: Matrix<T> = TestMatrices.spd(n, conditionNumber: 5, seed: 12)
        let x: Matrix<T> = TestMatrices.gaussian(m, n, seed: 13)
        let basis = try KroneckerProduct(a, b).eigenbasis()

        // D = λa·λbᵀ, formed here from the factor eigenvalues.
        let la = basis.left.eigenvalues, lb = basis.right.eigenvalues
        let products = Matrix<T>(rows: m, columns: n) { i, j in la[i] * lb[j] }
        #expect(basis.eigenvalues == products)
        let viaDiagonal = try basis.solve(x, eigenbasisDiagonal: products, damping: damping)
        let damped = try basis.solveDamped(x, damping: damping)
        #expect(DenseOracles.maxDifference(viaDiagonal, damped) == 0)

        // A general positive D: the matrix (Qa⊗Qb)·diag(vec D + λ)·(Qa⊗Qb)ᵀ, formed densely.
        let diagonal = Matrix<T>(rows: m, columns: n) { i, j in T(0.5 + Double(i) + 0.25 * Double(j * j)) }
        let rotation = naiveKronecker(basis.left.eigenvectors, basis.right.eigenvectors)
        let scaled = Matrix<Double>(rows: m * n, columns: m * n) { i, j in rotation[i, j] * (Double(diagonal.elements[j]) + Double(damping)) }
        let ekfac = DenseOracles.product(scaled, DenseOracles.transposed(rotation))
        let multiplied = try basis.multiply(x, eigenbasisDiagonal: diagonal, damping: damping)
        #expect(DenseOracles.relativeDifference(vec(multiplied), DenseOracles.product(ekfac, DenseOracles.double(vec(x)))) < tolerance(T.self, conditioning: 10))
        #expect(try basis.multiply(Vector(x.elements), eigenbasisDiagonal: diagonal, damping: damping).elements == multiplied.elements)
        let solved = try basis.solve(x, eigenbasisDiagonal: diagonal, damping: damping)
        let reference = try Cholesky(ekfac).solve(DenseOracles.double(vec(x)))
        #expect(DenseOracles.relativeDifference(vec(solved), reference) < tolerance(T.self, conditioning: 20))
        #expect(try basis.solve(Vector(x.elements), eigenbasisDiagonal: diagonal, damping: damping).elements == solved.elements)

        // A diagonal of the wrong shape, or one that makes the matrix indefinite, is an error.
        #expect(throws: LinearAlgebraError.self) { try basis.solve(x, eigenbasisDiagonal: Matrix<T>(rows: n, columns: m, repeating: 1), damping: damping) }
        var negative = diagonal
        negative[1, 2] = -1
        #expect(throws: LinearAlgebraError.self) { try basis.solve(x, eigenbasisDiagonal: negative, damping: damping) }
    }

    @Test("powers: p = 1 is the damped product, p = −1 the damped solve, two p = −½ steps one p = −1", arguments: scalarTypes)
    func powers(_ type: any BLASScalar.Type) throws { try checkPowers(type) }

    func checkPowers<T: BLASScalar>(_: T.Type) throws {
        let m = 4, n = 3, damping: T = 0.3
        let a: Matrix<T> = TestMatrices.spd(m, conditionNumber: 8, seed: 14)
        let b: Matrix<T> = TestMatrices.spd(n, conditionNumber: 8, seed: 15)
        let x: Matrix<T> = TestMatrices.gaussian(m, n, seed: 16)
        let basis = try KroneckerEigenbasis(try KroneckerProduct(a, b))
        let dense = naiveKronecker(a, b).addingToDiagonal(Double(damping))

        let first = try basis.power(x, exponent: 1, damping: damping)
        #expect(DenseOracles.relativeDifference(vec(first), DenseOracles.product(dense, DenseOracles.double(vec(x)))) < tolerance(T.self, conditioning: 10))
        let inverse = try basis.power(x, exponent: -1, damping: damping)
        #expect(DenseOracles.maxDifference(inverse, try basis.solveDamped(x, damping: damping)) == 0)
        let half = try basis.power(try basis.power(x, exponent: -0.5, damping: damping), exponent: -0.5, damping: damping)
        #expect(DenseOracles.relativeDifference(half, inverse) < tolerance(T.self, conditioning: 70))
        let squared = try basis.power(Vector(x.elements), exponent: 2, damping: damping)
        let twice = DenseOracles.product(dense, DenseOracles.product(dense, DenseOracles.double(vec(x))))
        #expect(DenseOracles.relativeDifference(squared.asColumn, twice) < tolerance(T.self, conditioning: 10))
        #expect(throws: LinearAlgebraError.self) { try basis.power(x, exponent: .nan, damping: damping) }
    }

    @Test("to and from the eigenbasis are inverse rotations that diagonalize A⊗B", arguments: scalarTypes)
    func eigenbasisRotation(_ type: any BLASScalar.Type) throws { try checkRotation(type) }

    func checkRotation<T: BLASScalar>(_: T.Type) throws {
        let m = 5, n = 2
        let a: Matrix<T> = TestMatrices.spd(m, conditionNumber: 4, seed: 17)
        let b: Matrix<T> = TestMatrices.spd(n, conditionNumber: 4, seed: 18)
        let x: Matrix<T> = TestMatrices.gaussian(m, n, seed: 19)
        let product = try KroneckerProduct(a, b)
        let basis = try product.eigenbasis()
        let roundTrip = try basis.fromEigenbasis(try basis.toEigenbasis(x))
        #expect(DenseOracles.relativeDifference(roundTrip, x) < tolerance(T.self))
        // In eigenbasis coordinates A⊗B is the entrywise product with λa·λbᵀ.
        let coordinates = try basis.toEigenbasis(try product.multiply(x))
        let expected = try basis.toEigenbasis(x).zipMap(basis.eigenvalues) { $0 * $1 }
        #expect(DenseOracles.relativeDifference(coordinates, expected) < tolerance(T.self, conditioning: 16))
    }

    @Test("factored Tikhonov damping adds π√λ and √λ/π to the factors (Martens & Grosse 2015)", arguments: scalarTypes)
    func factoredDamping(_ type: any BLASScalar.Type) throws { try checkFactoredDamping(type) }

    func checkFactoredDamping<T: BLASScalar>(_: T.Type) throws {
        let m = 3, n = 4, damping = 0.09
        let a: Matrix<T> = TestMatrices.spd(m, conditionNumber: 10, seed: 20)
        let b: Matrix<T> = TestMatrices.spd(n, conditionNumber: 10, seed: 21).map { 5 * $0 }
        let product = try KroneckerProduct(a, b)
        let damped = try product.factoredTikhonovDamped(T(damping))
        let pi = ((Double(a.trace) / Double(m)) / (Double(b.trace) / Double(n))).squareRoot()
        // (A + π√λ I)⊗(B + √λ/π I) = A⊗B + λI + √λ·(π·I⊗B + A⊗I/π), formed densely.
        let cross = naiveKronecker(Matrix<T>.identity(m), b).map { $0 * pi } + naiveKronecker(a, Matrix<T>.identity(n)).map { $0 / pi }
        let expected = naiveKronecker(a, b).addingToDiagonal(damping) + cross.map { $0 * damping.squareRoot() }
        #expect(DenseOracles.relativeDifference(damped.dense, expected) < tolerance(T.self, conditioning: 10))
        #expect(throws: LinearAlgebraError.self) { try product.factoredTikhonovDamped(-1) }
    }

    @Test("shape errors are thrown, not trapped")
    func shapeErrors() throws {
        let a = Matrix<Double>.identity(2), b = Matrix<Double>.identity(3)
        #expect(throws: LinearAlgebraError.self) { try KroneckerProduct(Matrix<Double>(rows: 2, columns: 3), b) }
        let product = try KroneckerProduct(a, b)
        #expect(throws: LinearAlgebraError.self) { try product.multiply(Matrix<Double>(rows: 3, columns: 2)) }
        #expect(throws: LinearAlgebraError.self) { try product.multiply(Vector<Double>(count: 5)) }
        #expect(throws: LinearAlgebraError.self) { try product.solve(Matrix<Double>(rows: 2, columns: 2)) }
        #expect(throws: LinearAlgebraError.self) { try product.eigenbasis().solveDamped(Vector<Double>(count: 7), damping: 1) }
        #expect(throws: LinearAlgebraError.self) { try KroneckerProduct(a, b.map { -$0 }).solve(Matrix<Double>(rows: 2, columns: 3)) }
    }
}
