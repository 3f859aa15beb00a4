import ArgumentParser

/// The `natgrad` command-line tool.
public struct NatGrad: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "natgrad",
        abstract: "Natural-gradient optimization: Fisher information, K-FAC and friends, on OpenBLAS.",
        subcommands: [FitCommand.self, FisherCommand.self, BenchCommand.self, TrainCommand.self, CompareCommand.self, ExperimentCommand.self],
        defaultSubcommand: FitCommand.self)

    public init() {}
}
