import NGLinearAlgebra
import NGTestSupport
import Testing

/// Powers, roots and clipping of symmetric matrices against identities (R^p·A = I, S·S = A),
/// Cholesky's inverse, and matrices formed by loops from a chosen spectrum and eigenbasis.
///
/// Errors are measured relative to the size of the result and allowed to grow like n·κ·ε, the
/// first-order sensitivity of an inverse (Higham, *Functions of Matrices*, 2008, ch. 3).
@Suite struct MatrixFunctionTests {
    static let sizes = [1, 2, 3, 7, 33]

    /// (A^(−1/p))^p·A = I for p = 1, 2, 4 (K-FAC's inverse, the natural-gradient whitening, Shampoo).
    @Test(arguments: TestCases.precisions)
    func inversePthRootRaisedToPTimesAIsIdentity(_ type: any BLASScalar.Type) throws {
        try checkInversePthRoot(type)
    }

    func checkInversePthRoot<T: BLASScalar>(_: T.Type) throws {
        let eps = DenseOracles.epsilon(T.self)
        let conditionNumber = 50.0
        for n in Self.sizes {
            let a: Matrix<T> = TestMatrices.spd(n, conditionNumber: conditionNumber, seed: UInt64(n + 70))
            let ad = DenseOracles.double(a)
            let decomposition = try SymmetricEigendecomposition(a)
            for p in [1, 2, 4] {
                let root = try a.symmetricInversePthRoot(p)
                #expect(root.asymmetry == 0)
                let rd = DenseOracles.double(root)
                var product = ad
                for _ in 0..<p { product = DenseOracles.product(rd, product) }
                let error = DenseOracles.maxDifference(product, Matrix<Double>.identity(n))
                #expect(error <= 4 * Double(n + 1) * conditionNumber * eps, "\(T.self) n = \(n) p = \(p): \(error)")

                // The general power with exponent −1/p and the decomposition's method agree with it.
                let viaPower = try decomposition.power(-1 / T(p))
                #expect(DenseOracles.relativeDifference(viaPower, root) <= 8 * Double(n + 1) * eps, "\(T.self) pow(−1/\(p))")
                #expect(DenseOracles.relativeDifference(try decomposition.inversePthRoot(p), root) <= Double(n + 1) * eps)
            }
            // The inverse square root whitens: A^(−1/2)·A·A^(−1/2) = I.
            let whitening = DenseOracles.double(try a.symmetricInverseSquareRoot())
            let whitened = DenseOracles.product(DenseOracles.product(whitening, ad), whitening)
            #expect(DenseOracles.maxDifference(whitened, Matrix<Double>.identity(n)) <= 4 * Double(n + 1) * conditionNumber * eps)
        }
    }

    @Test(arguments: TestCases.precisions)
    func squareRootSquaresToTheMatrixAndInverseMatchesCholesky(_ type: any BLASScalar.Type) throws {
        try checkSquareRootAndInverse(type)
    }

    func checkSquareRootAndInverse<T: BLASScalar>(_: T.Type) throws {
        let eps = DenseOracles.epsilon(T.self)
        let conditionNumber = 50.0
        for n in Self.sizes {
            let a: Matrix<T> = TestMatrices.spd(n, conditionNumber: conditionNumber, seed: UInt64(n + 80))
            let ad = DenseOracles.double(a)
            let root = try a.symmetricSquareRoot()
            #expect(root.asymmetry == 0)
            let rd = DenseOracles.double(root)
            #expect(DenseOracles.relativeDifference(DenseOracles.product(rd, rd), ad) <= 4 * Double(n + 1) * conditionNumber.squareRoot() * eps, "\(T.self) n = \(n)")
            #expect(try SymmetricEigendecomposition(root).eigenvalues.elements.allSatisfy { $0 > 0 }, "the square root is the positive definite one")

            let inverse = try a.symmetricInverse()
            let choleskyInverse = try Cholesky(a).inverse
            #expect(DenseOracles.relativeDifference(inverse, choleskyInverse) <= 4 * Double(n + 1) * conditionNumber * eps, "\(T.self) n = \(n)")

            // Integer and fractional powers against products by loops: A² = A·A, A^1.5 = A·A^(1/2), A⁰ = I, A¹ = A.
            let squared = try a.symmetricPower(2)
            #expect(DenseOracles.relativeDifference(squared, DenseOracles.product(ad, ad)) <= 4 * Double(n + 1) * conditionNumber * eps)
            let threeHalves = try a.symmetricPower(1.5)
            #expect(DenseOracles.relativeDifference(threeHalves, DenseOracles.product(ad, rd)) <= 4 * Double(n + 1) * conditionNumber * eps)
            #expect(DenseOracles.maxDifference(try a.symmetricPower(0), Matrix<Double>.identity(n)) <= 4 * Double(n + 1) * eps)
            #expect(DenseOracles.relativeDifference(try a.symmetricPower(1), ad) <= 4 * Double(n + 1) * eps)
        }
    }

    /// Damping shifts every eigenvalue: f(A) with damping λ equals f(A + λI) formed explicitly,
    /// and both equal Q·diag(f(μ + λ))·Qᵀ formed by loops from the known spectrum.
    @Test(arguments: TestCases.precisions)
    func dampingEqualsTheFunctionOfTheShiftedMatrix(_ type: any BLASScalar.Type) throws {
        try checkDamping(type)
    }

    func checkDamping<T: BLASScalar>(_: T.Type) throws {
        let eps = DenseOracles.epsilon(T.self)
        let n = 7
        let spectrum: [Double] = [0, 0, 0.01, 0.5, 1, 2, 4]  // singular: only damping makes it invertible
        let q: Matrix<T> = TestMatrices.orthogonal(n, seed: 5)
        let a: Matrix<T> = DenseOracles.withSpectrum(spectrum, basis: q).converted()
        let damping: T = 0.1
        let shifted = a.addingToDiagonal(damping)
        for exponent in [-1, -0.5, -0.25, 0.5, 1.5] as [T] {
            let damped = try a.symmetricPower(exponent, damping: damping)
            let explicit = try shifted.symmetricPower(exponent)
            let exact = DenseOracles.withSpectrum(spectrum.map { Double.pow($0 + 0.1, Double(exponent)) }, basis: q)
            // Relative to the result, the sensitivity is bounded by κ(A + λI) = 41.
            let tolerance = 4 * Double(n + 1) * 41 * eps
            #expect(DenseOracles.relativeDifference(damped, exact) <= tolerance, "\(T.self) exponent \(exponent)")
            #expect(DenseOracles.relativeDifference(explicit, exact) <= tolerance, "\(T.self) explicit shift, exponent \(exponent)")
        }
        let decomposition = try SymmetricEigendecomposition(a)
        #expect(DenseOracles.relativeDifference(try decomposition.inverse(damping: damping), try Cholesky(shifted).inverse) <= 4 * Double(n + 1) * 41 * eps)
    }

    /// On a singular PSD matrix the floor raises the (rounding-sized) zero eigenvalues: the result
    /// is finite and equals the function of the floored matrix, formed independently.
    @Test(arguments: TestCases.precisions)
    func eigenvalueFloorMakesSingularMatricesInvertible(_ type: any BLASScalar.Type) throws {
        try checkFloor(type)
    }

    func checkFloor<T: BLASScalar>(_: T.Type) throws {
        let eps = DenseOracles.epsilon(T.self)
        let n = 6
        let spectrum: [Double] = [0, 0, 1, 2, 3, 5]
        let floor = 0.01
        let floored = spectrum.map { max($0, floor) }
        let q: Matrix<T> = TestMatrices.orthogonal(n, seed: 6)
        let a: Matrix<T> = DenseOracles.withSpectrum(spectrum, basis: q).converted()
        let flooredMatrix: Matrix<T> = DenseOracles.withSpectrum(floored, basis: q).converted()
        // κ of the floored matrix, 500, bounds the sensitivity relative to the result.
        let tolerance = 4 * Double(n + 1) * 500 * eps

        let inverse = try a.symmetricInverse(eigenvalueFloor: T(floor))
        #expect(inverse.isFinite)
        #expect(DenseOracles.relativeDifference(inverse, DenseOracles.withSpectrum(floored.map { 1 / $0 }, basis: q)) <= tolerance, "\(T.self)")
        #expect(DenseOracles.relativeDifference(inverse, try Cholesky(flooredMatrix).inverse) <= tolerance, "\(T.self) vs Cholesky")

        let shampoo = try a.symmetricInversePthRoot(4, eigenvalueFloor: T(floor))
        #expect(DenseOracles.relativeDifference(shampoo, DenseOracles.withSpectrum(floored.map { Double.pow($0, -0.25) }, basis: q)) <= tolerance)
        // The floor bounds the norm of the inverse: ‖A⁻¹‖₂ ≤ 1/floor.
        #expect(try SymmetricEigendecomposition(inverse).eigenvalues.elements.allSatisfy { Double($0) <= (1 / floor) * (1 + tolerance) })

        // Floor 0 (the default) clips rounding-negative eigenvalues: the square root of a singular
        // PSD matrix is finite, PSD, and squares back to it.
        let root = DenseOracles.double(try a.symmetricSquareRoot())
        #expect(DenseOracles.relativeDifference(DenseOracles.product(root, root), DenseOracles.double(a)) <= 4 * Double(n + 1) * eps * 10)
    }

    @Test(arguments: TestCases.precisions)
    func clippingEigenvaluesMatchesTheClippedSpectrum(_ type: any BLASScalar.Type) throws {
        try checkClipping(type)
    }

    func checkClipping<T: BLASScalar>(_: T.Type) throws {
        let eps = DenseOracles.epsilon(T.self)
        let spectrum: [Double] = [-3, 0.5, 2, 10]
        let q: Matrix<T> = TestMatrices.orthogonal(4, seed: 7)
        let a: Matrix<T> = DenseOracles.withSpectrum(spectrum, basis: q).converted()
        // Eigenvectors move by about ε·‖A‖/gap (gap 1.5 between the eigenvalues 0.5 and 2, ‖A‖ = 10).
        let tolerance = 10 * Double(4 + 1) * eps * 10 / 1.5
        let clipped = try a.clippingEigenvalues(minimum: 1, maximum: 5)
        #expect(clipped.asymmetry == 0)
        #expect(DenseOracles.relativeDifference(clipped, DenseOracles.withSpectrum([1, 1, 2, 5], basis: q)) <= tolerance)
        let lowerOnly = try a.clippingEigenvalues(minimum: 0)
        #expect(DenseOracles.relativeDifference(lowerOnly, DenseOracles.withSpectrum([0, 0.5, 2, 10], basis: q)) <= tolerance)
        #expect(DenseOracles.relativeDifference(try a.clippingEigenvalues(), a) <= tolerance)
    }

    /// The invalid arguments documented on the functions are thrown, not trapped or turned into NaN.
    @Test(arguments: TestCases.precisions)
    func invalidArgumentsAreThrown(_ type: any BLASScalar.Type) throws {
        try checkInvalidArguments(type)
    }

    func checkInvalidArguments<T: BLASScalar>(_: T.Type) throws {
        let spd: Matrix<T> = TestMatrices.spd(3, seed: 8)
        let singular = Matrix<T>(diagonal: [0, 1, 2])
        let indefinite: Matrix<T> = DenseOracles.withSpectrum([-1, 1, 2], basis: TestMatrices.orthogonal(3, seed: 9, as: T.self)).converted()
        func expectInvalid(_ fragment: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Matrix<T>) {
            let error = #expect(throws: LinearAlgebraError.self, sourceLocation: sourceLocation) { _ = try body() }
            guard case .invalidArgument(let message)? = error else {
                Issue.record("expected invalidArgument, got \(String(describing: error))", sourceLocation: sourceLocation)
                return
            }
            #expect(message.contains(fragment), "\(message) should mention \(fragment)", sourceLocation: sourceLocation)
        }
        expectInvalid("p must be at least 1") { try spd.symmetricInversePthRoot(0) }
        expectInvalid("p must be at least 1") { try SymmetricEigendecomposition(spd).inversePthRoot(-4) }
        expectInvalid("eigenvalueFloor") { try spd.symmetricInverse(eigenvalueFloor: -1) }
        expectInvalid("damping") { try spd.symmetricSquareRoot(damping: .nan) }
        expectInvalid("damping") { try spd.symmetricInverseSquareRoot(damping: -0.5) }
        expectInvalid("exponent") { try spd.symmetricPower(.infinity) }
        expectInvalid("smallest eigenvalue") { try singular.symmetricInverse() }
        expectInvalid("smallest eigenvalue") { try indefinite.symmetricPower(-0.5, damping: 0.5) }
        expectInvalid("NaN") { try DenseOracles.replacing(spd, at: 1, 1, with: .nan).symmetricInverse() }
        expectInvalid("minimum ≤ maximum") { try spd.clippingEigenvalues(minimum: 2, maximum: 1) }
        // A floor so small that its inverse overflows the precision.
        let tiny: T = T.self == Float.self ? 1e-40 : T(1e-310)
        expectInvalid("overflow") { try singular.symmetricInverse(eigenvalueFloor: tiny) }
        #expect(throws: LinearAlgebraError.self) { try Matrix<T>(rows: 2, columns: 3).symmetricSquareRoot() }
        // The same matrices are fine with a floor or enough damping.
        #expect(try singular.symmetricInverse(eigenvalueFloor: 0.5).isFinite)
        #expect(try indefinite.symmetricPower(-0.5, damping: 2).isFinite)
        #expect(try indefinite.symmetricPower(-0.5, eigenvalueFloor: 0.1).isFinite)
    }
}
