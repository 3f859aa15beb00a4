import NGCurvature
import NGLinearAlgebra
import NGOptimizers

/// The optimizers of `natgrad train --optimizer`, by name, with default hyperparameters per model
/// family so that a run needs no tuning (`--lr` and `--damping` override them).
///
/// | name           | learning rate (glm / mlp, cnn / autoencoder)   | damping (glm / networks)        | notes |
/// |----------------|-------------------------------------------------|---------------------------------|-------|
/// | `sgd`          | 0.1 / 0.1 / 0.01                                | —                               | |
/// | `momentum`     | 0.05 / 0.01 / 0.01                              | —                               | heavy ball, μ = 0.9 |
/// | `adam`         | 0.01 / 0.001 / 0.001                            | —                               | Kingma & Ba's β, ε |
/// | `rmsprop`      | 0.01 / 0.001 / 0.001                            | —                               | |
/// | `adagrad`      | 0.1 / 0.01 / 0.01                               | —                               | |
/// | `shampoo`      | 0.01 / 0.001 / 0.001                            | ε = 10⁻⁴                        | Adam grafting; roots every step (glm) or 10 steps |
/// | `adahessian`   | 0.1                                             | —                               | Yao et al.'s β, ε, one Hutchinson probe |
/// | `tonga`        | 1                                               | 10⁻² / 0.1, LM                  | rank 20 |
/// | `ngd`          | 1                                               | 10⁻⁴ / 10⁻², LM                 | exact Fisher: dense Cholesky up to 4096 parameters, else CG (≤ 50 iterations) on Gauss-Newton products; KL bound 1 (glm) / 10⁻³ |
/// | `kfac`         | from the quadratic model (`--lr`: fixed, μ = 0.9) | 10⁻³ / 10⁻² (autoencoder 3·10⁻³), LM | Martens & Grosse 2015; inverses every 10 steps; autoencoder: statistics and model on ¼ of the batch |
/// | `ekfac`        | 1                                               | 10⁻³ / 10⁻², LM                 | George et al. 2018; eigenbasis every step (glm) or 10 steps, scalings every step |
/// | `hessian-free` | — (CG backtracking + line search)               | 1, Martens' LM                  | Martens 2010 |
/// | `ksd`          | — (subspace minimization)                       | 1                               | Vinyals & Povey 2012 |
/// | `newton`       | —                                               | 10⁻³, LM                        | dense Hessian, up to 4096 parameters |
/// | `lbfgs`        | — (strong Wolfe line search)                    | —                               | memory 10 |
/// | `svrg`         | as `sgd`                                        | —                               | Johnson & Zhang 2013 around SGD |
///
/// "LM": Levenberg–Marquardt adaptation of λ from the reduction ratio. On networks the
/// approximate natural-gradient methods (`ngd`, `ekfac`, `tonga`) bound the step's KL estimate,
/// ½ΔᵀF̃Δ ≤ 10⁻³, and average their statistics over steps (decay 0.95); on the linear models
/// (full batch) they use fresh statistics every step. Kronecker methods use the exact Fisher
/// for the linear models and single-output networks, one sampled label per example otherwise.
///
/// Default batch sizes: the full training set for the linear models; for networks 128 for the
/// first-order methods (and shampoo, adahessian, tonga, svrg), 1000 for the curvature-based
/// ones (their statistics need larger batches, as in Martens & Grosse 2015) and the full set
/// for `newton` and `lbfgs`; never more than N. The learning rates of the linear models assume
/// standardized features (`--standardize`).
///
/// Adding an optimizer is one `case` in ``make(_:context:as:)`` (plus its defaults in
/// ``defaults(_:family:)``).
public enum OptimizerRegistry {
    /// Every name `--optimizer` knows, in the order of the documentation.
    public static let names = [
        "sgd", "momentum", "adam", "rmsprop", "adagrad", "ngd", "kfac", "ekfac", "shampoo", "adahessian", "tonga",
        "hessian-free", "newton", "lbfgs", "ksd", "svrg",
    ]

    /// The names that use curvature and prefer large batches.
    static let secondOrder: Set<String> = ["ngd", "kfac", "ekfac", "hessian-free", "newton", "lbfgs", "ksd"]

    /// The most parameters for which an optimizer forming the dense P×P curvature is allowed.
    public static let denseCurvatureParameterLimit = 4096

    /// Whether `name` is a known optimizer that can be built now (false for unknown names and
    /// for names whose optimizer is not written yet).
    public static func isAvailable(_ name: String) -> Bool {
        let context = OptimizerContext(family: .generalizedLinear, parameterCount: 2, exampleCount: 2, batchSize: 2, steps: 1, seed: 0)
        do {
            _ = try make(name, context: context, as: Double.self)
            return true
        } catch TrainingError.unavailableOptimizer {
            return false
        } catch TrainingError.invalidConfiguration {
            return false
        } catch {
            return true
        }
    }

    /// The default minibatch size of `name` for a model family and N training examples.
    public static func defaultBatchSize(_ name: String, family: ModelFamily, exampleCount: Int) -> Int {
        guard family.isDeep else { return exampleCount }
        if name == "lbfgs" || name == "newton" { return exampleCount }
        return min(exampleCount, secondOrder.contains(name) ? 1000 : 128)
    }

    /// The default hyperparameters of `name` for a model family (see the table above).
    public static func defaults(_ name: String, family: ModelFamily) -> OptimizerDefaults {
        let glm = family == .generalizedLinear
        switch name.lowercased() {
        case "sgd": return OptimizerDefaults(learningRate: family == .autoencoder ? 0.01 : 0.1)
        case "momentum": return OptimizerDefaults(learningRate: glm ? 0.05 : 0.01)
        case "adam": return OptimizerDefaults(learningRate: glm ? 0.01 : 0.001)
        case "rmsprop": return OptimizerDefaults(learningRate: glm ? 0.01 : 0.001)
        case "adagrad": return OptimizerDefaults(learningRate: glm ? 0.1 : 0.01)
        case "shampoo": return OptimizerDefaults(learningRate: glm ? 0.01 : 0.001)
        case "adahessian": return OptimizerDefaults(learningRate: 0.1)
        case "ngd": return OptimizerDefaults(learningRate: 1, damping: glm ? 1e-4 : 1e-2)
        case "kfac": return OptimizerDefaults(damping: family == .autoencoder ? 3e-3 : glm ? 1e-3 : 1e-2)
        case "ekfac": return OptimizerDefaults(learningRate: 1, damping: glm ? 1e-3 : 1e-2)
        case "tonga": return OptimizerDefaults(learningRate: 1, damping: glm ? 1e-2 : 1e-1)
        case "hessian-free": return OptimizerDefaults(damping: 1)
        case "newton": return OptimizerDefaults(damping: 1e-3)
        case "ksd": return OptimizerDefaults(damping: 1)
        case "svrg": return OptimizerDefaults(learningRate: family == .autoencoder ? 0.01 : 0.1)
        default: return OptimizerDefaults()
        }
    }

    /// The optimizer `name` with the defaults for `context`'s model family, overridden by the
    /// context's learning rate and damping.
    /// - Throws: ``TrainingError/invalidConfiguration(_:)`` for an unknown name (listing the
    ///   choices) or a model too large for a dense method; ``TrainingError/unavailableOptimizer(_:)``
    ///   for a known name not built yet; ``OptimizerError/invalidArgument(_:)`` for a bad hyperparameter.
    public static func make<Scalar: BLASScalar>(_ name: String, context: OptimizerContext, as _: Scalar.Type = Scalar.self) throws -> AnyOptimizer<Scalar> {
        let lowered = name.lowercased()
        guard names.contains(lowered) else {
            throw TrainingError.invalidConfiguration("unknown optimizer '\(name)'; choose one of: \(names.joined(separator: ", "))")
        }
        if let rate = context.learningRate, !(rate > 0 && rate.isFinite) {
            throw TrainingError.invalidConfiguration("the learning rate must be a positive number, got \(rate)")
        }
        if let damping = context.damping, !(damping >= 0 && damping.isFinite) {
            throw TrainingError.invalidConfiguration("the damping must be a non-negative number, got \(damping)")
        }
        let standard = defaults(lowered, family: context.family)
        let learningRate = Scalar(context.learningRate ?? standard.learningRate ?? 1)
        let damping = Scalar(context.damping ?? standard.damping ?? 0)
        switch lowered {
        case "sgd": return AnyOptimizer(try FirstOrder.sgd(learningRate: learningRate))
        case "momentum": return AnyOptimizer(try FirstOrder.momentum(learningRate: learningRate))
        case "adam": return AnyOptimizer(try FirstOrder.adam(learningRate: learningRate))
        case "rmsprop": return AnyOptimizer(try FirstOrder.rmsprop(learningRate: learningRate))
        case "adagrad": return AnyOptimizer(try FirstOrder.adagrad(learningRate: learningRate))
        case "shampoo":
            let settings = ShampooSettings<Scalar>(rootUpdateInterval: context.family == .generalizedLinear ? 1 : 10, grafting: .adam)
            return AnyOptimizer(try Shampoo.optimizer(learningRate: learningRate, settings: settings))
        case "adahessian":
            let transform = try ScaleByAdaHessian(settings: AdaHessianSettings<Scalar>(seed: context.seed)).then(ScaleByLearningRate(learningRate))
            return AnyOptimizer(TransformOptimizer(name: "adahessian", transform))
        case "ngd": return try naturalGradient(context: context, learningRate: learningRate, damping: damping)
        case "kfac": return AnyOptimizer(try KFAC(settings: kfacSettings(context: context, damping: damping)))
        case "ekfac":
            // George et al. 2018 refresh the eigenbasis every T_eig steps and the scalings every
            // step; a fresh basis each step costs an eigendecomposition of every factor per step.
            let approximation = try EKFACApproximation<Scalar>(
                source: fisherSource(context), eigenbasisUpdateInterval: context.family == .generalizedLinear ? 1 : 10)
            return AnyOptimizer(try NaturalGradientDescent(approximation: approximation, settings: curvatureSettings(context, learningRate, damping)))
        case "tonga":
            let approximation = try TONGAApproximation<Scalar>(rank: min(20, max(1, context.batchSize - 1)))
            return AnyOptimizer(try NaturalGradientDescent(approximation: approximation, settings: curvatureSettings(context, learningRate, damping)))
        case "hessian-free": return AnyOptimizer(try HessianFree(settings: HessianFreeSettings(initialDamping: damping, seed: context.seed)))
        case "newton":
            try requireDenseCurvature(lowered, context: context)
            return AnyOptimizer(try Newton(settings: NewtonSettings(kind: .hessian, initialDamping: damping, seed: context.seed)))
        case "lbfgs": return AnyOptimizer(try LBFGS<Scalar>())
        case "ksd": return AnyOptimizer(try KrylovSubspaceDescent(settings: KrylovSubspaceDescentSettings(initialDamping: damping, seed: context.seed)))
        case "svrg": return AnyOptimizer(try VarianceReducedOptimizer(try FirstOrder.sgd(learningRate: learningRate)))
        default: throw TrainingError.unavailableOptimizer(lowered)
        }
    }

    /// Natural-gradient descent with the exact Fisher: solved densely (Cholesky) for models up to
    /// ``denseCurvatureParameterLimit`` parameters, by conjugate gradient on Gauss-Newton products
    /// (equal to the Fisher for these canonical-link likelihoods) beyond; statistics from the
    /// current batch only (no running average), λ adapted by Levenberg–Marquardt; the KL bound
    /// ½ΔᵀFΔ ≤ 10⁻³ for networks and ≤ 1 for the linear models — a trust region that binds only
    /// far from the optimum (without it the first unit steps of softmax regression on standardized
    /// MNIST-5k overshoot to a loss of 10⁴, and the slow LM schedule takes dozens of steps to recover).
    static func naturalGradient<Scalar: BLASScalar>(context: OptimizerContext, learningRate: Scalar, damping: Scalar) throws -> AnyOptimizer<Scalar> {
        let glm = context.family == .generalizedLinear
        let settings = NaturalGradientDescentSettings<Scalar>(
            learningRate: learningRate, damping: damping, curvatureDecay: 0,
            dampingAdaptation: LevenbergMarquardtDamping(interval: glm ? 1 : 5), klBound: glm ? 1 : 1e-3)
        if context.parameterCount <= denseCurvatureParameterLimit {
            return AnyOptimizer(try NaturalGradientDescent(approximation: ExactCurvatureApproximation<Scalar>(source: .exact), settings: settings))
        }
        let approximation = try MatrixFreeCurvatureApproximation<Scalar>(source: .ggn, maximumIterations: 50)
        return AnyOptimizer(try NaturalGradientDescent(approximation: approximation, settings: settings))
    }

    /// K-FAC (Martens & Grosse 2015): with a user learning rate, that rate and momentum 0.9
    /// (statistics every step, inverses every 10, λ fixed); otherwise α and μ from the quadratic
    /// model and λ adapted by Levenberg–Marquardt — the paper's configuration.
    ///
    /// For the autoencoder, the statistics and the quadratic model's curvature are estimated on
    /// the first quarter of each batch (``kfacSubBatch(_:)``: 250 of the default 1000 examples),
    /// as Martens & Grosse (2015, §8) propose (fractions τ₁, τ₂ of the minibatch): the factors are
    /// running averages (decay 0.95, about 20 updates), so they still pool thousands of examples,
    /// while the statistics' extra backward pass and syrks and the model's tangent passes cost a
    /// quarter as much. The gradient and the step use the whole batch. (kfac-jax, by contrast,
    /// estimates on whatever batch it is given; its `batch_process_func` can shrink it.)
    static func kfacSettings<Scalar: BLASScalar>(context: OptimizerContext, damping: Scalar) -> KFACSettings<Scalar> {
        var settings: KFACSettings<Scalar>
        if let learningRate = context.learningRate {
            settings = .fixed(learningRate: Scalar(learningRate), momentum: 0.9, damping: damping)
        } else {
            settings = KFACSettings(damping: damping)
        }
        if context.family == .autoencoder {
            let subBatch = kfacSubBatch(context.batchSize)
            settings.statisticsExampleLimit = subBatch
            settings.modelExampleLimit = subBatch
        }
        settings.seed = context.seed
        return settings
    }

    /// The examples of a batch of B that K-FAC's statistics and quadratic model use on the
    /// autoencoder: ⌈B/4⌉ (250 of 1000).
    public static func kfacSubBatch(_ batchSize: Int) -> Int { max(1, (batchSize + 3) / 4) }

    /// The Fisher the Kronecker approximations estimate: exact for the linear models and single
    /// outputs, one Monte-Carlo label per example otherwise (the exact expectation costs one
    /// backward pass per output).
    static func fisherSource(_ context: OptimizerContext) -> CurvatureSource {
        context.family == .generalizedLinear || context.outputCount == 1 ? .exact : .monteCarlo(samples: 1, seed: context.seed)
    }

    /// NGD settings for the approximate methods (EKFAC, TONGA): the given α and λ,
    /// Levenberg–Marquardt damping; for the linear models (full batch) fresh statistics and
    /// inverses every step; for networks running averages (decay 0.95), inverses every 10 steps
    /// and the KL bound ½ΔᵀF̃Δ ≤ 10⁻³ (without it the unit natural step diverges early on).
    static func curvatureSettings<Scalar: BLASScalar>(_ context: OptimizerContext, _ learningRate: Scalar, _ damping: Scalar) -> NaturalGradientDescentSettings<Scalar> {
        NaturalGradientDescentSettings(
            learningRate: learningRate, damping: damping, curvatureDecay: context.family == .generalizedLinear ? 0 : 0.95,
            inverseUpdateInterval: context.family == .generalizedLinear ? 1 : 10, dampingAdaptation: LevenbergMarquardtDamping(),
            klBound: context.family == .generalizedLinear ? nil : 1e-3)
    }

    /// Throws unless P is small enough for an optimizer that forms the dense P×P curvature.
    static func requireDenseCurvature(_ name: String, context: OptimizerContext) throws {
        guard context.parameterCount <= denseCurvatureParameterLimit else {
            throw TrainingError.invalidConfiguration(
                "optimizer \(name) forms the dense \(context.parameterCount)×\(context.parameterCount) curvature matrix; "
                    + "this model has \(context.parameterCount) parameters (limit \(denseCurvatureParameterLimit)): use kfac, ekfac or hessian-free")
        }
    }
}
