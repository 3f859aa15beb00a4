import NGCurvature
import NGLinearAlgebra
import NGModels

/// The training objective of a network on a data set:
///
///     J(θ) = (1/|B|)·Σ_{i∈B} −log p(yᵢ | f(xᵢ; θ)) + (λ₂/2)·Σ_{weights} θⱼ²
///
/// biases unpenalized. The GLMs are the one-layer case: logistic regression is a dense d→1 layer
/// with a Bernoulli likelihood, softmax regression d→K with a categorical one, linear regression
/// d→1 with a Gaussian one, the bias playing the intercept.
public struct NetworkObjective<Scalar: BLASScalar, L: Likelihood>: Objective where L.Scalar == Scalar {
    public let network: Network<Scalar>
    public let likelihood: L
    /// N×(input features).
    public let inputs: Matrix<Scalar>
    /// N×outputs, in the likelihood's format (one-hot rows for categorical).
    public let targets: Matrix<Scalar>
    /// λ₂ ≥ 0.
    public let l2: Scalar
    /// 1 for a weight, 0 for a bias: M in the penalty.
    public let penaltyMask: Vector<Scalar>

    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for mismatched shapes or a negative λ₂.
    public init(network: Network<Scalar>, likelihood: L, inputs: Matrix<Scalar>, targets: Matrix<Scalar>, l2: Scalar = 0) throws {
        guard inputs.columns == network.inputCount, targets.columns == network.outputCount, inputs.rows == targets.rows, inputs.rows > 0 else {
            throw OptimizerError.invalidArgument(
                "NetworkObjective: inputs \(inputs.shapeDescription) and targets \(targets.shapeDescription) do not fit a network with \(network.inputCount) inputs and \(network.outputCount) outputs")
        }
        guard l2 >= 0, l2.isFinite else { throw OptimizerError.invalidArgument("NetworkObjective: l2 must be ≥ 0, got \(l2)") }
        try likelihood.validate(targets: targets, outputCount: network.outputCount)
        self.network = network
        self.likelihood = likelihood
        self.inputs = inputs
        self.targets = targets
        self.l2 = l2
        penaltyMask = Self.weightMask(network)
    }

    /// M: 1 on every weight, 0 on every bias — filled by block copies, since this generic code
    /// runs unspecialized and an element-by-element loop would cost a metadata lookup per entry.
    static func weightMask(_ network: Network<Scalar>) -> Vector<Scalar> {
        var mask = Vector<Scalar>(count: network.parameterCount)
        let ranges = network.parameterLayouts.map(\.weightRange)
        let ones = Vector<Scalar>(count: ranges.map(\.count).max() ?? 0, repeating: 1)
        ones.elements.withUnsafeBufferPointer { source in
            mask.elements.withUnsafeMutableBufferPointer { target in
                for range in ranges where !range.isEmpty {
                    (target.baseAddress! + range.lowerBound).update(from: source.baseAddress!, count: range.count)
                }
            }
        }
        return mask
    }

    public var parameterCount: Int { network.parameterCount }
    public var exampleCount: Int { inputs.rows }
    public var layers: [LayerParameterLayout] { network.parameterLayouts }

    /// The batch's inputs and targets.
    func data(_ batch: Batch) -> (inputs: Matrix<Scalar>, targets: Matrix<Scalar>) {
        switch batch {
        case .all: return (inputs, targets)
        case let .examples(indices): return (inputs.rows(at: indices), targets.rows(at: indices))
        }
    }

    /// (λ₂/2)·‖M⊙θ‖², one BLAS dot per weight block (M is 1 exactly on the weights).
    func penalty(_ parameters: Vector<Scalar>) -> Scalar {
        guard l2 > 0 else { return 0 }
        var sum: Scalar = 0
        parameters.elements.withUnsafeBufferPointer { p in
            for range in network.parameterLayouts.map(\.weightRange) where !range.isEmpty {
                let start = p.baseAddress! + range.lowerBound
                sum += Scalar.dot(Int32(range.count), start, 1, start, 1)
            }
        }
        return l2 / 2 * sum
    }

    /// gradient ← gradient + λ₂·M⊙θ, one BLAS axpy per weight block.
    func addPenaltyGradient(_ parameters: Vector<Scalar>, to gradient: inout Vector<Scalar>) {
        guard l2 > 0 else { return }
        parameters.elements.withUnsafeBufferPointer { p in
            gradient.elements.withUnsafeMutableBufferPointer { g in
                for range in network.parameterLayouts.map(\.weightRange) where !range.isEmpty {
                    Scalar.axpy(Int32(range.count), l2, p.baseAddress! + range.lowerBound, 1, g.baseAddress! + range.lowerBound, 1)
                }
            }
        }
    }

    /// One forward pass, the loss and output gradients in one loop, one backward pass; the
    /// targets are not re-validated (they were when the objective was created, and a batch is a
    /// subset of them).
    public func evaluate(at parameters: Vector<Scalar>, batch: Batch) throws -> NetworkPoint<Scalar, L> {
        let (x, y) = data(batch)
        let estimator = try CurvatureEstimator(
            network: network, parameters: parameters, inputs: x, targets: y, likelihood: likelihood, validatingTargets: false)
        var (loss, gradient) = try estimator.lossAndGradient()
        addPenaltyGradient(parameters, to: &gradient)
        return NetworkPoint(estimator: estimator, loss: loss + penalty(parameters), gradient: gradient, l2: l2, penaltyMask: penaltyMask)
    }

    public func loss(at parameters: Vector<Scalar>, batch: Batch) throws -> Scalar {
        let (x, y) = data(batch)
        let pass = try network.forward(x, parameters: parameters)
        return try pass.meanLoss(likelihood: likelihood, targets: y) + penalty(parameters)
    }
}

/// A network objective evaluated at θ on a batch (one forward pass, shared by every product).
public struct NetworkPoint<Scalar: BLASScalar, L: Likelihood>: EvaluatedObjective where L.Scalar == Scalar {
    /// The curvature machinery at this point, for uses beyond the protocol.
    public let estimator: CurvatureEstimator<Scalar, L>
    public let loss: Scalar
    public let gradient: Vector<Scalar>
    let l2: Scalar
    let penaltyMask: Vector<Scalar>

    public var parameters: Vector<Scalar> { estimator.parameters }
    public var batchSize: Int { estimator.exampleCount }

    public func curvatureProduct(_ kind: CurvatureKind, _ v: Vector<Scalar>, samples: Int, seed: UInt64) throws -> Vector<Scalar> {
        var product = try estimator.matrixVectorProduct(kind, v, samples: samples, seed: seed)
        if l2 > 0 { try product.add(try penaltyMask.zipMap(v, *), scaledBy: l2) }
        return product
    }

    public func denseCurvature(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> Matrix<Scalar> {
        var matrix = try estimator.denseMatrix(kind, samples: samples, seed: seed)
        if l2 > 0 { for j in 0..<penaltyMask.count { matrix[j, j] += l2 * penaltyMask[j] } }
        return matrix
    }

    public func perExampleGradients() throws -> Matrix<Scalar> {
        try estimator.pass.perExampleLossGradients(likelihood: estimator.likelihood, targets: estimator.targets)
    }

    public func kroneckerFactors(_ kind: CurvatureKind, samples: Int, seed: UInt64) throws -> [KroneckerFactors<Scalar>] {
        try estimator.kroneckerFactors(kind, samples: samples, seed: seed)
    }
}
