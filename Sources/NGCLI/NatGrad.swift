import ArgumentParser

/// The `natgrad` command-line tool. With no subcommand it runs `compare`, the project's main job:
/// first-order baselines against natural-gradient methods on embedded MNIST-5k, with a report.
public struct NatGrad: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "natgrad",
        abstract: "Natural-gradient optimization: Fisher information, K-FAC and friends, on OpenBLAS.",
        subcommands: [CompareCommand.self, ExperimentCommand.self, TrainCommand.self, FitCommand.self, FisherCommand.self, BenchCommand.self],
        defaultSubcommand: CompareCommand.self)

    public init() {}
}
