import NGCurvature
import NGLinearAlgebra
import NGModels

/// The four curvature matrices of one model at one point, and what the experiment reports about
/// them: spectra, relative differences and the share of each one's Frobenius mass in the
/// per-layer diagonal blocks.
///
/// All four are matrices of the **mean negative log-likelihood** L(θ) = (1/N)·Σᵢ ℓᵢ(θ) on the
/// whole data set, without any penalty (see `CurvatureKind`):
/// - F, the exact Fisher (1/N)·Σᵢ Jᵢᵀ·F_z(zᵢ)·Jᵢ, the expectation under the model's own labels;
/// - F_emp, the empirical Fisher (1/N)·Σᵢ ∇ℓᵢ∇ℓᵢᵀ at the true labels;
/// - G, the generalized Gauss-Newton matrix (1/N)·Σᵢ Jᵢᵀ·H_z(zᵢ, yᵢ)·Jᵢ;
/// - H, the Hessian ∇²L = G + (1/N)·Σᵢ Σ_k (∂ℓᵢ/∂z_k)·∇²z_{ik}, possibly indefinite.
///
/// For canonical-link likelihoods (Bernoulli with the logit, categorical with the softmax)
/// H_z = F_z, so G = F (Martens 2014, "New insights and perspectives on the natural gradient
/// method", §9.2); for a model linear in θ (logistic regression) ∇²z = 0, so also H = F. The
/// empirical Fisher is neither (Kunstner, Balles & Hennig 2019).
public struct FisherVsHessianMeasurement: Sendable {
    /// The model's name for tables ("logistic regression").
    public var model: String
    /// Where the matrices were taken ("initialization", "trained").
    public var point: String
    /// P.
    public var parameterCount: Int
    /// The per-layer parameter ranges (the diagonal blocks).
    public var blocks: [Range<Int>]
    /// The matrices, in ``FisherVsHessianMeasurement/kinds`` order.
    public var matrices: [CurvatureKind: Matrix<Double>]
    /// Each matrix's eigenvalues, ascending.
    public var spectra: [CurvatureKind: [Double]]
    /// Each matrix's share of squared Frobenius mass in the layer-diagonal blocks.
    public var blockMass: [CurvatureKind: Double]
    /// The loss L(θ) at the point.
    public var loss: Double

    /// The matrices compared, in report order.
    public static let kinds: [CurvatureKind] = [.exact, .empirical, .ggn, .hessian]

    /// Short names for tables and legends.
    public static func symbol(_ kind: CurvatureKind) -> String {
        switch kind {
        case .exact: return "F"
        case .empirical: return "F_emp"
        case .ggn: return "GGN"
        case .hessian: return "H"
        case .monteCarlo: return "F_mc"
        }
    }

    /// Forms F, F_emp, G and H of the mean NLL of `network` on (inputs, targets) at θ and
    /// measures them.
    /// - Throws: errors of the network, the curvature or the eigensolver.
    public init<L: Likelihood>(
        model: String, point: String, network: Network<Double>, likelihood: L, inputs: Matrix<Double>, targets: Matrix<Double>,
        parameters: Vector<Double>
    ) throws where L.Scalar == Double {
        let estimator = try CurvatureEstimator(network: network, parameters: parameters, inputs: inputs, targets: targets, likelihood: likelihood)
        self.model = model
        self.point = point
        parameterCount = network.parameterCount
        blocks = CurvatureProblems.layerBlocks(network.parameterLayouts)
        loss = Double(try estimator.loss())
        var matrices = [CurvatureKind: Matrix<Double>]()
        var spectra = [CurvatureKind: [Double]]()
        var blockMass = [CurvatureKind: Double]()
        for kind in Self.kinds {
            let matrix = try estimator.denseMatrix(kind)
            matrices[kind] = matrix
            spectra[kind] = try CurvatureMetrics.spectrum(matrix)
            blockMass[kind] = CurvatureMetrics.blockMassShare(matrix, blocks: blocks)
        }
        self.matrices = matrices
        self.spectra = spectra
        self.blockMass = blockMass
    }

    /// ‖A − B‖_F / ‖B‖_F for the matrices of kinds `a` and `b`.
    public func relativeDifference(_ a: CurvatureKind, from b: CurvatureKind) -> Double {
        CurvatureMetrics.relativeFrobeniusDifference(matrices[a]!, from: matrices[b]!)
    }

    /// The number of eigenvalues of `kind` below −τ, with τ = P·ε·max|λ| (numerically negative).
    public func negativeEigenvalueCount(_ kind: CurvatureKind) -> Int {
        let values = spectra[kind]!
        let threshold = Double(values.count) * Double.ulpOfOne * (values.map(Swift.abs).max() ?? 0)
        return values.filter { $0 < -threshold }.count
    }

    /// The smallest and largest eigenvalues of `kind`.
    public func extremeEigenvalues(_ kind: CurvatureKind) -> (smallest: Double, largest: Double) {
        let values = spectra[kind]!
        return (values.first ?? .nan, values.last ?? .nan)
    }
}
