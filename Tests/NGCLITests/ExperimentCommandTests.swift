import ArgumentParser
import Foundation
import Testing

@testable import NGCLI
import NaturalGradient

/// `natgrad experiment`: an unknown name is a usage error listing the experiments and `all`; a
/// smoke run writes its section and the report; the report puts comparisons first.
@Suite struct ExperimentCommandTests {
    @Test func unknownNameListsTheChoices() {
        do {
            _ = try ExperimentCommand.parse(["nope"])
            Issue.record("parsed an unknown experiment")
        } catch {
            #expect(ExperimentCommand.exitCode(for: error) == .validationFailure)
            let message = ExperimentCommand.message(for: error)
            #expect(message.contains("nope") && message.contains("convergence") && message.contains("all"), "\(message)")
        }
        #expect((try? ExperimentCommand.parse(["ALL"])) != nil)
    }

    @Test func reportOrderPutsComparisonsFirst() {
        let order = ReportOutput.order(ids: ["convergence", "compare-mlp", "kfac", "compare-autoencoder"])
        #expect(Array(order.prefix(2)) == ["compare-autoencoder", "compare-mlp"])
        #expect(Array(order.dropFirst(2)) == ExperimentRegistry.names)
    }

    @Test func smokeRunWritesItsSectionAndTheReport() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("natgrad-experiment-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let command = try ExperimentCommand.parse(["convergence", "--smoke", "--seed", "3", "--out", output.path])
        let (sections, report) = try command.execute()
        #expect(sections.map(\.id) == ["convergence"])
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("convergence.json").path))
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("<svg"))
        #expect(sections[0].record.command == "natgrad experiment convergence --seed 3 --smoke")
        let text = ReportOutput.text(sections[0])
        #expect(text.contains("newton") && text.contains("• "))
    }
}
