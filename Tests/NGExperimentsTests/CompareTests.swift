import Foundation
import NGReport
import NGTraining
import Testing

@testable import NGExperiments

/// `natgrad compare`'s library part: same start for every optimizer, the target rule, the rows
/// recomputed from the histories, divergence as a row, and the section's structure.
@Suite("Compare")
struct CompareTests {
    /// A seconds-long comparison on iris with a classifier and a test split.
    static func irisTask(_ names: [String] = ["sgd", "adam", "kfac"], target: Double? = nil) -> ComparisonTask {
        ComparisonTask(
            data: "iris", model: "mlp:4-8-3", optimizers: names.map { OptimizerChoice($0) }, steps: 12, batchSize: 40, testFraction: 0.2,
            standardize: true, targetLoss: target, seed: 3, recordInterval: 2)
    }

    /// TrainingSession derives the initialization from the seed alone, so every optimizer's
    /// step-0 loss is the same number; the updates then differ.
    @Test func everyOptimizerStartsFromTheSameParameters() throws {
        let outcome = try Comparison.run(Self.irisTask())
        let starts = outcome.runs.map { $0.history.first!.loss }
        #expect(outcome.runs.allSatisfy { $0.history.first!.step == 0 })
        #expect(Set(starts).count == 1, "step-0 losses differ: \(starts)")
        #expect(Set(outcome.runs.map(\.finalLoss)).count == 3, "the optimizers should move differently")
        // A different seed starts elsewhere.
        var other = Self.irisTask(["sgd"])
        other.seed = 4
        #expect(try Comparison.run(other).runs[0].history[0].loss != starts[0])
    }

    /// The default target is the lowest final loss among the first-order runs; every row's
    /// steps and seconds to target are the first history entry at or below it.
    @Test func targetAndRowsFollowFromTheHistories() throws {
        let outcome = try Comparison.run(Self.irisTask(["sgd", "adam", "kfac"]))
        let baselines = outcome.runs.filter { $0.label == "sgd" || $0.label == "adam" }
        let expected = try #require(baselines.map(\.finalLoss).min())
        #expect(outcome.target.value == expected)
        #expect(outcome.target.setBy == baselines.first { $0.finalLoss == expected }!.label)
        for (run, row) in zip(outcome.runs, outcome.rows) {
            let first = run.history.first { $0.loss <= expected }
            #expect(row.stepsToTarget == first?.step && row.secondsToTarget == first?.seconds)
            #expect(row.finalLoss == run.history.last!.loss && row.steps == 12)
            #expect(row.testAccuracy == run.history.last!.testAccuracy && row.testAccuracy != nil)
            #expect(row.medianStepSeconds > 0 && row.medianStepSeconds < row.trainingSeconds)
        }
        // The run that set the target reaches it no later than its last step.
        let setter = try #require(outcome.rows.first { $0.optimizer == outcome.target.setBy })
        #expect(setter.stepsToTarget != nil && setter.stepsToTarget! <= 12)

        // An explicit target is used as given; one nobody reaches leaves every row at "—".
        let explicit = try Comparison.run(Self.irisTask(["sgd", "kfac"], target: -1))
        #expect(explicit.target.value == -1 && explicit.target.setBy == nil)
        #expect(explicit.rows.allSatisfy { $0.stepsToTarget == nil && $0.secondsToTarget == nil })
        let table = ComparisonSection.table(explicit)
        #expect(table.rows.allSatisfy { $0[3] == "—" && $0[4] == "—" })
        #expect(table.note.contains("--target-loss"))
    }

    /// A diverging optimizer is a row with its step, not an error; the target comes from the rest.
    @Test func divergenceIsARow() throws {
        let task = ComparisonTask(
            data: "diabetes", model: "linear", optimizers: [OptimizerChoice("sgd", learningRate: 5), OptimizerChoice("adam")], steps: 40,
            standardize: false, seed: 1, recordInterval: 1)
        let outcome = try Comparison.run(task)
        let diverged = try #require(outcome.rows.first { $0.optimizer == "sgd@5" })
        #expect(diverged.divergedAtStep != nil)
        let adam = try #require(outcome.rows.first { $0.optimizer == "adam" })
        #expect(adam.divergedAtStep == nil && outcome.target.value == adam.finalLoss)
        let section = ComparisonSection.make(outcome, command: "test")
        #expect(section.tables[0].rows[0][1] == "diverged at step \(diverged.divergedAtStep!)")
        // Without a test split there is no test column.
        #expect(section.tables[0].columns.count == 6 && !section.tables[0].columns.contains { $0.hasPrefix("test") })
        #expect(!section.figures.contains { $0.id == "test-accuracy" })
        #expect(section.findings.contains { $0.contains("sgd@5 diverged at step \(diverged.divergedAtStep!)") })
    }

    /// The section: id from the model, the table's columns, the figures (accuracy for a
    /// classifier with a test split), findings quoting the measured numbers, the run record.
    @Test func sectionStructure() throws {
        let outcome = try Comparison.run(Self.irisTask(["sgd", "adam", "kfac"]))
        let section = ComparisonSection.make(outcome, command: "natgrad compare --data iris")
        #expect(section.id == "compare-mlp")
        #expect(section.figures.map(\.id) == ["loss-vs-steps", "loss-vs-seconds", "test-accuracy"])
        let table = try #require(section.tables.first)
        #expect(table.columns.count == 7 && table.rows.count == 3 && table.columns[2] == "test accuracy (%)")
        #expect(table.rows.map(\.[0]) == ["sgd", "adam", "kfac"])
        // Cells are the rows' numbers.
        for (cells, row) in zip(table.rows, outcome.rows) {
            #expect(cells[1] == Table.cell(row.finalLoss, digits: 5))
            #expect(cells[2] == String(format: "%.2f", 100 * row.testAccuracy!))
        }
        let target = try #require(outcome.target.value)
        #expect(section.findings.contains { $0.contains(Table.cell(target)) })
        #expect(section.record.seed == 3 && section.record.configuration["optimizers"] == "sgd,adam,kfac")
        if case let .lines(plot) = section.figures[0].content {
            #expect(plot.series.map(\.name) == ["sgd", "adam", "kfac"])
            #expect(plot.series[0].y == outcome.runs[0].history.map(\.loss))
            #expect(plot.referenceLines.first?.y == target)
        } else {
            Issue.record("loss-vs-steps is not a line plot")
        }
        // The autoencoder (no test split) has no accuracy figure and a test-loss column.
        #expect(ComparisonTask.mainJob(smoke: true)[0].sectionID == "compare-autoencoder")
    }

    /// Each run's peak memory is read after resetting the process's high-water mark.
    @Test func peakMemoryIsPerRun() throws {
        #expect(PeakMemoryMeter.isResettable, "writing 5 to /proc/self/clear_refs should work on Linux ≥ 4.0")
        let outcome = try Comparison.run(Self.irisTask(["sgd"]))
        let bytes = try #require(outcome.rows[0].peakMemoryBytes)
        #expect(bytes > 1 << 20 && bytes < 1 << 34)
    }

    @Test func tableNumbersAvoidExponents() {
        #expect(ComparisonSection.plain(1567.4) == "1567" && ComparisonSection.plain(15.46) == "15.5")
        #expect(ComparisonSection.plain(0.02194) == "0.0219" && ComparisonSection.plain(nil) == "—")
    }

    @Test func optimizerChoicesParse() throws {
        #expect(try OptimizerChoice(parsing: "Adam@1e-3") == OptimizerChoice("adam", learningRate: 0.001))
        #expect(try OptimizerChoice.parseList("sgd, kfac").map(\.description) == ["sgd", "kfac"])
        #expect(OptimizerChoice("adam", learningRate: 3e-4).description == "adam@0.0003")
        for bad in ["adamax", "adam@", "adam@-1", "adam@x", "sgd,sgd", ""] {
            #expect(throws: TrainingError.self, "\(bad)") { try OptimizerChoice.parseList(bad) }
        }
        do {
            _ = try OptimizerChoice(parsing: "adamax")
        } catch {
            #expect("\(error)".contains("hessian-free") && "\(error)".contains("adamax"))
        }
    }

    /// Bad names fail before any run, naming the choices.
    @Test func badTasksFailBeforeRunning() throws {
        var task = Self.irisTask(["sgd"])
        task.model = "resnet"
        #expect(throws: TrainingError.self) { try Comparison.run(task) }
        task = Self.irisTask(["sgd"])
        task.data = "imagenet"
        do {
            _ = try Comparison.run(task)
            Issue.record("ran on an unknown data set")
        } catch {
            #expect("\(error)".contains("mnist5k"))
        }
    }
}
