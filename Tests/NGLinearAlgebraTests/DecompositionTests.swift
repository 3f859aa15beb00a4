import Foundation
import NGLinearAlgebra
import NGTestSupport
import Testing

/// Cholesky, triangular solves and the symmetric eigendecomposition against products formed by
/// naive loops, closed-form spectra and the standard backward-error bounds (Higham, *Accuracy and
/// Stability of Numerical Algorithms*, 2nd ed., theorems 8.5, 10.3 and 10.4).
@Suite struct DecompositionTests {
    // MARK: Cholesky

    @Test(arguments: TestCases.precisions)
    func choleskyReconstructsSolvesAndInverts(_ type: any BLASScalar.Type) throws {
        try checkCholesky(type)
    }

    func checkCholesky<T: BLASScalar>(_: T.Type) throws {
        let eps = DenseOracles.epsilon(T.self)
        let conditionNumber = 100.0
        for n in TestCases.sizes {
            let a: Matrix<T> = TestMatrices.spd(n, conditionNumber: conditionNumber, seed: UInt64(n + 10))
            let cholesky = try Cholesky(a)
            let l = cholesky.lower
            #expect(cholesky.order == n && cholesky.addedJitter == 0)
            for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { #expect(l[i, j] == 0, "\(T.self) L must be lower triangular") } }

            // Backward error of the factorization: |L·Lᵀ − A| ≤ γ_{n+1}·|L|·|Lᵀ|, plus as much again
            // for the rounding of the Double reference product (which matters for Double).
            let ld = DenseOracles.double(l)
            let llt = DenseOracles.product(ld, DenseOracles.transposed(ld))
            let lltMagnitude = DenseOracles.product(ld.map(abs), DenseOracles.transposed(ld).map(abs))
            #expect(DenseOracles.worstRatio(a, llt, bound: lltMagnitude) <= 2 * Double(n + 1) * eps, "\(T.self) n = \(n)")

            // Solves: the residual B − A·X is within the backward-error bound γ_{3n+1}·|L|·|Lᵀ|·|X|
            // (plus the rounding of A·X itself).
            let b: Matrix<T> = TestMatrices.gaussian(n, 3, seed: UInt64(n + 20))
            let x = try cholesky.solve(b)
            let xd = DenseOracles.double(x)
            let ad = DenseOracles.double(a)
            let residualBound = DenseOracles.product(lltMagnitude, xd.map(abs)) + DenseOracles.product(ad.map(abs), xd.map(abs))
            #expect(DenseOracles.worstRatio(b, DenseOracles.product(ad, xd), bound: residualBound) <= Double(3 * n + 2) * eps, "\(T.self) solve n = \(n)")

            let bVector: Vector<T> = TestMatrices.gaussianVector(n, seed: UInt64(n + 30))
            let xVector = try cholesky.solve(bVector)
            let xvd = DenseOracles.double(xVector.asColumn)
            let vectorBound = DenseOracles.product(lltMagnitude, xvd.map(abs)) + DenseOracles.product(ad.map(abs), xvd.map(abs))
            #expect(DenseOracles.worstRatio(bVector.asColumn, DenseOracles.product(ad, xvd), bound: vectorBound) <= Double(3 * n + 2) * eps)

            // A·A⁻¹ = I to within n·κ·ε, and A⁻¹ is exactly symmetric.
            let inverse = cholesky.inverse
            #expect(inverse.asymmetry == 0)
            let identityError = DenseOracles.maxDifference(DenseOracles.product(ad, DenseOracles.double(inverse)), Matrix<Double>.identity(n))
            #expect(identityError <= 2 * Double(n + 1) * conditionNumber * eps, "\(T.self) inverse n = \(n): \(identityError)")

            // log det A against the eigenvalues spd() was built from: κ^(i/(n−1)), i = 0…n−1.
            let exactLogDeterminant = n <= 1 ? 0 : (0..<n).reduce(0.0) { $0 + Double($1) / Double(n - 1) * log(conditionNumber) }
            let logDeterminantError = abs(Double(cholesky.logDeterminant) - exactLogDeterminant)
            #expect(logDeterminantError <= 2 * Double(n + 1) * conditionNumber * eps, "\(T.self) log det n = \(n): \(logDeterminantError)")
        }
    }

    @Test(arguments: TestCases.precisions)
    func choleskyReportsTheFailingMinor(_ type: any BLASScalar.Type) throws {
        try checkCholeskyFailures(type)
    }

    func checkCholeskyFailures<T: BLASScalar>(_: T.Type) throws {
        // Indefinite: the 1×1 minor is fine, the 2×2 minor has determinant −3.
        let indefinite = try Matrix<T>([[1, 2, 0], [2, 1, 0], [0, 0, 1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 2, jitterTried: nil)) { try Cholesky(indefinite) }
        // A negative leading entry fails at order 1; a small jitter does not rescue it and is reported.
        let negative = try Matrix<T>([[-1, 0], [0, 1]])
        let thrown = #expect(throws: LinearAlgebraError.self) { try Cholesky(negative, jitter: 1e-3) }
        guard case .notPositiveDefinite(1, let tried?) = thrown else {
            Issue.record("expected failure at order 1 with the jitter reported, got \(String(describing: thrown))")
            return
        }
        #expect(abs(tried - 1e-3) < 1e-9)
        #expect(thrown?.description.contains("order 1") == true)

        // Singular PSD x·xᵀ with integer x: the second pivot is exactly 4 − 2² = 0.
        let x: [T] = [1, 2, 3]
        let singular = Matrix<T>(rows: 3, columns: 3) { i, j in x[i] * x[j] }
        #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 2, jitterTried: nil)) { try Cholesky(singular) }
        let jittered = try Cholesky(singular, jitter: 1e-4)
        let expectedShift = 1e-4 * 14.0 / 3.0  // jitter × mean diagonal
        #expect(jittered.addedJitter > 0)
        #expect(abs(Double(jittered.addedJitter) - expectedShift) <= 1e-6 * expectedShift)
        let ld = DenseOracles.double(jittered.lower)
        let shifted = DenseOracles.double(singular.addingToDiagonal(jittered.addedJitter))
        #expect(DenseOracles.relativeDifference(DenseOracles.product(ld, DenseOracles.transposed(ld)), shifted) <= 20 * DenseOracles.epsilon(T.self))

        #expect(throws: LinearAlgebraError.self) { try Cholesky(Matrix<T>(rows: 2, columns: 3)) }
        let poisoned = DenseOracles.replacing(Matrix<T>.identity(3), at: 2, 0, with: .nan)
        #expect(throws: LinearAlgebraError.invalidArgument("Cholesky: the matrix has NaN or infinite entries")) { try Cholesky(poisoned) }
        // The empty matrix factors trivially.
        #expect(try Cholesky(Matrix<T>(rows: 0, columns: 0)).logDeterminant == 0)
    }

    // MARK: Triangular solves

    @Test(arguments: TestCases.precisions)
    func triangularSolvesReadOneTriangleAndSatisfyTheSystem(_ type: any BLASScalar.Type) throws {
        try checkTriangular(type)
    }

    func checkTriangular<T: BLASScalar>(_: T.Type) throws {
        let eps = DenseOracles.epsilon(T.self)
        for n in TestCases.sizes {
            let g: Matrix<T> = TestMatrices.gaussian(n, n, seed: UInt64(n + 40))
            let b: Matrix<T> = TestMatrices.gaussian(n, 4, seed: UInt64(n + 50))
            for triangle in [Triangle.lower, .upper] {
                // A well-conditioned triangle with NaN in the other one, which must not be read.
                let full = Matrix<T>(rows: n, columns: n) { i, j in
                    let inTriangle = triangle == .lower ? j <= i : j >= i
                    return !inTriangle ? .nan : (i == j ? 2 + abs(g[i, j]) : g[i, j] / T(max(n, 1)))
                }
                let t = DenseOracles.double(full.map { $0.isNaN ? 0 : $0 })
                for transposing in [false, true] {
                    let x = try full.solveTriangular(b, triangle: triangle, transposing: transposing)
                    let op = transposing ? DenseOracles.transposed(t) : t
                    let xd = DenseOracles.double(x)
                    let bound = DenseOracles.product(op.map(abs), xd.map(abs))
                    #expect(DenseOracles.worstRatio(b, DenseOracles.product(op, xd), bound: bound) <= Double(n + 2) * eps,
                            "\(T.self) n = \(n) \(triangle) \(transposing)")
                    if n > 0 {
                        let bVector = b.column(0)
                        let xVector = DenseOracles.double(try full.solveTriangular(bVector, triangle: triangle, transposing: transposing).asColumn)
                        let vectorBound = DenseOracles.product(op.map(abs), xVector.map(abs))
                        #expect(DenseOracles.worstRatio(bVector.asColumn, DenseOracles.product(op, xVector), bound: vectorBound) <= Double(n + 2) * eps)
                    }
                }
            }
        }
    }

    // MARK: Symmetric eigendecomposition

    @Test(arguments: TestCases.precisions)
    func eigendecompositionReconstructsWithOrthonormalAscendingBasis(_ type: any BLASScalar.Type) throws {
        try checkEigendecomposition(type)
    }

    func checkEigendecomposition<T: BLASScalar>(_: T.Type) throws {
        let eps = DenseOracles.epsilon(T.self)
        for n in TestCases.sizes {
            // Symmetric indefinite: G + Gᵀ.
            let g: Matrix<T> = TestMatrices.gaussian(n, n, seed: UInt64(n + 60))
            let a = g + g.transposed
            let decomposition = try SymmetricEigendecomposition(a)
            let q = DenseOracles.double(decomposition.eigenvectors)
            let lambda = decomposition.eigenvalues.elements.map(Double.init)
            #expect(zip(lambda, lambda.dropFirst()).allSatisfy { $0 <= $1 }, "\(T.self) eigenvalues must ascend")
            // Backward stability: ‖QᵀQ − I‖ ≤ p(n)·ε and ‖Q·Λ·Qᵀ − A‖ ≤ p(n)·ε·‖A‖ (the Frobenius norm
            // bounds the 2-norm). p(n) = 10·(n+1) is the form of LAPACK's own test ratios, which it
            // accepts up to 30·n.
            #expect(DenseOracles.columnOrthonormalityError(decomposition.eigenvectors) <= 10 * Double(n + 1) * eps, "\(T.self) QᵀQ = I, n = \(n)")
            let reconstruction = DenseOracles.withSpectrum(lambda, basis: q)
            let scale = Double(a.norm)
            #expect(DenseOracles.maxDifference(a, reconstruction) <= 10 * Double(n + 1) * eps * scale, "\(T.self) QΛQᵀ = A, n = \(n)")

            // reconstructed(applying:) against the same product by loops, for a sign-changing f
            // (gemm path) and a positive f (syrk path); both exactly symmetric.
            for f in [{ (x: T) in x * x * x }, { (x: T) in T.exp(x / 4) }] {
                let applied = decomposition.reconstructed(applying: f)
                let exact = DenseOracles.withSpectrum(decomposition.eigenvalues.elements.map { Double(f($0)) }, basis: q)
                #expect(applied.asymmetry == 0)
                #expect(DenseOracles.maxDifference(applied, exact) <= Double(n + 2) * eps * DenseOracles.maxMagnitude(exact) * Double(max(n, 1)))
            }
        }
    }

    /// The second-difference matrix tridiag(−1, 2, −1) has eigenvalues 2 − 2·cos(kπ/(n+1)), k = 1…n.
    @Test(arguments: TestCases.precisions)
    func eigenvaluesMatchClosedFormOfSecondDifferenceMatrix(_ type: any BLASScalar.Type) throws {
        try checkSecondDifference(type)
    }

    func checkSecondDifference<T: BLASScalar>(_: T.Type) throws {
        let eps = DenseOracles.epsilon(T.self)
        for n in TestCases.sizes + [100] {
            let a = Matrix<T>(rows: n, columns: n) { i, j in i == j ? 2 : (abs(i - j) == 1 ? -1 : 0) }
            let computed = try SymmetricEigendecomposition(a).eigenvalues.elements
            let exact = (1...max(n, 1)).prefix(n).map { k in 2 - 2 * cos(Double(k) * Double.pi / Double(n + 1)) }
            // Weyl: each eigenvalue moves by at most the 2-norm of the backward error, ≤ p(n)·ε·‖A‖₂ with ‖A‖₂ < 4.
            for (c, e) in zip(computed, exact) {
                #expect(abs(Double(c) - e) <= 4 * Double(n + 1) * eps, "\(T.self) n = \(n): \(c) vs \(e)")
            }
        }
    }

    @Test(arguments: TestCases.precisions)
    func eigendecompositionRejectsNonFiniteAndNonSquareInput(_ type: any BLASScalar.Type) {
        checkEigendecompositionErrors(type)
    }

    func checkEigendecompositionErrors<T: BLASScalar>(_: T.Type) {
        for bad in [T.nan, T.infinity] {
            let poisoned = DenseOracles.replacing(Matrix<T>.identity(4), at: 3, 1, with: bad)
            #expect(throws: LinearAlgebraError.invalidArgument("SymmetricEigendecomposition: the matrix has NaN or infinite entries")) {
                try SymmetricEigendecomposition(poisoned)
            }
        }
        #expect(throws: LinearAlgebraError.self) { try SymmetricEigendecomposition(Matrix<T>(rows: 3, columns: 4)) }
    }

    // MARK: Singular value decomposition

    /// Tall, wide, square and empty shapes.
    static let svdShapes = [(0, 0), (0, 3), (3, 0), (1, 1), (1, 5), (5, 1), (7, 3), (3, 7), (33, 7), (7, 33), (20, 20)]

    @Test(arguments: TestCases.precisions)
    func singularValueDecompositionReconstructsWithOrthonormalFactors(_ type: any BLASScalar.Type) throws {
        try checkSingularValueDecomposition(type)
    }

    func checkSingularValueDecomposition<T: BLASScalar>(_: T.Type) throws {
        let eps = DenseOracles.epsilon(T.self)
        for (m, n) in Self.svdShapes {
            let k = min(m, n)
            let a: Matrix<T> = TestMatrices.gaussian(m, n, seed: UInt64(m * 50 + n))
            let svd = try SingularValueDecomposition(a)
            let u = svd.leftSingularVectors
            let vt = svd.rightSingularVectorsTransposed
            let sigma = svd.singularValues.elements.map(Double.init)
            #expect(u.rows == m && u.columns == k && vt.rows == k && vt.columns == n && sigma.count == k, "\(T.self) \(m)×\(n)")
            #expect(sigma.allSatisfy { $0 >= 0 } && zip(sigma, sigma.dropFirst()).allSatisfy { $0 >= $1 }, "\(T.self) σ descending, ≥ 0")

            let p = 10 * Double(max(m, n) + 1) * eps  // as for the eigendecomposition: LAPACK-style test ratio
            #expect(DenseOracles.columnOrthonormalityError(u) <= p, "\(T.self) UᵀU = I, \(m)×\(n)")
            #expect(DenseOracles.columnOrthonormalityError(DenseOracles.transposed(vt)) <= p, "\(T.self) VᵀV = I, \(m)×\(n)")

            // U·Σ·Vᵀ = A by loops in Double.
            let uSigma = Matrix<Double>(rows: m, columns: k) { i, j in Double(u[i, j]) * sigma[j] }
            let reconstruction = DenseOracles.product(uSigma, DenseOracles.double(vt))
            let scale = Double(a.norm)
            #expect(DenseOracles.maxDifference(a, reconstruction) <= p * scale, "\(T.self) UΣVᵀ = A, \(m)×\(n)")
            #expect(DenseOracles.maxDifference(svd.reconstructed, reconstruction) <= p * scale)

            // σᵢ² are the eigenvalues of the smaller Gram matrix, computed in Double from the
            // entries of A; Weyl bounds the difference by p(n)·ε·σ₁².
            let ad = DenseOracles.double(a)
            let gram = m >= n ? DenseOracles.product(DenseOracles.transposed(ad), ad) : DenseOracles.product(ad, DenseOracles.transposed(ad))
            let eigenvalues = try SymmetricEigendecomposition(gram).eigenvalues.elements.reversed()
            let largest = sigma.first ?? 0
            for (s, lambda) in zip(sigma, eigenvalues) {
                #expect(abs(s * s - lambda) <= p * largest * largest, "\(T.self) σ² = λ(AᵀA), \(m)×\(n): \(s * s) vs \(lambda)")
            }
            #expect(svd.rank() == k, "\(T.self) a Gaussian matrix has full rank")
        }
    }

    /// A matrix built as U₀·diag(s)·V₀ᵀ from orthogonal factors has singular values s, sorted descending.
    @Test(arguments: TestCases.precisions)
    func singularValuesMatchAPrescribedSpectrumAndRank(_ type: any BLASScalar.Type) throws {
        try checkPrescribedSingularValues(type)
    }

    func checkPrescribedSingularValues<T: BLASScalar>(_: T.Type) throws {
        let eps = DenseOracles.epsilon(T.self)
        let (m, n) = (9, 6)
        let prescribed: [Double] = [0.5, 8, 0, 3, 1e-3, 0]
        let u0 = DenseOracles.double(TestMatrices.orthogonal(m, seed: 1, as: T.self))
        let v0 = DenseOracles.double(TestMatrices.orthogonal(n, seed: 2, as: T.self))
        let sigma0 = Matrix<Double>(rows: m, columns: n) { i, j in i == j ? prescribed[i] : 0 }
        let a: Matrix<T> = DenseOracles.product(DenseOracles.product(u0, sigma0), DenseOracles.transposed(v0)).converted()
        let svd = try SingularValueDecomposition(a)
        for (computed, exact) in zip(svd.singularValues.elements, prescribed.sorted(by: >)) {
            #expect(abs(Double(computed) - exact) <= 100 * eps * 8, "\(T.self) \(computed) vs \(exact)")
        }
        // Four singular values are far above σ₁·max(m, n)·ε; two are zero up to rounding.
        #expect(svd.rank() == 4)
        #expect(svd.rank(tolerance: 0.01) == 3)
        #expect(try SingularValueDecomposition(Matrix<T>(rows: 4, columns: 3)).rank() == 0)
    }

    @Test(arguments: TestCases.precisions)
    func singularValueDecompositionRejectsNonFiniteInput(_ type: any BLASScalar.Type) {
        checkSingularValueDecompositionErrors(type)
    }

    func checkSingularValueDecompositionErrors<T: BLASScalar>(_: T.Type) {
        let poisoned = DenseOracles.replacing(Matrix<T>(rows: 3, columns: 5), at: 2, 4, with: -.infinity)
        #expect(throws: LinearAlgebraError.invalidArgument("SingularValueDecomposition: the matrix has NaN or infinite entries")) {
            try SingularValueDecomposition(poisoned)
        }
    }
}
