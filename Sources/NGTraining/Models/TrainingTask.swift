import NGLinearAlgebra
import NGModels
import NGOptimizers

/// A model of the zoo bound to its data: the network, its likelihood, and the training and test
/// inputs and targets in the likelihood's format, in one precision.
///
/// Built by ``ModelZoo/withTask(_:train:test:standardizer:as:visitor:)``, which picks the
/// likelihood type statically and hands the task to a ``TrainingTaskVisitor`` — so that
/// everything downstream (objective, curvature, optimizer) is specialized for it.
public struct TrainingTask<Scalar: BLASScalar, L: Likelihood>: Sendable where L.Scalar == Scalar {
    /// The model this task was built for.
    public let model: ModelSpecification
    /// The architecture.
    public let network: Network<Scalar>
    /// The output distribution.
    public let likelihood: L
    /// N×(input features), standardized when asked.
    public let trainInputs: Matrix<Scalar>
    /// N×outputs in the likelihood's format.
    public let trainTargets: Matrix<Scalar>
    /// The held-out inputs, nil without a test split.
    public let testInputs: Matrix<Scalar>?
    /// The held-out targets, nil without a test split.
    public let testTargets: Matrix<Scalar>?
    /// How a class is predicted from the outputs, nil for models that do not classify.
    public let prediction: ClassPrediction?
    /// The class labels of the test examples, for accuracy (nil when the model does not classify).
    public let testLabels: [Int]?
    /// The class labels of the training examples, for accuracy.
    public let trainLabels: [Int]?

    /// The training objective: the mean negative log-likelihood over the training set plus
    /// (l2/2)·‖W‖² over the weights (biases and intercepts unpenalized).
    /// - Throws: ``OptimizerError`` for a negative or non-finite `l2`.
    public func objective(l2: Scalar) throws -> NetworkObjective<Scalar, L> {
        try NetworkObjective(network: network, likelihood: likelihood, inputs: trainInputs, targets: trainTargets, l2: l2)
    }

    /// The mean negative log-likelihood (no penalty) and the accuracy on the test split, nil
    /// without one; evaluated in chunks of `chunkSize` examples to bound memory.
    /// - Throws: errors of the forward pass.
    public func testMetrics(parameters: Vector<Scalar>, chunkSize: Int = 1000) throws -> EvaluationMetrics? {
        guard let testInputs, let testTargets else { return nil }
        return try metrics(inputs: testInputs, targets: testTargets, labels: testLabels, parameters: parameters, chunkSize: chunkSize)
    }

    /// The mean negative log-likelihood and accuracy on the training split.
    public func trainMetrics(parameters: Vector<Scalar>, chunkSize: Int = 1000) throws -> EvaluationMetrics {
        try metrics(inputs: trainInputs, targets: trainTargets, labels: trainLabels, parameters: parameters, chunkSize: chunkSize)
    }

    /// Loss and accuracy over a data split, chunk by chunk (the loss summed in Double).
    func metrics(inputs: Matrix<Scalar>, targets: Matrix<Scalar>, labels: [Int]?, parameters: Vector<Scalar>, chunkSize: Int) throws -> EvaluationMetrics {
        precondition(chunkSize > 0, "metrics: chunk size must be positive")
        var lossSum = 0.0
        var correct = 0
        var start = 0
        while start < inputs.rows {
            let indices = Array(start..<min(start + chunkSize, inputs.rows))
            let outputs = try network.outputs(inputs.rows(at: indices), parameters: parameters)
            let losses = try likelihood.negativeLogLikelihoods(outputs: outputs, targets: targets.rows(at: indices))
            lossSum += losses.elements.reduce(0.0) { $0 + Double($1) }
            if let prediction, let labels {
                for (row, index) in indices.enumerated() where prediction.predict(outputs, row: row) == labels[index] { correct += 1 }
            }
            start += chunkSize
        }
        let count = Swift.max(inputs.rows, 1)
        return EvaluationMetrics(loss: lossSum / Double(count), accuracy: labels == nil || prediction == nil ? nil : Double(correct) / Double(count))
    }
}

/// How a classifier's outputs become a class.
public enum ClassPrediction: Sendable, Equatable {
    /// The class of the largest output (softmax logits).
    case argmax
    /// Class 1 when the single output (a logit) is positive, else class 0.
    case positiveLogit

    /// The class predicted for row `row` of `outputs`.
    func predict<Scalar: BLASScalar>(_ outputs: Matrix<Scalar>, row: Int) -> Int {
        switch self {
        case .positiveLogit: return outputs[row, 0] > 0 ? 1 : 0
        case .argmax:
            var best = 0
            for j in 1..<outputs.columns where outputs[row, j] > outputs[row, best] { best = j }
            return best
        }
    }
}

/// The loss and accuracy of a model on a data split.
public struct EvaluationMetrics: Sendable, Equatable, Codable {
    /// The mean negative log-likelihood (no penalty).
    public var loss: Double
    /// The fraction of examples classified correctly, nil for models that do not classify.
    public var accuracy: Double?

    public init(loss: Double, accuracy: Double?) {
        self.loss = loss
        self.accuracy = accuracy
    }
}

/// Receives a ``TrainingTask`` with its likelihood type known statically.
public protocol TrainingTaskVisitor {
    associatedtype Output
    func visit<Scalar: BLASScalar, L: Likelihood>(_ task: TrainingTask<Scalar, L>) throws -> Output where L.Scalar == Scalar
}
