import NGLinearAlgebra
import NGTestSupport
import Testing

private let scalarTypes: [any BLASScalar.Type] = [Float.self, Double.self]

/// A relative tolerance of a few hundred rounding errors, times the condition number of the problem.
private func tolerance<T: BLASScalar>(_: T.Type, conditioning: Double) -> Double {
    200 * DenseOracles.epsilon(T.self) * Swift.max(conditioning, 1)
}

/// D + U·Uᵀ by loops in Double: the matrix the Woodbury inverse stands for.
private func denseLowRankPlusDiagonal<T: BLASScalar>(_ u: Matrix<T>, _ diagonal: [Double]) -> Matrix<Double> {
    let ud = DenseOracles.double(u)
    var out = DenseOracles.product(ud, DenseOracles.transposed(ud))
    for i in 0..<u.rows { out[i, i] += diagonal[i] }
    return out
}

/// The 2-norm condition number of an SPD matrix, from its eigenvalues.
private func conditionNumber(_ a: Matrix<Double>) throws -> Double {
    let values = try SymmetricEigendecomposition(a).eigenvalues.elements
    return values.last! / values.first!
}

/// The Sherman–Morrison–Woodbury solves against dense Cholesky solves of D + U·Uᵀ.
@Suite struct WoodburyTests {
    @Test("(λI + U·Uᵀ)⁻¹·v equals the dense Cholesky solve", arguments: scalarTypes)
    func dampedLowRank(_ type: any BLASScalar.Type) throws { try checkDamped(type) }

    func checkDamped<T: BLASScalar>(_: T.Type) throws {
        for (n, k, damping) in [(40, 5, 0.1), (12, 1, 2.0), (6, 9, 0.5), (8, 0, 0.25)] {
            let u: Matrix<T> = TestMatrices.gaussian(n, k, seed: UInt64(n * 10 + k))
            let v: Vector<T> = TestMatrices.gaussianVector(n, seed: UInt64(n + k))
            let woodbury = try WoodburyInverse(lowRankFactor: u, damping: T(damping))
            #expect(woodbury.order == n && woodbury.rank == k)
            let dense = denseLowRankPlusDiagonal(u, Array(repeating: damping, count: n))
            let reference = try Cholesky(dense).solve(v.converted(to: Double.self).asColumn)
            let result = try woodbury.solve(v)
            let kappa = try conditionNumber(dense)
            #expect(DenseOracles.relativeDifference(result.asColumn, reference) < tolerance(T.self, conditioning: kappa), "\(T.self) n \(n) k \(k)")
            // Multiplying back gives v; `dense` is the matrix it stands for.
            let back = try woodbury.multiply(result)
            #expect(DenseOracles.relativeDifference(back.asColumn, v.asColumn) < tolerance(T.self, conditioning: kappa))
            #expect(DenseOracles.relativeDifference(woodbury.dense, dense) < tolerance(T.self, conditioning: 1))
            // log det by the determinant lemma against the dense factorization.
            let logDeterminant = try Cholesky(dense).logDeterminant
            #expect(Swift.abs(Double(woodbury.logDeterminant) - logDeterminant) < tolerance(T.self, conditioning: kappa) * Swift.max(1, Swift.abs(logDeterminant)))
        }
        // k = 0 is (1/λ)·v exactly.
        let empty = try WoodburyInverse(lowRankFactor: Matrix<T>(rows: 3, columns: 0), damping: 4)
        #expect(try empty.solve(Vector<T>([4, 8, -2])) == Vector<T>([1, 2, -0.5]))
    }

    @Test("a positive diagonal D in place of λI", arguments: scalarTypes)
    func diagonalPlusLowRank(_ type: any BLASScalar.Type) throws { try checkDiagonal(type) }

    func checkDiagonal<T: BLASScalar>(_: T.Type) throws {
        let n = 30, k = 4
        let u: Matrix<T> = TestMatrices.gaussian(n, k, seed: 1)
        // Entries spread over three orders of magnitude, as an Adam-like second moment would be.
        let diagonal = (0..<n).map { T(Double.pow(10, -2 + 3 * Double($0) / Double(n - 1))) }
        let v: Vector<T> = TestMatrices.gaussianVector(n, seed: 2)
        let woodbury = try WoodburyInverse(lowRankFactor: u, diagonal: Vector(diagonal))
        let dense = denseLowRankPlusDiagonal(u, diagonal.map { Double($0) })
        let reference = try Cholesky(dense).solve(v.converted(to: Double.self).asColumn)
        let kappa = try conditionNumber(dense)
        #expect(DenseOracles.relativeDifference(try woodbury.solve(v).asColumn, reference) < tolerance(T.self, conditioning: kappa))
    }

    @Test("matrix right-hand sides are solved column by column", arguments: scalarTypes)
    func matrixRightHandSides(_ type: any BLASScalar.Type) throws { try checkMatrix(type) }

    func checkMatrix<T: BLASScalar>(_: T.Type) throws {
        let n = 25, k = 3
        let u: Matrix<T> = TestMatrices.gaussian(n, k, seed: 3)
        let rightHandSides: Matrix<T> = TestMatrices.gaussian(n, 4, seed: 4)
        let woodbury = try WoodburyInverse(lowRankFactor: u, damping: 0.3)
        let dense = denseLowRankPlusDiagonal(u, Array(repeating: Double(T(0.3)), count: n))
        let reference = try Cholesky(dense).solve(DenseOracles.double(rightHandSides))
        let result = try woodbury.solve(rightHandSides)
        let kappa = try conditionNumber(dense)
        #expect(DenseOracles.relativeDifference(result, reference) < tolerance(T.self, conditioning: kappa))
        for column in 0..<4 {
            let single = try woodbury.solve(rightHandSides.column(column))
            #expect(DenseOracles.relativeDifference(single.asColumn, result.column(column).asColumn) < tolerance(T.self, conditioning: 1))
        }
    }

    @Test("bad input throws clear errors")
    func errors() throws {
        let u = Matrix<Double>(rows: 4, columns: 2, repeating: 1)
        #expect(throws: LinearAlgebraError.self) { try WoodburyInverse(lowRankFactor: u, damping: 0) }
        #expect(throws: LinearAlgebraError.self) { try WoodburyInverse(lowRankFactor: u, damping: .nan) }
        #expect(throws: LinearAlgebraError.self) { try WoodburyInverse(lowRankFactor: u, diagonal: Vector([1, 1, 0, 1])) }
        #expect(throws: LinearAlgebraError.self) { try WoodburyInverse(lowRankFactor: u, diagonal: Vector([1, 1, 1])) }
        var poisoned = u
        poisoned[0, 0] = .infinity
        #expect(throws: LinearAlgebraError.self) { try WoodburyInverse(lowRankFactor: poisoned, damping: 1) }
        let woodbury = try WoodburyInverse(lowRankFactor: u, damping: 1)
        #expect(throws: LinearAlgebraError.self) { try woodbury.solve(Vector<Double>(count: 3)) }
        #expect(throws: LinearAlgebraError.self) { try woodbury.solve(Matrix<Double>(rows: 5, columns: 2)) }
        #expect(throws: LinearAlgebraError.self) { try woodbury.multiply(Vector<Double>(count: 5)) }
    }
}
