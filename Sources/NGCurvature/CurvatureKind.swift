/// Which curvature matrix of the mean loss L(θ) = (1/N)·Σᵢ ℓ(zᵢ, yᵢ), zᵢ = f(xᵢ; θ), to compute.
///
/// With Jᵢ = ∂zᵢ/∂θ the out×P Jacobian of example i, F_z(z) = E_{y~p(·|z)}[∇_z ℓ ∇_z ℓᵀ] the
/// likelihood's output-space Fisher and H_z(z, y) = ∇²_z ℓ(z, y) its output-space Hessian:
///
/// | kind         | matrix                                                                 |
/// |--------------|------------------------------------------------------------------------|
/// | `exact`      | F = (1/N)·Σᵢ Jᵢᵀ·F_z(zᵢ)·Jᵢ = (1/N)·Σᵢ E_{y~p(·|xᵢ,θ)}[∇_θ ℓ ∇_θ ℓᵀ]     |
/// | `mc`         | F̂ = (1/(N·k))·Σᵢ Σ_{s=1..k} ∇_θ ℓ(zᵢ, ỹᵢₛ)·∇_θ ℓ(zᵢ, ỹᵢₛ)ᵀ, ỹᵢₛ ~ p(·|zᵢ)   |
/// | `empirical`  | F_emp = (1/N)·Σᵢ ∇_θ ℓ(zᵢ, yᵢ)·∇_θ ℓ(zᵢ, yᵢ)ᵀ with the true labels         |
/// | `ggn`        | G = (1/N)·Σᵢ Jᵢᵀ·H_z(zᵢ, yᵢ)·Jᵢ                                         |
/// | `hessian`    | H = ∇²_θ L = G + (1/N)·Σᵢ Σ_k (∂ℓᵢ/∂z_k)·∇²_θ z_{ik}                    |
///
/// The **exact** (true) Fisher is the expectation of the gradient outer product under the
/// model's own predictive distribution; it is computed exactly through F_z, never by sampling.
/// The **Monte-Carlo** Fisher replaces that expectation by k labels per example drawn from the
/// model: unbiased, with an error shrinking like 1/√k. The **empirical** Fisher plugs in the
/// observed labels instead; it is not an estimate of the Fisher unless the data were drawn from
/// the model at the current θ, and it can differ from F arbitrarily away from the optimum
/// (Martens 2014, "New insights and perspectives on the natural gradient method", §11;
/// Kunstner, Balles & Hennig 2019, "Limitations of the empirical Fisher approximation for natural
/// gradient descent"). The **generalized Gauss-Newton** matrix (Schraudolph 2002) keeps the
/// loss's curvature and drops the network's; for the canonical-link likelihoods of `NGModels`
/// (Gaussian, Bernoulli, categorical) H_z = F_z, so G = F (Martens 2014, §9.2). The **Hessian**
/// adds the network's second derivatives, weighted by the residuals, and may be indefinite.
///
/// The raw values (`exact`, `mc`, `empirical`, `ggn`, `hessian`) are the `--kind` names of
/// `natgrad fisher`.
public enum CurvatureKind: String, CaseIterable, Sendable, Codable {
    /// The true Fisher, computed exactly through the output-space Fisher.
    case exact
    /// The Monte-Carlo Fisher: `samples` labels per example drawn from the model (seeded).
    case monteCarlo = "mc"
    /// The empirical Fisher: the gradient outer products at the true labels.
    case empirical
    /// The generalized Gauss-Newton matrix (1/N)·Σᵢ Jᵢᵀ·H_z·Jᵢ.
    case ggn = "ggn"
    /// The Hessian of the mean negative log-likelihood.
    case hessian

    /// Whether the matrix is a mean of outer products, hence positive semi-definite by
    /// construction (every kind but the Hessian; the GGN is PSD because H_z is, for the
    /// convex-in-z likelihoods here).
    public var isPositiveSemidefinite: Bool { self != .hessian }

    /// Whether the matrix depends on the sample count and the seed.
    public var isSampled: Bool { self == .monteCarlo }

    /// A short human-readable name, for reports.
    public var displayName: String {
        switch self {
        case .exact: return "exact Fisher"
        case .monteCarlo: return "Monte-Carlo Fisher"
        case .empirical: return "empirical Fisher"
        case .ggn: return "generalized Gauss-Newton"
        case .hessian: return "Hessian"
        }
    }

    /// The kind for a `--kind` name (case-insensitive; `monte-carlo` and `montecarlo` are
    /// accepted for `mc`, `gauss-newton` for `ggn`, `true` and `fisher` for `exact`).
    /// - Throws: ``CurvatureError/invalidArgument(_:)`` listing the accepted names.
    public init(name: String) throws {
        let lowered = name.lowercased()
        let aliases: [String: CurvatureKind] = [
            "monte-carlo": .monteCarlo, "montecarlo": .monteCarlo, "gauss-newton": .ggn, "true": .exact, "fisher": .exact,
        ]
        if let kind = CurvatureKind(rawValue: lowered) ?? aliases[lowered] {
            self = kind
        } else {
            throw CurvatureError.invalidArgument(
                "unknown curvature kind '\(name)'; choose one of: \(CurvatureKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }
}
