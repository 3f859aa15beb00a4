import NGCurvature
import NGLinearAlgebra
import NGModels
import NGRandom

/// The moment estimates of ``ScaleByAdaHessian``.
public struct AdaHessianState<Scalar: BLASScalar>: Sendable, Equatable {
    /// t, the number of updates so far.
    public var count: Int
    /// m, the moving average of the gradient.
    public var firstMoment: Vector<Scalar>
    /// v, the moving average of the squared Hessian-diagonal estimate D².
    public var secondMoment: Vector<Scalar>
    /// D of the last update (after spatial averaging), for diagnostics.
    public var hessianDiagonal: Vector<Scalar>

    public init(count: Int, firstMoment: Vector<Scalar>, secondMoment: Vector<Scalar>, hessianDiagonal: Vector<Scalar>) {
        self.count = count
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
        self.hessianDiagonal = hessianDiagonal
    }
}

/// An evaluated objective that knows the spatial size of its convolution kernels, for
/// AdaHessian's spatial averaging. ``NetworkPoint`` conforms.
public protocol ConvolutionKernelWindows {
    /// kh·kw for a convolution at network layer `layerIndex`, 1 for any other layer.
    func kernelWindowSize(layerIndex: Int) -> Int
}

extension NetworkPoint: ConvolutionKernelWindows {
    public func kernelWindowSize(layerIndex: Int) -> Int {
        let layers = estimator.network.layers
        guard layers.indices.contains(layerIndex), let convolution = layers[layerIndex] as? Convolution2D<Scalar> else { return 1 }
        return convolution.kernelHeight * convolution.kernelWidth
    }
}

/// AdaHessian's rescaling (Yao et al. 2021, "ADAHESSIAN: an adaptive second order optimizer for
/// machine learning", Algorithm 1): Adam with the squared gradient replaced by the square of a
/// Hutchinson estimate of the Hessian's diagonal.
///
/// At update t = 1, 2, … with incoming update g (the gradient) and Rademacher probes z:
///
///     D = z ⊙ (H·z)                         (averaged over the probes; ``HutchinsonDiagonal``)
///     D ← mean of |D| over each kh×kw window of a convolution kernel (spatial averaging)
///     m ← β₁·m + (1 − β₁)·g,    v ← β₂·v + (1 − β₂)·D²
///     u ← (m / (1 − β₁ᵗ)) / ((√(v / (1 − β₂ᵗ)))^k + ε)
///
/// with H the Hessian of the objective (the L2 penalty's included) from the point's exact
/// Hessian-vector products, and k the Hessian power. Outside convolution kernels D keeps its
/// sign, which v's square removes. Follow with ``ScaleByLearningRate`` (the paper's default
/// learning rate is 0.15).
public struct ScaleByAdaHessian<Scalar: BLASScalar>: GradientTransformation {
    /// The hyperparameters.
    public let settings: AdaHessianSettings<Scalar>

    /// - Throws: ``OptimizerError/invalidArgument(_:)`` naming a bad setting.
    public init(settings: AdaHessianSettings<Scalar> = AdaHessianSettings()) throws {
        try settings.validate()
        self.settings = settings
    }

    public func initialState(parameters: Vector<Scalar>) -> AdaHessianState<Scalar> {
        let p = parameters.count
        return AdaHessianState(count: 0, firstMoment: Vector(count: p), secondMoment: Vector(count: p), hessianDiagonal: Vector(count: p))
    }

    /// - Throws: ``OptimizerError/invalidArgument(_:)`` when the update's length changed,
    ///   ``OptimizerError/nonFinite(_:)`` for a non-finite Hessian estimate; errors of the
    ///   Hessian-vector product.
    public func update<P: EvaluatedObjective>(
        _ update: inout Vector<Scalar>, state: inout AdaHessianState<Scalar>, point: P, layers: [LayerParameterLayout]
    ) throws where P.Scalar == Scalar {
        let p = update.count
        guard state.firstMoment.count == p, point.parameters.count == p else {
            throw OptimizerError.invalidArgument("AdaHessian: the update has \(p) entries, the state \(state.firstMoment.count)")
        }
        var diagonal = try HutchinsonDiagonal.estimate(point, .hessian, probes: settings.probes, seed: settings.seed &+ UInt64(state.count))
        if settings.spatialAveraging, let kernels = point as? any ConvolutionKernelWindows {
            for layout in layers where layout.weightRange.upperBound <= p {
                let window = kernels.kernelWindowSize(layerIndex: layout.layerIndex)
                if window > 1 { Self.averageMagnitudes(&diagonal, over: layout.weightRange, window: window) }
            }
        }
        guard diagonal.isFinite else { throw OptimizerError.nonFinite("AdaHessian: the Hessian diagonal estimate is not finite at step \(state.count)") }
        state.count += 1
        let t = Scalar(state.count)
        let (beta1, beta2, epsilon, power) = (settings.beta1, settings.beta2, settings.epsilon, settings.hessianPower)
        let c1 = 1 / (1 - Scalar.pow(beta1, t)), c2 = 1 / (1 - Scalar.pow(beta2, t))
        update.elements.withUnsafeMutableBufferPointer { u in
            diagonal.elements.withUnsafeBufferPointer { d in
                state.firstMoment.elements.withUnsafeMutableBufferPointer { m in
                    state.secondMoment.elements.withUnsafeMutableBufferPointer { v in
                        Self.kernel(u, d, m, v, beta1: beta1, beta2: beta2, epsilon: epsilon, power: power, c1: c1, c2: c2)
                    }
                }
            }
        }
        state.hessianDiagonal = diagonal
    }

    /// m ← β₁m + (1 − β₁)u, v ← β₂v + (1 − β₂)d², u ← m·c₁ / ((√(v·c₂))^k + ε).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func kernel(
        _ u: UnsafeMutableBufferPointer<Scalar>, _ d: UnsafeBufferPointer<Scalar>, _ m: UnsafeMutableBufferPointer<Scalar>,
        _ v: UnsafeMutableBufferPointer<Scalar>, beta1: Scalar, beta2: Scalar, epsilon: Scalar, power: Scalar, c1: Scalar, c2: Scalar
    ) {
        for j in 0..<u.count {
            let first = beta1 * m[j] + (1 - beta1) * u[j]
            let second = beta2 * v[j] + (1 - beta2) * d[j] * d[j]
            m[j] = first
            v[j] = second
            let root = (second * c2).squareRoot()
            let scale = power == 1 ? root : Scalar.pow(root, power)
            u[j] = first * c1 / (scale + epsilon)
        }
    }

    /// Replaces D on each run of `window` consecutive entries of `range` (a convolution weight,
    /// row-major (out, in, kh, kw): the kh×kw entries of one (out, in) pair are consecutive) by
    /// the mean of |D| over the run.
    static func averageMagnitudes(_ d: inout Vector<Scalar>, over range: Range<Int>, window: Int) {
        precondition(range.count % window == 0, "AdaHessian: a kernel of \(range.count) weights does not split into windows of \(window)")
        d.elements.withUnsafeMutableBufferPointer { e in
            var start = range.lowerBound
            while start < range.upperBound {
                var sum: Scalar = 0
                for j in start..<(start + window) { sum += Swift.abs(e[j]) }
                let mean = sum / Scalar(window)
                for j in start..<(start + window) { e[j] = mean }
                start += window
            }
        }
    }
}

/// AdaHessian then the learning rate.
public typealias AdaHessianOptimizer<Scalar: BLASScalar> = TransformOptimizer<Chain<ScaleByAdaHessian<Scalar>, ScaleByLearningRate<Scalar>>>

/// AdaHessian (Yao et al. 2021) as a named optimizer: θ ← θ − α·u with u the
/// ``ScaleByAdaHessian`` update.
///
/// ```swift
/// var optimizer = try AdaHessian.optimizer(learningRate: 0.15, as: Float.self)
/// ```
public enum AdaHessian {
    /// - Parameters:
    ///   - learningRate: α > 0; 0.15, the paper's default.
    ///   - settings: β₁, β₂, ε, the Hessian power, probes, spatial averaging, seed.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` naming a bad hyperparameter.
    public static func optimizer<Scalar: BLASScalar>(
        learningRate: Scalar = 0.15, settings: AdaHessianSettings<Scalar> = AdaHessianSettings(), as _: Scalar.Type = Scalar.self
    ) throws -> AdaHessianOptimizer<Scalar> {
        try HyperparameterCheck.positive(learningRate, "the learning rate", in: "AdaHessian")
        return TransformOptimizer(name: "adahessian", try ScaleByAdaHessian(settings: settings).then(ScaleByLearningRate(learningRate)))
    }
}
