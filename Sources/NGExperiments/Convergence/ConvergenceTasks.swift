import NGTraining

/// A training task of the convergence experiment: a ``ComparisonTask`` with a table id, a short
/// name for findings, and the optimizers left out with the reason.
public struct ConvergenceTask: Sendable {
    /// The table and figure id prefix (`logistic-breast-cancer`).
    public var id: String
    /// "logistic regression on breast-cancer".
    public var name: String
    public var comparison: ComparisonTask
    /// Optimizers not run on this task and why (for the table note).
    public var excluded: String

    /// The four training tasks, at the experiment's scale:
    ///
    /// - logistic regression on breast-cancer (standardized, full batch, L2 = 1/N): every
    ///   optimizer of the registry that applies (P = 31, so dense Newton and exact NGD too);
    /// - softmax regression on MNIST-5k (standardized, full batch): P = 7850 is beyond the dense
    ///   limit, so Newton is left out and NGD runs matrix-free (CG); EKFAC and Hessian-free are
    ///   too slow for the budget;
    /// - an MLP classifier on MNIST-5k (minibatches of 500 for every optimizer, so they see the
    ///   same batches);
    /// - the deep autoencoder on MNIST-5k (40 steps of batch 1000: momentum, Adam, K-FAC).
    ///
    /// The smoke scale swaps MNIST-5k for iris and digits and leaves the autoencoder out (its
    /// full-data evaluations alone take seconds in a debug build); it runs the same code paths.
    public static func all(seed: UInt64, smoke: Bool) -> [ConvergenceTask] {
        func choices(_ names: [String]) -> [OptimizerChoice] { names.map { OptimizerChoice($0) } }
        let tasks = [
            ConvergenceTask(
                id: "logistic-breast-cancer", name: "logistic regression on breast-cancer",
                comparison: ComparisonTask(
                    data: "breast-cancer", model: "logistic",
                    optimizers: choices(["sgd", "momentum", "adam", "adagrad", "lbfgs", "shampoo", "kfac", "ekfac", "hessian-free", "ngd", "newton"]),
                    steps: smoke ? 5 : 100, standardize: true, seed: seed, recordInterval: 1),
                excluded: "tonga, ksd, svrg, rmsprop, adahessian are left out to keep the plot readable"),
            ConvergenceTask(
                id: "softmax-mnist5k", name: "softmax regression on MNIST-5k",
                comparison: ComparisonTask(
                    data: smoke ? "iris" : "mnist5k", model: "softmax",
                    optimizers: choices(["sgd", "momentum", "adam", "lbfgs", "shampoo", "kfac", "ngd"]),
                    steps: smoke ? 4 : 60, standardize: true, seed: seed, recordInterval: smoke ? 1 : 2),
                excluded: "newton: its dense 7850×7850 Hessian is beyond the 4096-parameter limit (ngd runs matrix-free: CG on Gauss-Newton products); ekfac and hessian-free: a step costs dozens to hundreds of gradient steps here, too slow for this budget"),
            ConvergenceTask(
                id: "mlp-mnist5k", name: "an MLP classifier on MNIST-5k",
                comparison: ComparisonTask(
                    data: smoke ? "digits" : "mnist5k", model: smoke ? "mlp:64-8-10" : "mlp:784-64-10",
                    optimizers: choices(["sgd", "momentum", "adam", "shampoo", "kfac", "ekfac"]),
                    steps: smoke ? 4 : 200, batchSize: smoke ? 100 : 500, seed: seed, recordInterval: smoke ? 1 : 5),
                excluded: "ngd, newton: exact curvature of 50890 parameters (dense limit 4096, CG too slow here); lbfgs, hessian-free need large or full batches"),
            ConvergenceTask(
                id: "autoencoder-mnist5k", name: "the deep autoencoder on MNIST-5k",
                comparison: ComparisonTask(
                    data: "mnist5k", model: "autoencoder", optimizers: choices(["momentum", "adam", "kfac"]),
                    steps: smoke ? 2 : 40, batchSize: smoke ? 50 : 1000, seed: seed, recordInterval: smoke ? 1 : 5),
                excluded: "the dense methods (2.8 million parameters); ekfac and shampoo for time (natgrad compare runs shampoo here)"),
        ]
        return smoke ? tasks.filter { $0.comparison.model != "autoencoder" } : tasks
    }
}
