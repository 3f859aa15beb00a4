import NGLinearAlgebra

/// The output distributions by name, for command lines and configuration files.
///
/// | kind          | also accepted            | targets                     |
/// |---------------|--------------------------|-----------------------------|
/// | `gaussian`    | `squared-error`, `mse`   | N×out real values           |
/// | `bernoulli`   | `sigmoid-cross-entropy`  | N×out values in [0, 1]      |
/// | `categorical` | `softmax-cross-entropy`  | N×classes one-hot rows      |
/// | `poisson`     | `poisson-nll`            | N×out counts ≥ 0            |
public enum LikelihoodKind: String, CaseIterable, Sendable {
    case gaussian
    case bernoulli
    case categorical
    case poisson

    /// The loss name used by `natgrad` (`--loss`).
    public var lossName: String {
        switch self {
        case .gaussian: return "squared-error"
        case .bernoulli: return "sigmoid-cross-entropy"
        case .categorical: return "softmax-cross-entropy"
        case .poisson: return "poisson-nll"
        }
    }

    /// Every name accepted for this kind.
    public var names: [String] {
        switch self {
        case .gaussian: return [rawValue, lossName, "mse"]
        case .bernoulli, .categorical, .poisson: return [rawValue, lossName]
        }
    }

    /// The kind for a distribution or loss name (case-insensitive).
    /// - Throws: ``NetworkError/unknownName(kind:name:choices:)`` listing the accepted names.
    public init(name: String) throws {
        let lowered = name.lowercased()
        guard let kind = LikelihoodKind.allCases.first(where: { $0.names.contains(lowered) }) else {
            throw NetworkError.unknownName(kind: "likelihood", name: name, choices: LikelihoodKind.allCases.flatMap(\.names))
        }
        self = kind
    }

    /// The likelihood of this kind in a given precision.
    public func likelihood<Scalar: BLASScalar>(_: Scalar.Type = Scalar.self) -> any Likelihood<Scalar> {
        switch self {
        case .gaussian: return GaussianLikelihood<Scalar>()
        case .bernoulli: return BernoulliLikelihood<Scalar>()
        case .categorical: return CategoricalLikelihood<Scalar>()
        case .poisson: return PoissonLikelihood<Scalar>()
        }
    }
}
