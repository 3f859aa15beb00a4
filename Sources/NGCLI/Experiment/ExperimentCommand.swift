import ArgumentParser
import Foundation
import NaturalGradient

/// `natgrad experiment NAME|all`: runs experiments of the ``ExperimentRegistry``, prints their
/// tables, and writes their sections and `report.html` into `--out`.
///
/// `all` runs every experiment in registry order into one report.
public struct ExperimentCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Run an experiment (or all of them) and add its section to the HTML report.",
        discussion: "Experiments:\n" + ExperimentRegistry.all.map { "  \($0.name): \($0.summary)" }.joined(separator: "\n")
            + "\n  all: every experiment above, into one report")

    @Argument(help: "The experiment: \((ExperimentRegistry.names + ["all"]).joined(separator: ", ")).")
    var name: String

    @Option(help: "The root seed of every random draw.")
    var seed: UInt64 = 0

    @Option(help: "Folder for the report (created if missing).")
    var out: String = "natgrad-report"

    @Flag(help: "Tiny sizes and few steps (seconds): checks that everything runs; the numbers answer nothing.")
    var smoke = false

    @Flag(help: "Print one JSON object with the sections instead of the tables.")
    var json = false

    public init() {}

    public func validate() throws {
        do { _ = try experiments() } catch let error as ExperimentError { throw ValidationError(error.description) }
    }

    /// The experiments `name` selects.
    /// - Throws: ``ExperimentError/unknownExperiment(_:choices:)`` listing the choices (with `all`).
    func experiments() throws -> [Experiment] {
        name.lowercased() == "all" ? ExperimentRegistry.all : [try ExperimentRegistry.experiment(named: name)]
    }

    /// Runs the selected experiments, writes their sections and rebuilds the report.
    /// - Returns: the sections and the report's path.
    /// - Throws: a `ValidationError` for a bad name or an unwritable `--out`; the error of a
    ///   failing experiment.
    func execute() throws -> (sections: [ReportSection], report: String) {
        let selected: [Experiment]
        do { selected = try experiments() } catch let error as ExperimentError { throw ValidationError(error.description) }
        let folder = try ReportOutput.folder(out)
        let scale: ExperimentScale = smoke ? .smoke : .full
        var sections = [ReportSection]()
        let clock = ContinuousClock()
        for experiment in selected {
            let command = "natgrad experiment \(experiment.name) --seed \(seed)" + (smoke ? " --smoke" : "")
            let settings = ExperimentSettings(seed: seed, scale: scale, command: command, progress: { ReportOutput.status($0) })
            ReportOutput.status("experiment \(experiment.name) (\(scale.rawValue))…")
            let start = clock.now
            let section = try experiment.run(settings)
            let elapsed = clock.now - start
            ReportOutput.status("experiment \(experiment.name) done in \(String(format: "%.1f", elapsed.inSeconds)) s")
            try ReportOutput.write(section, to: folder)
            if !json { print(ReportOutput.text(section)) }
            sections.append(section)
        }
        return (sections, try ReportOutput.rebuild(folder))
    }

    public func run() throws {
        let (sections, report) = try execute()
        if json {
            print(try JSONOutput.string(ExperimentOutput(sections: sections, report: report)))
        } else {
            print("report: \(report)")
        }
    }
}

/// `natgrad experiment --json`: the sections run and the report's path.
struct ExperimentOutput: Encodable {
    var sections: [ReportSection]
    var report: String
}
