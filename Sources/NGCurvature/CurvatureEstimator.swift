import NGLinearAlgebra
import NGModels
import NGRandom

/// The exact curvature of a network's mean loss on one batch, at one parameter vector: the
/// Fisher (exact, Monte-Carlo, empirical), the generalized Gauss-Newton matrix and the Hessian
/// (see ``CurvatureKind``), as matrix-free products and as dense P×P matrices.
///
/// The estimator evaluates the network once (one `ForwardPass`) and answers every product, dense
/// matrix and Kronecker factor from that pass. Every matrix is of the **mean** loss
/// L(θ) = (1/N)·Σᵢ ℓ(zᵢ, yᵢ), i.e. averaged over the batch, in the flat parameter order of
/// `Network` (layer by layer, the weight row-major then the bias: PyTorch's
/// `parameters_to_vector`).
///
/// Matrix-free products (``matrixVectorProduct(_:_:samples:seed:)``), with J the stacked
/// per-example Jacobians ∂zᵢ/∂θ:
/// - exact Fisher: F·v = (1/N)·Jᵀ·F_z·J·v — one Jacobian-vector product (forward mode), the
///   output-space Fisher per example, one vector-Jacobian product (Schraudolph 2002);
/// - GGN: the same with the output-space Hessian H_z(zᵢ, yᵢ) of the loss at the true targets;
/// - Monte-Carlo and empirical Fisher: (1/(N·k))·Σᵢ Σₛ ∇ℓᵢₛ·(∇ℓᵢₛᵀ·v), where
///   ∇ℓᵢₛ = Jᵢᵀ·rᵢₛ with rᵢₛ = ∇_z ℓ(zᵢ, ỹᵢₛ): the scalars ∇ℓᵢₛᵀ·v = rᵢₛᵀ·(Jᵢ·v) come from one
///   Jacobian-vector product, and the sum is one vector-Jacobian product with cotangents
///   Σₛ (rᵢₛᵀ·Jᵢv)·rᵢₛ — no N×P matrix is formed, and the cost does not grow with k beyond the
///   output-space arithmetic;
/// - Hessian: Pearlmutter's exact Hessian-vector product (forward-over-reverse).
///
/// The Monte-Carlo labels are drawn from the likelihood's sampler with a `SeededGenerator` made
/// from `seed`, k draws of the whole batch in turn (``monteCarloTargets(samples:seed:)``), so a
/// given (samples, seed) is one fixed matrix across calls — products, dense matrices and
/// Kronecker factors all see the same labels, and a larger k extends the same sequence.
///
/// ```swift
/// let estimator = try CurvatureEstimator(
///     network: network, parameters: θ, inputs: x, targets: oneHotLabels, likelihood: CategoricalLikelihood<Double>())
/// let fisher = try estimator.denseMatrix(.exact)              // P×P
/// let fv = try estimator.matrixVectorProduct(.exact, v)       // F·v without forming F
/// let factors = try estimator.kroneckerFactors()              // K-FAC's A and G per layer
/// ```
///
/// References: Martens 2014, "New insights and perspectives on the natural gradient method";
/// Kunstner, Balles & Hennig 2019, "Limitations of the empirical Fisher approximation";
/// Schraudolph 2002, "Fast curvature matrix-vector products for second-order gradient descent";
/// Pearlmutter 1994, "Fast exact multiplication by the Hessian".
public struct CurvatureEstimator<Scalar: BLASScalar, L: Likelihood>: Sendable where L.Scalar == Scalar {
    /// The network evaluated on the batch, with everything the derivatives need.
    public let pass: ForwardPass<Scalar>
    /// The true targets y, N×out (one-hot rows for a categorical likelihood).
    public let targets: Matrix<Scalar>
    /// The output distribution giving ℓ(z, y) = −log p(y | z).
    public let likelihood: L

    /// Evaluates `network` at `parameters` on a batch.
    /// - Parameters:
    ///   - network: the architecture.
    ///   - parameters: θ, `network.parameterCount` entries in the flat order.
    ///   - inputs: N×(input features), N ≥ 1.
    ///   - targets: N×out; validated by the likelihood (finite; in [0, 1] for Bernoulli;
    ///     probability rows for categorical).
    ///   - likelihood: the output distribution.
    /// - Throws: `NetworkError` for inputs, parameters or targets of the wrong shape or invalid targets.
    public init(network: Network<Scalar>, parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: Matrix<Scalar>, likelihood: L) throws {
        try self.init(network: network, parameters: parameters, inputs: inputs, targets: targets, likelihood: likelihood, validatingTargets: true)
    }

    /// Evaluates `network` at `parameters` on a batch, checking the target values only when asked.
    ///
    /// A caller that evaluates many batches of targets it has already validated — a training
    /// objective, whose targets are checked once when it is created — passes false and saves a
    /// pass over the targets per evaluation; the shapes are checked either way.
    /// - Throws: `NetworkError` for inputs, parameters or targets of the wrong shape, or invalid
    ///   targets when `validatingTargets` is true.
    public init(
        network: Network<Scalar>, parameters: Vector<Scalar>, inputs: Matrix<Scalar>, targets: Matrix<Scalar>, likelihood: L,
        validatingTargets: Bool
    ) throws {
        let pass = try network.forward(inputs, parameters: parameters)
        guard targets.rows == pass.exampleCount, targets.columns == network.outputCount else {
            throw NetworkError.shapeMismatch(
                operation: "CurvatureEstimator targets", expected: "\(pass.exampleCount)×\(network.outputCount) (examples × outputs)",
                actual: targets.shapeDescription)
        }
        if validatingTargets { try likelihood.validate(targets: targets, outputCount: network.outputCount) }
        self.pass = pass
        self.targets = targets
        self.likelihood = likelihood
    }

    /// The network.
    public var network: Network<Scalar> { pass.network }
    /// The parameters θ the curvature is taken at.
    public var parameters: Vector<Scalar> { pass.parameters }
    /// P, the number of parameters: every dense matrix is P×P.
    public var parameterCount: Int { network.parameterCount }
    /// N, the number of examples.
    public var exampleCount: Int { pass.exampleCount }
    /// The network outputs z, N×out.
    public var outputs: Matrix<Scalar> { pass.outputs }

    /// The mean negative log-likelihood L = (1/N)·Σᵢ ℓ(zᵢ, yᵢ).
    /// - Throws: `NetworkError` (not expected: shapes were checked at creation).
    public func loss() throws -> Scalar {
        try pass.meanLoss(likelihood: likelihood, targets: targets)
    }

    /// ∇_θ L, the gradient of the mean loss (P entries).
    /// - Throws: `NetworkError` (not expected: shapes were checked at creation).
    public func gradient() throws -> Vector<Scalar> {
        try pass.lossGradient(likelihood: likelihood, targets: targets)
    }

    /// L and ∇_θ L together, as a training step needs them: the loss and the output gradients in
    /// one loop over the outputs, then one backward pass (`ForwardPass.lossAndGradient`).
    /// - Throws: `NetworkError` (not expected: shapes were checked at creation).
    public func lossAndGradient() throws -> (loss: Scalar, gradient: Vector<Scalar>) {
        try pass.lossAndGradient(likelihood: likelihood, targets: targets)
    }

    /// The curvature matrix of `kind` times v, without forming the matrix (see the type's
    /// documentation for how each kind is computed).
    /// - Parameters:
    ///   - kind: which matrix.
    ///   - v: a direction of P entries.
    ///   - samples: k, the labels drawn per example for ``CurvatureKind/monteCarlo`` (ignored otherwise).
    ///   - seed: the seed of those labels (ignored for the other kinds).
    /// - Throws: ``CurvatureError/invalidArgument(_:)`` for a v of the wrong length or k < 1
    ///   with the Monte-Carlo kind.
    public func matrixVectorProduct(_ kind: CurvatureKind, _ v: Vector<Scalar>, samples: Int = 1, seed: UInt64 = 0) throws -> Vector<Scalar> {
        guard v.count == parameterCount else {
            throw CurvatureError.invalidArgument("\(kind.displayName) product: the direction has \(v.count) entries, the network \(parameterCount) parameters")
        }
        switch kind {
        case .exact:
            return try pass.gaussNewtonVectorProduct(v, likelihood: likelihood)
        case .ggn:
            var cotangents = try likelihood.hessianProducts(outputs: outputs, targets: targets, pass.jacobianVectorProduct(v))
            cotangents.scale(by: 1 / Scalar(exampleCount))
            return try pass.vectorJacobianProduct(cotangents)
        case .hessian:
            return try pass.hessianVectorProduct(v, likelihood: likelihood, targets: targets)
        case .empirical, .monteCarlo:
            return try gradientOuterProductProduct(kind, v, samples: samples, seed: seed)
        }
    }

    /// The labels of the Monte-Carlo Fisher: k draws ỹₛ ~ p(·|z) of the whole batch (each N×out),
    /// in order, from one `SeededGenerator(seed:)`. The same (samples, seed) always gives the
    /// same labels, and the first k′ < k draws are those of (k′, seed). (The curvature methods
    /// draw the same labels one batch at a time, without keeping all k.)
    /// - Throws: ``CurvatureError/invalidArgument(_:)`` unless k ≥ 1.
    public func monteCarloTargets(samples: Int, seed: UInt64) throws -> [Matrix<Scalar>] {
        guard samples >= 1 else {
            throw CurvatureError.invalidArgument("Monte-Carlo Fisher: the number of samples per example must be at least 1, got \(samples)")
        }
        var generator = SeededGenerator(seed: seed)
        return (0..<samples).map { _ in likelihood.sampleTargets(outputs: outputs, generator: &generator) }
    }

    /// Calls `body` with each output-space gradient batch (N×out) whose back-propagation gives a
    /// Fisher kind, one at a time (memory does not grow with k), and returns the weight of each
    /// outer product: the square-root factors B_r with 1/N (exact), the residuals
    /// ∇_z ℓ(z, ỹₛ) at the k sampled labels of ``monteCarloTargets(samples:seed:)`` with
    /// 1/(N·k) (Monte-Carlo), the residuals at the true labels with 1/N (empirical).
    /// - Throws: ``CurvatureError/invalidArgument(_:)`` for the GGN and the Hessian, or k < 1;
    ///   whatever `body` throws.
    @discardableResult
    func forEachOutputGradientBatch(
        _ kind: CurvatureKind, samples: Int, seed: UInt64, _ body: (Matrix<Scalar>) throws -> Void
    ) throws -> Scalar {
        let n = Scalar(exampleCount)
        switch kind {
        case .exact:
            for factor in likelihood.fisherSquareRootFactors(outputs: outputs) { try body(factor) }
            return 1 / n
        case .monteCarlo:
            guard samples >= 1 else {
                throw CurvatureError.invalidArgument("Monte-Carlo Fisher: the number of samples per example must be at least 1, got \(samples)")
            }
            var generator = SeededGenerator(seed: seed)
            for _ in 0..<samples {
                let sampled = likelihood.sampleTargets(outputs: outputs, generator: &generator)
                try body(likelihood.outputGradients(outputs: outputs, targets: sampled))
            }
            return 1 / (n * Scalar(samples))
        case .empirical:
            try body(likelihood.outputGradients(outputs: outputs, targets: targets))
            return 1 / n
        case .ggn, .hessian:
            throw CurvatureError.invalidArgument(
                "the \(kind.displayName) is not a mean of gradient outer products; use exact, mc or empirical here")
        }
    }

    /// (weight)·Σ_batches Σᵢ Jᵢᵀ·rᵢ·(rᵢᵀ·Jᵢ·v) over the output-gradient batches r of a Fisher
    /// kind: one Jacobian-vector product, the per-example scalars rᵢᵀ·(Jᵢ·v), one
    /// vector-Jacobian product.
    func gradientOuterProductProduct(_ kind: CurvatureKind, _ v: Vector<Scalar>, samples: Int, seed: UInt64) throws -> Vector<Scalar> {
        let tangent = try pass.jacobianVectorProduct(v)
        let (rows, columns) = (tangent.rows, tangent.columns)
        var cotangents = Matrix<Scalar>(rows: rows, columns: columns)
        let weight = try forEachOutputGradientBatch(kind, samples: samples, seed: seed) { residual in
            tangent.elements.withUnsafeBufferPointer { t in
                residual.elements.withUnsafeBufferPointer { r in
                    cotangents.elements.withUnsafeMutableBufferPointer { u in
                        for i in 0..<rows {
                            let row = i * columns
                            var projection: Scalar = 0
                            for j in 0..<columns { projection += r[row + j] * t[row + j] }
                            for j in 0..<columns { u[row + j] += projection * r[row + j] }
                        }
                    }
                }
            }
        }
        cotangents.scale(by: weight)
        return try pass.vectorJacobianProduct(cotangents)
    }
}
