import Foundation
import NGCurvature
import NGLinearAlgebra
import NGModels
import NGOptimizers

/// An objective in elementwise-reparameterized coordinates θ′: θ = D⊙θ′ (linear) or
/// θ = D⊙sinh(θ′) (nonlinear), for a fixed positive diagonal D — the same model, only the
/// coordinates on its parameters change.
///
/// With the Jacobian J = diag(φ′(θ′)) (D, or D⊙cosh θ′), the chain rule gives ∇_θ′J = J∇_θJ,
/// and the Fisher kinds and the GGN transform as a metric, C′ = J·C·J (products
/// C′v = J(C(Jv)), per-example gradients scaled column by column); the Hessian gains the term
/// diag(∇_θJ ⊙ φ″(θ′)). Gradient descent therefore takes the step Δθ ≈ −α·J²∇_θJ in the original
/// coordinates — a different path — while the natural gradient C′⁻¹∇′ = J⁻¹(C⁻¹∇) is the same
/// tangent vector (Amari 1998): for the linear map its Euler steps coincide exactly, for the
/// nonlinear one they agree to first order in the step.
///
/// K-FAC's factors are what a K-FAC implementation reads from the network — each layer's inputs
/// a and the gradients g at its pre-activations — and those do not depend on how the weights
/// are coordinatized, so ``RescaledPoint/kroneckerFactors(_:samples:seed:)`` returns the base
/// network's factors unchanged while its gradient is D⊙∇. K-FAC's block G ⊗ A is then not
/// D·(G ⊗ A)·D unless D is itself a Kronecker product per layer, and its step changes with D:
/// K-FAC is invariant to affine maps of each layer's inputs and outputs (Martens & Grosse 2015,
/// §10), not to an arbitrary per-weight rescaling.
public struct RescaledObjective<Base: Objective>: Objective where Base.Scalar == Double {
    public typealias Scalar = Double
    /// The objective in the original coordinates θ.
    public let base: Base
    /// D, positive, one entry per parameter.
    public let scales: Vector<Double>
    /// θ = D⊙sinh(θ′) when true, θ = D⊙θ′ when false.
    public let hyperbolic: Bool

    /// - Precondition: one positive finite scale per parameter.
    public init(base: Base, scales: Vector<Double>, hyperbolic: Bool = false) {
        precondition(scales.count == base.parameterCount, "RescaledObjective: \(scales.count) scales for \(base.parameterCount) parameters")
        precondition(scales.elements.allSatisfy { $0 > 0 && $0.isFinite }, "RescaledObjective: the scales must be positive and finite")
        self.base = base
        self.scales = scales
        self.hyperbolic = hyperbolic
    }

    public var parameterCount: Int { base.parameterCount }
    public var exampleCount: Int { base.exampleCount }
    public var layers: [LayerParameterLayout] { base.layers }

    /// θ = φ(θ′) = D⊙θ′ or D⊙sinh(θ′).
    public func original(_ rescaled: Vector<Double>) -> Vector<Double> {
        Vector(zip(rescaled.elements, scales.elements).map { hyperbolic ? sinh($0) * $1 : $0 * $1 })
    }

    /// θ′ = φ⁻¹(θ) = θ ⊘ D or asinh(θ ⊘ D).
    public func rescaled(_ original: Vector<Double>) -> Vector<Double> {
        Vector(zip(original.elements, scales.elements).map { hyperbolic ? asinh($0 / $1) : $0 / $1 })
    }

    /// φ′(θ′), the diagonal of the Jacobian ∂θ/∂θ′.
    public func jacobian(_ rescaled: Vector<Double>) -> Vector<Double> {
        Vector(zip(rescaled.elements, scales.elements).map { hyperbolic ? cosh($0) * $1 : $1 })
    }

    /// φ″(θ′) (zero for the linear map).
    public func secondDerivative(_ rescaled: Vector<Double>) -> Vector<Double> {
        Vector(zip(rescaled.elements, scales.elements).map { hyperbolic ? sinh($0) * $1 : 0 })
    }

    public func evaluate(at parameters: Vector<Double>, batch: Batch) throws -> RescaledPoint<Base.Point> {
        RescaledPoint(
            base: try base.evaluate(at: original(parameters), batch: batch), parameters: parameters, scales: jacobian(parameters),
            secondDerivative: secondDerivative(parameters))
    }

    public func loss(at parameters: Vector<Double>, batch: Batch) throws -> Double {
        try base.loss(at: original(parameters), batch: batch)
    }
}

/// A ``RescaledObjective`` evaluated at θ′.
public struct RescaledPoint<BasePoint: EvaluatedObjective>: EvaluatedObjective where BasePoint.Scalar == Double {
    public typealias Scalar = Double
    let base: BasePoint
    public let parameters: Vector<Double>
    /// φ′(θ′), the Jacobian's diagonal.
    let scales: Vector<Double>
    /// φ″(θ′).
    let secondDerivative: Vector<Double>

    public var loss: Double { base.loss }
    public var gradient: Vector<Double> { Vector(zip(base.gradient.elements, scales.elements).map { $0 * $1 }) }
    public var batchSize: Int { base.batchSize }

    func scaled(_ v: Vector<Double>) -> Vector<Double> { Vector(zip(v.elements, scales.elements).map { $0 * $1 }) }

    /// The Hessian's extra term ∇_θJ ⊙ φ″(θ′) (on the diagonal).
    var hessianCorrection: [Double] { zip(base.gradient.elements, secondDerivative.elements).map { $0 * $1 } }

    /// J·C(J·v) (+ the Hessian's diagonal term).
    public func curvatureProduct(_ kind: CurvatureKind, _ v: Vector<Double>, samples: Int, seed: UInt64) throws -> Vector<Double> {
        var product = scaled(try base.curvatureProduct(kind, scaled(v), samples: samples, seed: seed))
        if kind == .hessian { for (j, c) in hessianCorrection.enumerated() { product[j] += c * v[j] } }
        return product
    }

    /// J·C·J (+ the Hessian's diagonal term).
    public func denseCurvature(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> Matrix<Double> {
        let c = try base.denseCurvature(kind, samples: samples, seed: seed)
        let p = c.rows
        var matrix = Matrix(rows: p, columns: p) { i, j in scales[i] * c.elements[i * p + j] * scales[j] }
        if kind == .hessian { for (j, correction) in hessianCorrection.enumerated() { matrix[j, j] += correction } }
        return matrix
    }

    /// The base's per-example gradients with column j scaled by D_j.
    public func perExampleGradients() throws -> Matrix<Double> {
        let g = try base.perExampleGradients()
        return Matrix(rows: g.rows, columns: g.columns) { i, j in g.elements[i * g.columns + j] * scales[j] }
    }

    /// The base network's factors (see ``RescaledObjective``).
    public func kroneckerFactors(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> [KroneckerFactors<Double>] {
        try base.kroneckerFactors(kind, samples: samples, seed: seed)
    }
}
