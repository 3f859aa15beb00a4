import NGLinearAlgebra
import NGTestSupport
import Testing

private let scalarTypes: [any BLASScalar.Type] = [Float.self, Double.self]

/// A symmetric matrix with the given spectrum in a random orthonormal basis (formed in Double, rounded to T).
private func withSpectrum<T: BLASScalar>(_ values: [Double], seed: UInt64) -> Matrix<T> {
    DenseOracles.withSpectrum(values, basis: TestMatrices.orthogonal(values.count, seed: seed, as: Double.self)).converted(to: T.self)
}

/// The reference: the dense eigendecomposition in Double, the k pairs in the solver's order.
private func referencePairs<T: BLASScalar>(_ a: Matrix<T>, count k: Int, which: EigenvalueSelection) throws -> (values: [Double], vectors: Matrix<Double>) {
    let dense = try SymmetricEigendecomposition(DenseOracles.double(a))
    let values = dense.eigenvalues.elements
    let indices: [Int]
    switch which {
    case .largest: indices = Array(values.indices.reversed().prefix(k))
    case .smallest: indices = Array(values.indices.prefix(k))
    case .largestMagnitude: indices = Array(values.indices.sorted { Swift.abs(values[$0]) > Swift.abs(values[$1]) }.prefix(k))
    }
    let vectors = Matrix<Double>(rows: a.rows, columns: k) { i, c in dense.eigenvectors[i, indices[c]] }
    return (indices.map { values[$0] }, vectors)
}

/// |⟨u, v⟩| for unit columns: 1 when the eigenvectors agree up to sign.
private func alignment<T: BLASScalar>(_ found: Matrix<T>, _ reference: Matrix<Double>, column: Int) -> Double {
    Swift.abs((0..<found.rows).reduce(0.0) { $0 + Double(found[$1, column]) * reference[$1, column] })
}

/// ‖A·u − θ·u‖ in Double, independently of the solver's residual estimate.
private func trueResidual<T: BLASScalar>(_ a: Matrix<T>, _ pairs: SymmetricEigenpairs<T>, column c: Int) -> Double {
    let u = pairs.eigenvectors.column(c).converted(to: Double.self)
    let au = DenseOracles.product(DenseOracles.double(a), u.asColumn)
    let theta = Double(pairs.eigenvalues[c])
    return (0..<u.count).reduce(0.0) { $0 + (au[$1, 0] - theta * u[$1]) * (au[$1, 0] - theta * u[$1]) }.squareRoot()
}

/// Checks k pairs against the dense reference: eigenvalues to `valueTolerance`·‖A‖, eigenvectors
/// up to sign to `vectorTolerance`, unit norm, and the reported residuals against recomputed ones.
private func expectMatches<T: BLASScalar>(
    _ pairs: SymmetricEigenpairs<T>, _ a: Matrix<T>, which: EigenvalueSelection, valueTolerance: Double, vectorTolerance: Double,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let k = pairs.eigenvalues.count
    let reference = try referencePairs(a, count: k, which: which)
    let scale = reference.values.map(Swift.abs).max() ?? 1
    #expect(pairs.eigenvectors.rows == a.rows && pairs.eigenvectors.columns == k, sourceLocation: sourceLocation)
    for c in 0..<k {
        #expect(Swift.abs(Double(pairs.eigenvalues[c]) - reference.values[c]) <= valueTolerance * scale,
                "\(T.self) eigenvalue \(c): \(pairs.eigenvalues[c]) vs \(reference.values[c])", sourceLocation: sourceLocation)
        #expect(1 - alignment(pairs.eigenvectors, reference.vectors, column: c) <= vectorTolerance,
                "\(T.self) eigenvector \(c)", sourceLocation: sourceLocation)
        #expect(Swift.abs(pairs.eigenvectors.column(c).converted(to: Double.self).norm - 1) < 100 * DenseOracles.epsilon(T.self), sourceLocation: sourceLocation)
    }
}

/// Lanczos and randomized subspace iteration against the dense symmetric eigendecomposition.
@Suite struct EigensolverTests {
    private func tolerances<T: BLASScalar>(_: T.Type) -> (value: Double, vector: Double) {
        T.self == Float.self ? (1e-4, 1e-4) : (1e-10, 1e-10)
    }

    @Test("Lanczos: the k largest eigenpairs of a matrix with a spectral gap", arguments: scalarTypes)
    func lanczosLargest(_ type: any BLASScalar.Type) throws { try checkLanczosLargest(type) }

    func checkLanczosLargest<T: BLASScalar>(_: T.Type) throws {
        let n = 120
        // Four outliers above a bulk in [0, 5], as in Hessian spectra of trained networks.
        let values = [50.0, 40, 30, 20] + (0..<(n - 4)).map { 5 * Double($0) / Double(n - 5) }
        let a: Matrix<T> = withSpectrum(values, seed: 1)
        let pairs = try Lanczos.eigenpairs(count: 4, dimension: n) { try a.multiplied(by: $0) }
        #expect(pairs.converged)
        #expect(pairs.operatorApplications < n, "\(T.self): a gap should not need the whole space")
        let (valueTolerance, vectorTolerance) = tolerances(T.self)
        try expectMatches(pairs, a, which: .largest, valueTolerance: valueTolerance, vectorTolerance: vectorTolerance)
        #expect(pairs.eigenvalues.elements == pairs.eigenvalues.elements.sorted(by: >))
        // The reported residual estimates bound the true residuals (up to rounding).
        for c in 0..<4 {
            #expect(trueResidual(a, pairs, column: c) <= Double(pairs.residualNorms[c]) + 1e3 * DenseOracles.epsilon(T.self) * 50)
        }
    }

    @Test("Lanczos on an indefinite matrix: largest, smallest and largest-magnitude ends", arguments: scalarTypes)
    func lanczosIndefinite(_ type: any BLASScalar.Type) throws { try checkLanczosIndefinite(type) }

    func checkLanczosIndefinite<T: BLASScalar>(_: T.Type) throws {
        let n = 80
        let bulk = (0..<(n - 5)).map { -2 + 4 * Double($0) / Double(n - 6) }
        let values = [-40.0, -25, 15, 30, 45] + bulk
        let a: Matrix<T> = withSpectrum(values, seed: 2)
        let (valueTolerance, vectorTolerance) = tolerances(T.self)
        for (which, k) in [(EigenvalueSelection.largest, 3), (.smallest, 2), (.largestMagnitude, 4)] {
            let pairs = try Lanczos.eigenpairs(count: k, dimension: n, which: which) { try a.multiplied(by: $0) }
            #expect(pairs.converged, "\(T.self) \(which)")
            try expectMatches(pairs, a, which: which, valueTolerance: valueTolerance, vectorTolerance: vectorTolerance)
        }
        let smallest = try Lanczos.eigenpairs(count: 2, dimension: n, which: .smallest) { try a.multiplied(by: $0) }
        #expect(smallest.eigenvalues[0] < smallest.eigenvalues[1])
        #expect(smallest.eigenvalues[0] < 0)
    }

    @Test("Lanczos with the full Krylov dimension reproduces the whole spectrum", arguments: scalarTypes)
    func lanczosFullSpectrum(_ type: any BLASScalar.Type) throws { try checkFullSpectrum(type) }

    func checkFullSpectrum<T: BLASScalar>(_: T.Type) throws {
        let n = 24
        let a: Matrix<T> = TestMatrices.gaussian(n, n, seed: 3)
        let symmetric = Matrix<T>(rows: n, columns: n) { i, j in (a[i, j] + a[j, i]) / 2 }
        let pairs = try Lanczos.eigenpairs(count: n, dimension: n, options: .init(maximumDimension: n)) { try symmetric.multiplied(by: $0) }
        #expect(pairs.operatorApplications == n)
        let reference = try referencePairs(symmetric, count: n, which: .largest)
        let scale = reference.values.map(Swift.abs).max()!
        for c in 0..<n {
            #expect(Swift.abs(Double(pairs.eigenvalues[c]) - reference.values[c]) <= 1e3 * DenseOracles.epsilon(T.self) * scale)
        }
        // The Ritz vectors are orthonormal thanks to the full reorthogonalization.
        #expect(DenseOracles.columnOrthonormalityError(pairs.eigenvectors) < 1e3 * DenseOracles.epsilon(T.self) * 10)
    }

    @Test("Lanczos restarts past an invariant subspace (a low-rank operator) and is reproducible", arguments: scalarTypes)
    func lanczosLowRank(_ type: any BLASScalar.Type) throws { try checkLowRank(type) }

    func checkLowRank<T: BLASScalar>(_: T.Type) throws {
        let n = 50
        // Rank 3: the Krylov space of a random vector becomes invariant at dimension 4 (3 + the null space).
        let values = [9.0, 4, 1] + Array(repeating: 0.0, count: n - 3)
        let a: Matrix<T> = withSpectrum(values, seed: 4)
        let pairs = try Lanczos.eigenpairs(count: 5, dimension: n) { try a.multiplied(by: $0) }
        #expect(pairs.converged)
        let expected = [9.0, 4, 1, 0, 0]
        for c in 0..<5 { #expect(Swift.abs(Double(pairs.eigenvalues[c]) - expected[c]) < 1e3 * DenseOracles.epsilon(T.self) * 9, "\(T.self) \(c)") }
        #expect(DenseOracles.columnOrthonormalityError(pairs.eigenvectors) < 1e4 * DenseOracles.epsilon(T.self))
        for c in 0..<5 { #expect(trueResidual(a, pairs, column: c) < 1e4 * DenseOracles.epsilon(T.self) * 9) }

        // The same seed gives the same numbers; a given start vector is used as is.
        let again = try Lanczos.eigenpairs(count: 5, dimension: n) { try a.multiplied(by: $0) }
        #expect(again.eigenvalues == pairs.eigenvalues && again.eigenvectors == pairs.eigenvectors)
        let started = try Lanczos.eigenpairs(count: 2, dimension: n, options: .init(startVector: Vector(count: n, repeating: 1))) { try a.multiplied(by: $0) }
        #expect(Swift.abs(Double(started.eigenvalues[0]) - 9) < 1e3 * DenseOracles.epsilon(T.self) * 9)
    }

    @Test("randomized subspace iteration: the dominant eigenpairs of a PSD operator", arguments: scalarTypes)
    func randomizedDominant(_ type: any BLASScalar.Type) throws { try checkRandomized(type) }

    func checkRandomized<T: BLASScalar>(_: T.Type) throws {
        let n = 100
        // Geometric decay, as Fisher and Gauss–Newton spectra show.
        let values = (0..<n).map { 100 * Double.pow(0.7, Double($0)) }
        let a: Matrix<T> = withSpectrum(values, seed: 5)
        let fixed = try RandomizedEigensolver.eigenpairs(count: 5, dimension: n, options: .init(subspaceIterations: 12)) { try a.multiplied(by: $0) }
        let (valueTolerance, vectorTolerance) = tolerances(T.self)
        // |λ₁₆/λ₅| = 0.7¹¹ ≈ 0.02 per iteration: 13 Rayleigh–Ritz steps reach the precision.
        try expectMatches(fixed, a, which: .largest, valueTolerance: valueTolerance, vectorTolerance: vectorTolerance * 10)
        #expect(fixed.operatorApplications == 13 * 15)
        // The reported residuals are the true ones.
        for c in 0..<5 {
            let residual = trueResidual(a, fixed, column: c)
            #expect(Swift.abs(Double(fixed.residualNorms[c]) - residual) < 1e3 * DenseOracles.epsilon(T.self) * 100)
        }
        // With a tolerance it stops as soon as the residuals meet it.
        let tolerance: T = T.self == Float.self ? 1e-4 : 1e-9
        let early = try RandomizedEigensolver.eigenpairs(count: 5, dimension: n, options: .init(subspaceIterations: 50, tolerance: tolerance)) {
            try a.multiplied(by: $0)
        }
        #expect(early.converged)
        #expect(early.operatorApplications < 51 * 15)
        for c in 0..<5 { #expect(early.residualNorms[c] <= tolerance * 100) }
    }

    @Test("randomized subspace iteration: rank-deficient operators and repeated eigenvalues", arguments: scalarTypes)
    func randomizedDegenerate(_ type: any BLASScalar.Type) throws { try checkDegenerate(type) }

    func checkDegenerate<T: BLASScalar>(_: T.Type) throws {
        let n = 40
        let eps = DenseOracles.epsilon(T.self)
        // Rank 3 with l = 13 > 3 sample vectors: the dependent columns are replaced.
        let lowRank: Matrix<T> = withSpectrum([7.0, 3, 2] + Array(repeating: 0.0, count: n - 3), seed: 6)
        let pairs = try RandomizedEigensolver.eigenpairs(count: 3, dimension: n) { try lowRank.multiplied(by: $0) }
        for (c, expected) in [7.0, 3, 2].enumerated() { #expect(Swift.abs(Double(pairs.eigenvalues[c]) - expected) < 1e3 * eps * 7) }
        #expect(DenseOracles.columnOrthonormalityError(pairs.eigenvectors) < 1e3 * eps)

        // A triple top eigenvalue: the block finds all three copies and spans the eigenspace.
        let basis = TestMatrices.orthogonal(n, seed: 7, as: Double.self)
        let values = [10.0, 10, 10] + (0..<(n - 3)).map { 1 / Double($0 + 1) }
        let repeated: Matrix<T> = DenseOracles.withSpectrum(values, basis: basis).converted(to: T.self)
        let triple = try RandomizedEigensolver.eigenpairs(count: 3, dimension: n) { try repeated.multiplied(by: $0) }
        for c in 0..<3 { #expect(Swift.abs(Double(triple.eigenvalues[c]) - 10) < 1e3 * eps * 10) }
        // Projection of the found vectors onto span(q₁, q₂, q₃): ‖Q₃ᵀ·U‖_F² = 3 when U spans it.
        let top = Matrix<Double>(rows: n, columns: 3) { i, j in basis[i, j] }
        let overlap = DenseOracles.product(DenseOracles.transposed(top), DenseOracles.double(triple.eigenvectors))
        #expect(Swift.abs(overlap.elements.reduce(0) { $0 + $1 * $1 } - 3) < 1e4 * eps)
    }

    @Test("invalid counts and options throw invalidArgument")
    func errors() throws {
        let a = Matrix<Double>.identity(4)
        let apply: (Vector<Double>) throws -> Vector<Double> = { try a.multiplied(by: $0) }
        #expect(throws: LinearAlgebraError.self) { try Lanczos.eigenpairs(count: 0, dimension: 4, applying: apply) }
        #expect(throws: LinearAlgebraError.self) { try Lanczos.eigenpairs(count: 3, dimension: 4, options: .init(maximumDimension: 2), applying: apply) }
        #expect(throws: LinearAlgebraError.self) { try Lanczos.eigenpairs(count: 1, dimension: 4, options: .init(startVector: Vector(count: 4)), applying: apply) }
        #expect(throws: LinearAlgebraError.self) { try Lanczos.eigenpairs(count: 1, dimension: 4) { _ in Vector<Double>(count: 3) } }
        #expect(throws: LinearAlgebraError.self) { try Lanczos.eigenpairs(count: 1, dimension: 4) { (v: Vector<Double>) in v.map { _ in .nan } } }
        let tooMany = #expect(throws: LinearAlgebraError.self) { try Lanczos.eigenpairs(count: 5, dimension: 4, applying: apply) }
        if case .invalidArgument? = tooMany {} else { Issue.record("k > n should be invalidArgument, got \(String(describing: tooMany))") }
        let block: (Matrix<Double>) throws -> Matrix<Double> = { try a.multiplied(by: $0) }
        #expect(throws: LinearAlgebraError.self) { try RandomizedEigensolver.eigenpairs(count: 5, dimension: 4, applying: block) }
        #expect(throws: LinearAlgebraError.self) { try RandomizedEigensolver.eigenpairs(count: 2, dimension: 4, options: .init(oversampling: -1), applying: block) }
        #expect(throws: LinearAlgebraError.self) { try RandomizedEigensolver.eigenpairs(count: 2, dimension: 4) { _ in Matrix<Double>(rows: 4, columns: 1) } }
    }
}
