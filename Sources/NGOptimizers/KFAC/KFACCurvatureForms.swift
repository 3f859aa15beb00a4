import NGCurvature
import NGLinearAlgebra
import NGModels

/// An evaluated objective that gives the quadratic forms vᵢᵀ·C·vⱼ of its exact curvature C
/// cheaply: what ``KFAC``'s quadratic model (Martens & Grosse 2015, §7) and its
/// Levenberg–Marquardt rule need are only the inner products ΔᵀCΔ, δ₀ᵀCΔ and δ₀ᵀCδ₀, never the
/// vectors CΔ and Cδ₀.
///
/// For a network with a canonical-link likelihood, C = (1/n)·Σᵢ Jᵢᵀ·F_z(zᵢ)·Jᵢ (+ η·M, the
/// L2 penalty's Hessian on the penalized entries), so
///
///     vᵀ·C·w = (1/n)·Σᵢ (Jᵢv)ᵀ·F_z(zᵢ)·(Jᵢw) + η·Σⱼ Mⱼ·vⱼ·wⱼ,
///
/// one forward-mode tangent pass J·v per direction (≈ 4·n·Σ in·out FLOPs for dense layers) and
/// no backward pass — against a full curvature-vector product (tangent pass + backward pass,
/// ≈ 10·n·Σ in·out) per direction. The forms may be taken on the first `exampleLimit` examples
/// of the batch (Martens & Grosse 2015, §8, estimate the curvature products of the quadratic
/// model on a subset of the minibatch), reusing the forward pass's activations: no new forward pass.
///
/// ``NetworkPoint`` conforms.
public protocol KFACCurvatureForms<Scalar>: EvaluatedObjective {
    /// The symmetric k×k matrix of vᵢᵀ·C·vⱼ for k directions, C the exact Fisher (`.exact`) or the
    /// GGN (`.ggn`) of the first min(limit, N) examples (nil: all), plus the penalty's Hessian.
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for another curvature kind, a limit
    ///   below 1, or a direction of the wrong length.
    func kfacCurvatureGram(_ kind: CurvatureKind, _ directions: [Vector<Scalar>], exampleLimit: Int?) throws -> [[Scalar]]
}

extension NetworkPoint: KFACCurvatureForms {
    /// See ``KFACCurvatureForms/kfacCurvatureGram(_:_:exampleLimit:)``.
    public func kfacCurvatureGram(_ kind: CurvatureKind, _ directions: [Vector<Scalar>], exampleLimit: Int?) throws -> [[Scalar]] {
        guard kind == .exact || kind == .ggn else {
            throw OptimizerError.invalidArgument("K-FAC: curvature forms from tangents need the exact Fisher or the GGN, not the \(kind.displayName)")
        }
        if let exampleLimit, exampleLimit < 1 {
            throw OptimizerError.invalidArgument("K-FAC: the model example limit must be at least 1, got \(exampleLimit)")
        }
        let pass = estimator.pass
        let network = pass.network
        let total = pass.exampleCount
        let n = Swift.min(exampleLimit ?? total, total)
        let states = pass.kfacPrefixStates(examples: n)
        let outputs = states.last!.output
        for v in directions where v.count != network.parameterCount {
            throw OptimizerError.invalidArgument("K-FAC: a direction has \(v.count) entries, the network \(network.parameterCount) parameters")
        }
        // J·v on the n examples: the layers' forward-mode tangents from the kept activations.
        let tangents: [Matrix<Scalar>] = directions.map { v in
            var tangent: Matrix<Scalar>? = nil
            for (l, layer) in network.layers.enumerated() {
                let range = network.parameterRanges[l]
                tangent = layer.forwardTangent(
                    tangent, state: states[l], parameters: pass.parameters.elements[range], parameterTangent: v.elements[range])
            }
            return tangent ?? Matrix(rows: n, columns: network.outputCount)
        }
        let likelihood = estimator.likelihood
        let targets = kind == .ggn ? (n == total ? estimator.targets : estimator.targets.kfacPrefix(rows: n)) : nil
        let weighted = try tangents.map { t in
            if let targets { return try likelihood.hessianProducts(outputs: outputs, targets: targets, t) }
            return try likelihood.fisherProducts(outputs: outputs, t)
        }
        let k = directions.count
        var gram = [[Scalar]](repeating: [Scalar](repeating: 0, count: k), count: k)
        for i in 0..<k {
            for j in i..<k {
                var value = try tangents[i].dot(weighted[j]) / Scalar(n)
                if l2 > 0 { value += l2 * KFACKernels.maskedDot(penaltyMask.elements, directions[i].elements, directions[j].elements) }
                gram[i][j] = value
                gram[j][i] = value
            }
        }
        return gram
    }
}
