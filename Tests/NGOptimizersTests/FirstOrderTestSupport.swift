import NGLinearAlgebra
import NGOptimizers

/// Inputs and comparisons shared by the first-order suites.
enum FirstOrderFixtures {
    static let precisions: [any BLASScalar.Type] = [Float.self, Double.self]

    /// Three gradients of four entries with mixed signs and scales (10⁻³ to 10²) and a zero,
    /// so that per-coordinate rescalings and sign handling are exercised.
    static let gradients: [[Double]] = [
        [0.5, -2.0, 1e-3, 0.0],
        [-0.25, -1.5, 3e-3, 40.0],
        [1.0, 0.5, -2e-3, 100.0],
    ]

    /// An evaluated objective at θ (transforms read only its parameters; the update they
    /// transform is passed separately).
    static func point<T: BLASScalar>(at parameters: [Double], as _: T.Type = T.self) throws -> LeastSquaresPoint<T> {
        let objective = LeastSquaresObjective<T>.parabola(
            curvatures: [T](repeating: 1, count: parameters.count), minimum: [T](repeating: 0, count: parameters.count))
        return try objective.evaluate(at: Vector(parameters.map { T($0) }), batch: .all)
    }

    /// Applies `transform` to each of `gradients` in turn from its initial state and returns the
    /// transformed updates, in Double.
    static func updates<T: GradientTransformation>(
        _ transform: T, gradients: [[Double]] = gradients, parameters: [Double] = [1, -1, 2, 0.5]
    ) throws -> [[Double]] {
        let point = try point(at: parameters, as: T.Scalar.self)
        var state = transform.initialState(parameters: point.parameters)
        var results = [[Double]]()
        for gradient in gradients {
            var update = Vector(gradient.map { T.Scalar($0) })
            try transform.update(&update, state: &state, point: point, layers: [])
            results.append(update.elements.map { Double($0) })
        }
        return results
    }

    /// The largest |aᵢ − bᵢ| / max(1, |bᵢ|) over all steps and entries.
    static func relativeError(_ a: [[Double]], _ b: [[Double]]) -> Double {
        precondition(a.count == b.count)
        var worst = 0.0
        for (x, y) in zip(a, b) {
            precondition(x.count == y.count)
            for (p, q) in zip(x, y) { worst = Swift.max(worst, Swift.abs(p - q) / Swift.max(1, Swift.abs(q))) }
        }
        return worst
    }

    /// A tolerance for results of a few dozen flops: Float 10⁻⁵, Double 10⁻¹³.
    static func tolerance<T: BLASScalar>(_: T.Type) -> Double { T.self == Float.self ? 1e-5 : 1e-13 }

    /// The gradients as the given precision sees them (rounded), in Double, so that references
    /// start from exactly the same numbers.
    static func rounded<T: BLASScalar>(_ gradients: [[Double]], as _: T.Type) -> [[Double]] {
        gradients.map { $0.map { Double(T($0)) } }
    }
}
