import NGLinearAlgebra
import NGTestSupport
import Testing

private let scalarTypes: [any BLASScalar.Type] = [Float.self, Double.self]

/// A residual tolerance each precision reaches comfortably on well-conditioned systems.
private func residualTolerance<T: BLASScalar>(_: T.Type) -> T { T.self == Float.self ? 1e-5 : 1e-11 }

/// x ↦ A·x by gemv: the operator under test.
private func operatorOf<T: BLASScalar>(_ a: Matrix<T>) -> (Vector<T>) throws -> Vector<T> {
    { try a.multiplied(by: $0) }
}

/// ‖b − A·x‖ / ‖b‖ in Double.
private func relativeResidual<T: BLASScalar>(_ a: Matrix<T>, _ x: Vector<T>, _ b: Vector<T>) -> Double {
    let ax = DenseOracles.product(DenseOracles.double(a), DenseOracles.double(x.asColumn))
    var residual = 0.0, norm = 0.0
    for i in 0..<b.count {
        residual += (Double(b[i]) - ax[i, 0]) * (Double(b[i]) - ax[i, 0])
        norm += Double(b[i]) * Double(b[i])
    }
    return (residual / norm).squareRoot()
}

/// A symmetric matrix with the given spectrum in a random orthonormal basis, rounded to T.
private func withSpectrum<T: BLASScalar>(_ values: [Double], seed: UInt64) -> Matrix<T> {
    DenseOracles.withSpectrum(values, basis: TestMatrices.orthogonal(values.count, seed: seed, as: Double.self)).converted(to: T.self)
}

/// Conjugate gradients against Cholesky solutions and the method's theoretical properties
/// (Hestenes & Stiefel 1952; Golub & Van Loan §11.3; Martens 2010 for the Hessian-free features).
@Suite struct ConjugateGradientTests {
    @Test("CG converges to the Cholesky solution on SPD systems", arguments: scalarTypes)
    func convergesToCholeskySolution(_ type: any BLASScalar.Type) throws { try checkConvergence(type) }

    func checkConvergence<T: BLASScalar>(_: T.Type) throws {
        for (n, kappa) in [(1, 1.0), (5, 10.0), (30, 100.0)] {
            let a: Matrix<T> = TestMatrices.spd(n, conditionNumber: kappa, seed: UInt64(n))
            let b: Vector<T> = TestMatrices.gaussianVector(n, seed: UInt64(100 + n))
            let result = try ConjugateGradient.solve(b, options: .init(relativeTolerance: residualTolerance(T.self)), applying: operatorOf(a))
            #expect(result.converged, "\(T.self) n = \(n)")
            #expect(result.termination == .converged)
            #expect(result.residualNorms.count == result.iterations + 1)
            #expect(result.residualNorm <= residualTolerance(T.self) * b.norm)
            // ‖x − x*‖/‖x*‖ ≤ κ·‖r‖/‖b‖, plus the rounding of the reference.
            let reference = try Cholesky(DenseOracles.double(a)).solve(b.converted(to: Double.self))
            let error = TestMatrices.maxDifference(result.solution.converted(to: Double.self), reference) / reference.maxMagnitude
            #expect(error < kappa * (Double(residualTolerance(T.self)) + 100 * DenseOracles.epsilon(T.self)) * 10, "\(T.self) n = \(n)")
            // The recurrence residual stays close to the true one.
            #expect(relativeResidual(a, result.solution, b) < 10 * Double(residualTolerance(T.self)) + 1000 * DenseOracles.epsilon(T.self))
        }
    }

    @Test("finite termination: at most n (+ a few) iterations on a small well-conditioned system", arguments: scalarTypes)
    func finiteTermination(_ type: any BLASScalar.Type) throws { try checkFiniteTermination(type) }

    func checkFiniteTermination<T: BLASScalar>(_: T.Type) throws {
        let n = 6
        let a: Matrix<T> = TestMatrices.spd(n, conditionNumber: 3, seed: 7)
        let b: Vector<T> = TestMatrices.gaussianVector(n, seed: 8)
        let result = try ConjugateGradient.solve(b, options: .init(relativeTolerance: residualTolerance(T.self)), applying: operatorOf(a))
        #expect(result.converged)
        #expect(result.iterations <= n + 2, "\(T.self): \(result.iterations) iterations for n = \(n)")
    }

    @Test("with k distinct eigenvalues CG converges in about k iterations", arguments: scalarTypes)
    func distinctEigenvalues(_ type: any BLASScalar.Type) throws { try checkDistinctEigenvalues(type) }

    func checkDistinctEigenvalues<T: BLASScalar>(_: T.Type) throws {
        let distinct = [1.0, 2.0, 5.0, 10.0]
        let values = (0..<40).map { distinct[$0 % distinct.count] }
        let a: Matrix<T> = withSpectrum(values, seed: 9)
        let b: Vector<T> = TestMatrices.gaussianVector(40, seed: 10)
        let result = try ConjugateGradient.solve(b, options: .init(relativeTolerance: residualTolerance(T.self) * 10), applying: operatorOf(a))
        #expect(result.converged)
        #expect(result.iterations <= distinct.count + 1, "\(T.self): \(result.iterations) iterations with \(distinct.count) distinct eigenvalues")
        // Without that structure, 40 iterations' worth of spectrum needs far more.
        #expect(result.iterations >= distinct.count - 1)
    }

    @Test("a Jacobi preconditioner cuts the iterations on a badly scaled diagonally dominant matrix", arguments: scalarTypes)
    func jacobiPreconditioner(_ type: any BLASScalar.Type) throws { try checkJacobi(type) }

    func checkJacobi<T: BLASScalar>(_: T.Type) throws {
        let n = 50
        // A = D·S·D with S = I + small symmetric noise (diagonally dominant, κ(S) ≈ 2) and D
        // spanning 10^±1, so κ(A) ≈ 10⁴ while diag(A)⁻¹·A is similar to the well-conditioned S.
        let noise: Matrix<T> = TestMatrices.gaussian(n, n, seed: 11)
        let scales = (0..<n).map { T(Double.pow(10, -1 + 2 * Double($0) / Double(n - 1))) }
        let a = Matrix<T>(rows: n, columns: n) { i, j in
            let s: T = i == j ? 1 : (noise[i, j] + noise[j, i]) * T(0.1 / Double(n).squareRoot())
            return scales[i] * s * scales[j]
        }
        // b = A·x for a random x, so that the attainable residual is not limited by κ(A).
        let b = try a.multiplied(by: TestMatrices.gaussianVector(n, seed: 12, as: T.self))
        let tolerance = residualTolerance(T.self) * 10
        let plain = try ConjugateGradient.solve(b, options: .init(relativeTolerance: tolerance), applying: operatorOf(a))
        let inverseDiagonal = a.diagonal.elements.map { 1 / $0 }
        let jacobi: (Vector<T>) -> Vector<T> = { r in Vector(zip(r.elements, inverseDiagonal).map { $0 * $1 }) }
        let preconditioned = try ConjugateGradient.solve(
            b, options: .init(relativeTolerance: tolerance, preconditioner: jacobi), applying: operatorOf(a))
        #expect(preconditioned.converged)
        #expect(preconditioned.iterations * 3 < plain.iterations, "\(T.self): \(preconditioned.iterations) vs \(plain.iterations)")
        // The true residual, recomputed in Double, meets the tolerance too.
        #expect(relativeResidual(a, preconditioned.solution, b) < 10 * Double(tolerance), "\(T.self)")
    }

    @Test("preconditioned CG terminates in k iterations when M⁻¹A has k distinct eigenvalues", arguments: scalarTypes)
    func preconditionedFiniteTermination(_ type: any BLASScalar.Type) throws { try checkPreconditionedTermination(type) }

    func checkPreconditionedTermination<T: BLASScalar>(_: T.Type) throws {
        // A = D·S·D with S of 3 distinct eigenvalues; with M = D², M⁻¹A = D⁻¹·S·D is similar to S.
        let n = 40
        let distinct = [1.0, 3.0, 7.0]
        let s: Matrix<Double> = DenseOracles.withSpectrum((0..<n).map { distinct[$0 % 3] }, basis: TestMatrices.orthogonal(n, seed: 26, as: Double.self))
        let scales = (0..<n).map { Double.pow(10, -1 + 2 * Double($0) / Double(n - 1)) }
        let a = Matrix<T>(rows: n, columns: n) { i, j in T(scales[i] * s[i, j] * scales[j]) }
        let b = try a.multiplied(by: TestMatrices.gaussianVector(n, seed: 27, as: T.self))
        let inverseSquares = scales.map { T(1 / ($0 * $0)) }
        let preconditioner: (Vector<T>) -> Vector<T> = { r in Vector(zip(r.elements, inverseSquares).map { $0 * $1 }) }
        let tolerance = residualTolerance(T.self) * 10
        let preconditioned = try ConjugateGradient.solve(
            b, options: .init(relativeTolerance: tolerance, preconditioner: preconditioner), applying: operatorOf(a))
        #expect(preconditioned.converged)
        #expect(preconditioned.iterations <= distinct.count + 1, "\(T.self): \(preconditioned.iterations) iterations")
        #expect(relativeResidual(a, preconditioned.solution, b) < 10 * Double(tolerance) + 1e3 * DenseOracles.epsilon(T.self))
        let plain = try ConjugateGradient.solve(b, options: .init(relativeTolerance: tolerance), applying: operatorOf(a))
        #expect(plain.iterations > 2 * preconditioned.iterations)
    }

    @Test("the A-norm error and the quadratic model decrease monotonically; histories match the iterates", arguments: scalarTypes)
    func monotoneErrorAndHistories(_ type: any BLASScalar.Type) throws { try checkMonotone(type) }

    func checkMonotone<T: BLASScalar>(_: T.Type) throws {
        let n = 25
        let a: Matrix<T> = TestMatrices.spd(n, conditionNumber: 50, seed: 13)
        let b: Vector<T> = TestMatrices.gaussianVector(n, seed: 14)
        let result = try ConjugateGradient.solve(
            b, options: .init(relativeTolerance: residualTolerance(T.self), storedIterates: .all), applying: operatorOf(a))
        #expect(result.converged)
        #expect(result.iterates.map(\.iteration) == Array(0...result.iterations))
        #expect(result.iterates.last?.point == result.solution)
        let ad = DenseOracles.double(a), bd = b.converted(to: Double.self)
        let exact = try Cholesky(ad).solve(bd)
        var previousError = Double.infinity
        for (index, iterate) in result.iterates.enumerated() {
            let x = iterate.point.converted(to: Double.self)
            let ax = DenseOracles.product(ad, x.asColumn)
            // ‖x − x*‖²_A = (x − x*)ᵀA(x − x*), in Double.
            let difference = Vector((0..<n).map { x[$0] - exact[$0] })
            let aDifference = DenseOracles.product(ad, difference.asColumn)
            let errorNorm = (0..<n).reduce(0.0) { $0 + difference[$1] * aDifference[$1, 0] }.squareRoot()
            #expect(errorNorm <= previousError * (1 + 1e-3) + 1e4 * DenseOracles.epsilon(T.self), "\(T.self) iteration \(index)")
            previousError = errorNorm
            // φ(x) = ½·xᵀA·x − bᵀx against the reported value; ‖b − A·x‖ against the reported residual.
            let phi = (0..<n).reduce(0.0) { $0 + 0.5 * x[$1] * ax[$1, 0] - bd[$1] * x[$1] }
            let scale = Swift.max(1, Swift.abs(phi))
            #expect(Swift.abs(Double(result.objectiveValues[index]) - phi) < 1e3 * DenseOracles.epsilon(T.self) * scale * 50)
            let residual = (0..<n).reduce(0.0) { $0 + (bd[$1] - ax[$1, 0]) * (bd[$1] - ax[$1, 0]) }.squareRoot()
            #expect(Swift.abs(Double(result.residualNorms[index]) - residual) < 1e3 * DenseOracles.epsilon(T.self) * bd.norm * 50)
        }
        for i in 1..<result.objectiveValues.count {
            #expect(result.objectiveValues[i] <= result.objectiveValues[i - 1] + T(1e-4) * Swift.abs(result.objectiveValues[i - 1]))
        }
    }

    @Test("a warm start at the solution takes no iterations; one nearby takes fewer", arguments: scalarTypes)
    func warmStart(_ type: any BLASScalar.Type) throws { try checkWarmStart(type) }

    func checkWarmStart<T: BLASScalar>(_: T.Type) throws {
        let n = 20
        let a: Matrix<T> = TestMatrices.spd(n, conditionNumber: 30, seed: 15)
        let b: Vector<T> = TestMatrices.gaussianVector(n, seed: 16)
        let solution = try Cholesky(a).solve(b)
        let tolerance = residualTolerance(T.self) * 10
        let atSolution = try ConjugateGradient.solve(b, options: .init(relativeTolerance: tolerance, initialGuess: solution), applying: operatorOf(a))
        #expect(atSolution.iterations == 0)
        #expect(atSolution.converged)
        #expect(atSolution.solution == solution)
        let cold = try ConjugateGradient.solve(b, options: .init(relativeTolerance: tolerance), applying: operatorOf(a))
        let nearby = solution + T(1e-3) * TestMatrices.gaussianVector(n, seed: 17)
        let warm = try ConjugateGradient.solve(b, options: .init(relativeTolerance: tolerance, initialGuess: nearby), applying: operatorOf(a))
        #expect(warm.converged)
        #expect(warm.iterations < cold.iterations)
        // b = 0 is solved by x = 0 at once.
        let zero = try ConjugateGradient.solve(Vector<T>(count: n), applying: operatorOf(a))
        #expect(zero.iterations == 0 && zero.converged && zero.solution == Vector<T>(count: n))
    }

    @Test("indefinite operators stop with non-positive curvature instead of dividing by it", arguments: scalarTypes)
    func nonPositiveCurvature(_ type: any BLASScalar.Type) throws { try checkNonPositiveCurvature(type) }

    func checkNonPositiveCurvature<T: BLASScalar>(_: T.Type) throws {
        // b along the negative eigenvector: the very first direction has pᵀA·p = −1·‖b‖².
        let diagonal = try Matrix<T>([[2, 0, 0], [0, -1, 0], [0, 0, 3]])
        let first = try ConjugateGradient.solve(Vector<T>([0, 2, 0]), applying: operatorOf(diagonal))
        #expect(first.termination == .nonPositiveCurvature)
        #expect(!first.converged)
        #expect(first.iterations == 0)
        #expect(first.solution == Vector<T>(count: 3))
        #expect(first.nonPositiveCurvature == -4)
        #expect(first.nonPositiveCurvatureDirection == Vector<T>([0, 2, 0]))

        // A random indefinite matrix with distinct eigenvalues: a random b needs all n directions,
        // and by Sylvester's law of inertia one of n A-conjugate directions has pᵀA·p < 0.
        let values = [-3.0, -0.5, 0.7, 1.0, 2.0, 4.0, 6.0, 9.0]
        let a: Matrix<T> = withSpectrum(values, seed: 18)
        let b: Vector<T> = TestMatrices.gaussianVector(values.count, seed: 19)
        let result = try ConjugateGradient.solve(b, options: .init(relativeTolerance: residualTolerance(T.self)), applying: operatorOf(a))
        #expect(result.termination == .nonPositiveCurvature)
        let direction = try #require(result.nonPositiveCurvatureDirection)
        let curvature = try #require(result.nonPositiveCurvature)
        let ad = DenseOracles.double(a), pd = direction.converted(to: Double.self)
        let ap = DenseOracles.product(ad, pd.asColumn)
        let independent = (0..<pd.count).reduce(0.0) { $0 + pd[$1] * ap[$1, 0] }
        #expect(independent < 0 && curvature <= 0)
        #expect(Swift.abs(independent - Double(curvature)) < 1e3 * DenseOracles.epsilon(T.self) * 10 * pd.norm * pd.norm)
        #expect(result.solution.isFinite)
    }

    @Test("stored iterates: a chosen set, and Martens' geometric schedule ⌈1.3ʲ⌉ plus the last", arguments: scalarTypes)
    func storedIterates(_ type: any BLASScalar.Type) throws { try checkStoredIterates(type) }

    func checkStoredIterates<T: BLASScalar>(_: T.Type) throws {
        let n = 60
        let a: Matrix<T> = TestMatrices.spd(n, conditionNumber: 1e3, seed: 20)
        let b: Vector<T> = TestMatrices.gaussianVector(n, seed: 21)
        let options = ConjugateGradientOptions<T>(relativeTolerance: residualTolerance(T.self), maximumIterations: 40, storedIterates: .all)
        let all = try ConjugateGradient.solve(b, options: options, applying: operatorOf(a))
        #expect(all.termination == .iterationLimit)
        #expect(all.iterations == 40)

        var chosen = options
        chosen.storedIterates = .at([0, 3, 17, 1000])
        let some = try ConjugateGradient.solve(b, options: chosen, applying: operatorOf(a))
        #expect(some.iterates.map(\.iteration) == [0, 3, 17])
        for iterate in some.iterates { #expect(iterate.point == all.iterates[iterate.iteration].point) }

        var geometric = options
        geometric.storedIterates = .geometric(ratio: 1.3)
        let backtracking = try ConjugateGradient.solve(b, options: geometric, applying: operatorOf(a))
        // ⌈1.3ʲ⌉ for j = 0, 1, …: 1, 2, 2, 3, 3, 4, 5, 7, 9, 11, 14, 18, 24, 31, 40; distinct, plus the last.
        var schedule: [Int] = []
        var power = 1.0
        while Int(power.rounded(.up)) <= 40 {
            let i = Int(power.rounded(.up))
            if schedule.last != i { schedule.append(i) }
            power *= 1.3
        }
        if schedule.last != 40 { schedule.append(40) }
        #expect(backtracking.iterates.map(\.iteration) == schedule)
        for iterate in backtracking.iterates { #expect(iterate.point == all.iterates[iterate.iteration].point) }
        // A huge ratio stores iteration 1 and the last, without overflowing.
        var sparse = options
        sparse.storedIterates = .geometric(ratio: 1e300)
        #expect(try ConjugateGradient.solve(b, options: sparse, applying: operatorOf(a)).iterates.map(\.iteration) == [1, 40])
        #expect(throws: LinearAlgebraError.self) {
            try ConjugateGradient.solve(b, options: .init(storedIterates: .geometric(ratio: 1)), applying: operatorOf(a))
        }
    }

    @Test("Martens' relative-progress rule stops a slow solve when φ stops improving", arguments: scalarTypes)
    func progressRule(_ type: any BLASScalar.Type) throws { try checkProgressRule(type) }

    func checkProgressRule<T: BLASScalar>(_: T.Type) throws {
        let n = 200
        let a: Matrix<T> = TestMatrices.spd(n, conditionNumber: 1e4, seed: 22)
        let b: Vector<T> = TestMatrices.gaussianVector(n, seed: 23)
        let epsilon: T = 5e-4
        let result = try ConjugateGradient.solve(
            b, options: .init(relativeTolerance: 0, maximumIterations: 2000, progressTolerance: epsilon), applying: operatorOf(a))
        #expect(result.termination == .insufficientProgress)
        // The rule, recomputed from the reported φ values: it holds at the last iteration and at no earlier one.
        func holds(at i: Int) -> Bool {
            let k = Swift.max(10, Int((Double(i) / 10).rounded(.up)))
            guard i > k, result.objectiveValues[i] < 0 else { return false }
            return (result.objectiveValues[i] - result.objectiveValues[i - k]) / result.objectiveValues[i] < T(k) * epsilon
        }
        #expect(holds(at: result.iterations))
        #expect(!(0..<result.iterations).contains { holds(at: $0) })
    }

    @Test("bad input throws clear errors")
    func errors() throws {
        let a = Matrix<Double>.identity(3)
        let b = Vector<Double>([1, 2, 3])
        #expect(throws: LinearAlgebraError.self) { try ConjugateGradient.solve(b) { _ in Vector<Double>(count: 2) } }
        #expect(throws: LinearAlgebraError.self) { try ConjugateGradient.solve(b) { $0.map { _ in .nan } } }
        #expect(throws: LinearAlgebraError.self) { try ConjugateGradient.solve(b, options: .init(relativeTolerance: -1), applying: operatorOf(a)) }
        #expect(throws: LinearAlgebraError.self) { try ConjugateGradient.solve(b, options: .init(maximumIterations: -1), applying: operatorOf(a)) }
        #expect(throws: LinearAlgebraError.self) {
            try ConjugateGradient.solve(b, options: .init(initialGuess: Vector([1, 2])), applying: operatorOf(a))
        }
        #expect(throws: LinearAlgebraError.self) { try ConjugateGradient.solve(Vector<Double>([1, .nan, 3]), applying: operatorOf(a)) }
        // An indefinite preconditioner.
        #expect(throws: LinearAlgebraError.self) {
            try ConjugateGradient.solve(b, options: .init(preconditioner: { -1 * $0 }), applying: operatorOf(a))
        }
        // The iteration cap is respected.
        let spd: Matrix<Double> = TestMatrices.spd(10, conditionNumber: 100, seed: 24)
        let capped = try ConjugateGradient.solve(TestMatrices.gaussianVector(10, seed: 25), options: .init(maximumIterations: 3), applying: operatorOf(spd))
        #expect(capped.iterations == 3 && capped.termination == .iterationLimit)
    }
}
