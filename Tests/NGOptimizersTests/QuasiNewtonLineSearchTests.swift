import NGLinearAlgebra
import NGOptimizers
import Testing

/// The strong Wolfe line search (Nocedal & Wright Alg. 3.5/3.6) and its cubic interpolation.
@Suite("QuasiNewton line search")
struct QuasiNewtonLineSearchTests {
    /// The cubic interpolating values and slopes of a cubic is that cubic, so its minimizer is
    /// exact: φ(α) = α³ − 3α has its local minimum at α = 1; a quadratic's minimizer is found too.
    @Test func cubicInterpolationIsExactOnCubics() {
        typealias Search = StrongWolfeLineSearch<Double>
        let phi = { (a: Double) in a * a * a - 3 * a }
        let slope = { (a: Double) in 3 * a * a - 3 }
        for (a, b) in [(0.0, 2.0), (2.0, 0.0), (-0.5, 3.0), (0.9, 1.2)] {
            let t = Search.cubicMinimizer(a, value: phi(a), slope: slope(a), b, value: phi(b), slope: slope(b))
            #expect(t.map { Swift.abs($0 - 1) < 1e-12 } == true, "[\(a), \(b)] gave \(String(describing: t))")
        }
        let quadratic = { (a: Double) in (a - 0.3) * (a - 0.3) }
        let t = Search.cubicMinimizer(0, value: quadratic(0), slope: -0.6, 1, value: quadratic(1), slope: 1.4)
        #expect(t.map { Swift.abs($0 - 0.3) < 1e-14 } == true)
        // α³ has no local minimizer: the interpolant through (−1, 1) is α³ itself.
        #expect(Search.cubicMinimizer(-1, value: -1, slope: 3, 1, value: 1, slope: 3) == nil)
        #expect(Search.cubicMinimizer(1, value: 0, slope: -1, 1, value: 0, slope: -1) == nil)
    }

    /// The first two test functions of Moré & Thuente 1994 ("Line search algorithms with
    /// guaranteed sufficient decrease", §6; their c₁ = 0.1 for the second is lowered to 10⁻² since
    /// c₁ < c₂ is required here) and a quadratic, from initial steps 10⁻³…10³: the step returned
    /// satisfies both strong Wolfe conditions, checked here by their formulas.
    @Test(arguments: [1e-3, 1e-1, 1e1, 1e3])
    func moreThuenteFunctions(initialStep: Double) throws {
        let functions: [(name: String, phi: (Double) -> Double, slope: (Double) -> Double, c1: Double, c2: Double)] = [
            ("−α/(α² + 2)", { a in -a / (a * a + 2) }, { a in (a * a - 2) / ((a * a + 2) * (a * a + 2)) }, 1e-3, 0.1),
            ("(α + β)⁵ − 2(α + β)⁴", { a in Double.pow(a + 0.004, 5) - 2 * Double.pow(a + 0.004, 4) },
             { a in 5 * Double.pow(a + 0.004, 4) - 8 * Double.pow(a + 0.004, 3) }, 1e-2, 0.1),
            ("(α − 3)² quadratic", { a in (a - 3) * (a - 3) }, { a in 2 * (a - 3) }, 1e-4, 0.9),
        ]
        for function in functions {
            let search = try StrongWolfeLineSearch<Double>(sufficientDecrease: function.c1, curvature: function.c2)
            let phi0 = function.phi(0)
            let slope0 = function.slope(0)
            var calls = 0
            let result = try search.search(value: phi0, slope: slope0, initialStep: initialStep) { alpha in
                calls += 1
                return (function.phi(alpha), function.slope(alpha), alpha)
            }
            let accepted = try #require(result.accepted, "\(function.name) from \(initialStep): no step")
            let alpha = accepted.step
            #expect(accepted.payload == alpha)
            #expect(result.satisfiesStrongWolfe, "\(function.name) from \(initialStep)")
            #expect(function.phi(alpha) <= phi0 + function.c1 * alpha * slope0, "\(function.name): sufficient decrease fails at \(alpha)")
            #expect(Swift.abs(function.slope(alpha)) <= function.c2 * Swift.abs(slope0), "\(function.name): curvature fails at \(alpha)")
            #expect(result.evaluations == calls && calls <= search.maximumEvaluations)
        }
    }

    /// The first trial is accepted when it already satisfies both conditions (α = 1 on the
    /// quadratic (α − 1)² lands on the minimum): one evaluation.
    @Test func acceptsAGoodFirstStep() throws {
        let search = try StrongWolfeLineSearch<Double>()
        let result = try search.search(value: 1, slope: -2, initialStep: 1) { a in ((a - 1) * (a - 1), 2 * (a - 1), ()) }
        #expect(result.evaluations == 1 && result.accepted?.step == 1 && result.satisfiesStrongWolfe)
    }

    /// Non-finite values at long steps are treated as too long, not accepted.
    @Test func shortensStepsWithNonFiniteValues() throws {
        let search = try StrongWolfeLineSearch<Double>()
        let result = try search.search(value: 0, slope: -2, initialStep: 8) { a in
            a > 2 ? (.nan, .nan, ()) : ((a - 1) * (a - 1) - 1, 2 * (a - 1), ())
        }
        let accepted = try #require(result.accepted)
        #expect(accepted.step <= 2 && accepted.value.isFinite && result.satisfiesStrongWolfe)
    }

    /// A function that never decreases gives no step; a non-descent slope is refused.
    @Test func reportsFailureAndRejectsAscent() throws {
        let search = try StrongWolfeLineSearch<Double>(maximumEvaluations: 10)
        // φ(α) = α (a wrong φ'(0) = −1 claims descent): no α > 0 decreases φ.
        let result = try search.search(value: 0, slope: -1, initialStep: 1) { a in (a, 1, ()) }
        #expect(result.accepted == nil && !result.satisfiesStrongWolfe && result.evaluations == 10)
        #expect(throws: OptimizerError.self) { try search.search(value: 0, slope: 0, initialStep: 1) { a in (a, 1, ()) } }
        #expect(throws: OptimizerError.self) { try search.search(value: .nan, slope: -1, initialStep: 1) { a in (a, 1, ()) } }
        #expect(throws: OptimizerError.self) { try StrongWolfeLineSearch<Double>(sufficientDecrease: 0.5, curvature: 0.4) }
        #expect(throws: OptimizerError.self) { try StrongWolfeLineSearch<Double>(maximumEvaluations: 0) }
    }
}
