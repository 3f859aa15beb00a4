import NGCurvature
import NGLinearAlgebra
import NGModels
@testable import NGOptimizers
import NGRandom
import NGTestSupport
import Testing

/// The pieces behind K-FAC's cheaper step: curvature forms from tangents, Cholesky inverses, the
/// per-part clocks.
@Suite("K-FAC curvature forms, inverses and timings")
struct KFACCurvatureFormsTests {
    /// Directions with entries of both signs.
    static func directions<T: BLASScalar>(_ count: Int, parameters: Int, seed: UInt64) -> [Vector<T>] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Vector((0..<parameters).map { _ in T(generator.normal()) }) }
    }

    /// vᵢᵀ·C·vⱼ from the dense curvature matrix (naive loops, Double).
    static func denseForm<T: BLASScalar>(_ c: Matrix<T>, _ v: Vector<T>, _ w: Vector<T>) -> Double {
        var total = 0.0
        for i in 0..<v.count { for j in 0..<w.count { total += Double(v[i]) * Double(c[i, j]) * Double(w[j]) } }
        return total
    }

    func expectGramMatchesDense<T: BLASScalar>(_: T.Type, kind: CurvatureKind) throws {
        // L2 > 0 so that the penalty term (weights only) is part of the check.
        for objective in [try KFACFixtures.perceptron(T.self, sizes: [3, 5, 4], examples: 7, l2: T(0.3)), try KFACFixtures.perceptron(T.self, examples: 5)] {
            let parameters = KFACFixtures.parameters(for: objective)
            let point = try objective.evaluate(at: parameters, batch: .all)
            let dense = try point.denseCurvature(kind, samples: 1, seed: 0)
            let directions: [Vector<T>] = Self.directions(3, parameters: objective.parameterCount, seed: 9)
            let gram = try point.kfacCurvatureGram(kind, directions, exampleLimit: nil)
            for i in 0..<3 {
                for j in 0..<3 {
                    let expected = Self.denseForm(dense, directions[i], directions[j])
                    let scale = Swift.max(Swift.abs(expected), 1)
                    #expect(Swift.abs(Double(gram[i][j]) - expected) <= KFACFixtures.tolerance(T.self) * scale, "(\(i), \(j)): \(gram[i][j]) vs \(expected)")
                }
            }
        }
    }

    @Test("the Gram matrix of the forms equals vᵢᵀ·C·vⱼ of the dense curvature (Float)", arguments: [CurvatureKind.exact, .ggn])
    func gramFloat(kind: CurvatureKind) throws { try expectGramMatchesDense(Float.self, kind: kind) }

    @Test("the Gram matrix of the forms equals vᵢᵀ·C·vⱼ of the dense curvature (Double)", arguments: [CurvatureKind.exact, .ggn])
    func gramDouble(kind: CurvatureKind) throws { try expectGramMatchesDense(Double.self, kind: kind) }

    @Test("forms on an example limit equal the forms of a point evaluated on those examples")
    func gramOnPrefix() throws {
        for objective in [try KFACFixtures.perceptron(Double.self, examples: 9, l2: 0.1), try KFACFixtures.convolutional(Double.self, examples: 7)] {
            let parameters = KFACFixtures.parameters(for: objective)
            let point = try objective.evaluate(at: parameters, batch: .all)
            let prefix = try objective.evaluate(at: parameters, batch: .examples([0, 1, 2, 3]))
            let directions: [Vector<Double>] = Self.directions(2, parameters: objective.parameterCount, seed: 4)
            let limited = try point.kfacCurvatureGram(.exact, directions, exampleLimit: 4)
            let dense = try prefix.denseCurvature(.exact, samples: 1, seed: 0)
            for i in 0..<2 {
                for j in 0..<2 {
                    let expected = Self.denseForm(dense, directions[i], directions[j])
                    #expect(Swift.abs(limited[i][j] - expected) <= 1e-10 * Swift.max(Swift.abs(expected), 1))
                }
            }
            // A limit of N or more is the whole batch.
            let whole = try point.kfacCurvatureGram(.exact, directions, exampleLimit: 100)
            let full = try point.kfacCurvatureGram(.exact, directions, exampleLimit: nil)
            #expect(whole == full)
        }
    }

    @Test("forms reject other curvature kinds, bad limits and wrong lengths")
    func gramErrors() throws {
        let objective = try KFACFixtures.perceptron(Double.self)
        let point = try objective.evaluate(at: KFACFixtures.parameters(for: objective), batch: .all)
        let v: [Vector<Double>] = Self.directions(1, parameters: objective.parameterCount, seed: 1)
        #expect(throws: OptimizerError.self) { try point.kfacCurvatureGram(.hessian, v, exampleLimit: nil) }
        #expect(throws: OptimizerError.self) { try point.kfacCurvatureGram(.monteCarlo, v, exampleLimit: nil) }
        #expect(throws: OptimizerError.self) { try point.kfacCurvatureGram(.exact, v, exampleLimit: 0) }
        #expect(throws: OptimizerError.self) { try point.kfacCurvatureGram(.exact, [Vector<Double>(count: 2)], exampleLimit: nil) }
    }

    /// The quadratic model on a sub-batch: the fast path (forms on the first examples) takes the
    /// steps that the generic path takes when its curvature products come from the same examples.
    @Test("a model example limit takes the model's curvature from the batch's first examples")
    func modelExampleLimit() throws {
        let objective = try KFACFixtures.perceptron(Double.self, examples: 10)
        let parameters = KFACFixtures.parameters(for: objective)
        let settings = KFACSettings<Double>(fisherEstimate: .exact, modelExampleLimit: 4)
        var kfac = try KFAC<Double>(settings: settings)
        var moved = parameters
        let report = try kfac.step(&moved, objective: objective, batch: .all)
        // Independent: α = −∇JᵀΔ / (ΔᵀC₄Δ + λ‖Δ‖²) with C₄ the dense Fisher of the first 4 examples.
        let delta = Vector((0..<parameters.count).map { -kfac.state.preconditioned[$0] })
        let c4 = try objective.evaluate(at: parameters, batch: .examples([0, 1, 2, 3])).denseCurvature(.exact, samples: 1, seed: 0)
        let gradient = try objective.evaluate(at: parameters, batch: .all).gradient
        let numerator = -(0..<delta.count).reduce(0.0) { $0 + gradient[$1] * delta[$1] }
        let normSquared = (0..<delta.count).reduce(0.0) { $0 + delta[$1] * delta[$1] }
        let alpha = numerator / (Self.denseForm(c4, delta, delta) + settings.damping * normSquared)
        let reported = try #require(report.diagnostics["learning_rate"])
        #expect(Swift.abs(reported - alpha) <= 1e-10 * Swift.abs(alpha))
        #expect(throws: OptimizerError.self) { try KFAC<Double>(settings: KFACSettings(modelExampleLimit: 0)) }
    }

    // MARK: Cholesky inverses

    func expectShiftedInverse<T: BLASScalar>(_: T.Type) throws {
        for n in [1, 7, 40] {
            var generator = SeededGenerator(seed: UInt64(n))
            let x = Matrix<T>(rows: n + 3, columns: n) { _, _ in T(generator.normal()) }
            let s = try x.multiplied(by: x, transposingSelf: true)
            // Only the upper triangle is read: garbage below it must not matter.
            var upper = s
            for i in 0..<n { for j in 0..<i { upper[i, j] = 1e6 } }
            let shift = T(0.25)
            let inverse = try KFACKernels.shiftedInverse(upper: upper, shift: shift, jitter: 0)
            // Independent: the eigendecomposition's inverse V·diag(1/(λ + shift))·Vᵀ.
            let eigen = try SymmetricEigendecomposition(s)
            let reference = eigen.reconstructed { 1 / ($0 + shift) }
            #expect(KFACFixtures.relativeError(inverse, reference) < (T.self == Float.self ? 1e-4 : 1e-11))
            // And (S + shift·I)·inverse = I, with the inverse exactly symmetric.
            let product = try s.addingToDiagonal(shift).multiplied(by: inverse)
            #expect(KFACFixtures.relativeError(product, Matrix<T>.identity(n)) < (T.self == Float.self ? 1e-4 : 1e-11))
            #expect(inverse == inverse.transposed)
        }
    }

    @Test("the Cholesky (potrf + potri) damped inverse equals the eigenvalue-based one (Float)")
    func shiftedInverseFloat() throws { try expectShiftedInverse(Float.self) }

    @Test("the Cholesky (potrf + potri) damped inverse equals the eigenvalue-based one (Double)")
    func shiftedInverseDouble() throws { try expectShiftedInverse(Double.self) }

    @Test("a singular factor with no shift is an error, not an inverse")
    func singularFactor() throws {
        let s = try Matrix<Double>(rows: 2, columns: 2, elements: [1, 1, 1, 1])
        #expect(throws: OptimizerError.self) { try KFACKernels.shiftedInverse(upper: s, shift: 0, jitter: 1e-3) }
        let bad = try Matrix<Double>(rows: 2, columns: 2, elements: [.nan, 0, 0, 1])
        #expect(throws: OptimizerError.self) { try KFACKernels.shiftedInverse(upper: bad, shift: 1, jitter: 0) }
    }

    // MARK: Timings

    @Test("the per-part clocks cover every step and add up to at most the total")
    func timings() throws {
        let objective = try KFACFixtures.perceptron(Double.self, examples: 8)
        var parameters = KFACFixtures.parameters(for: objective)
        var kfac = try KFAC<Double>(settings: KFACSettings(inverseUpdateInterval: 2))
        for _ in 0..<5 { _ = try kfac.step(&parameters, objective: objective, batch: .all) }
        let t = kfac.state.timings
        #expect(t.steps == 5)
        let parts = [t.evaluation, t.statistics, t.inverses, t.preconditioning, t.stepRule]
        #expect(parts.allSatisfy { $0 > 0 } && t.dampingAdaptation >= 0)
        // The parts are timed inside the total, one after another.
        #expect(t.rest >= 0 && t.total >= parts.reduce(0, +) + t.dampingAdaptation)
    }
}
