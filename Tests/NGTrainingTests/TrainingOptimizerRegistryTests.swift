import Foundation
import NGLinearAlgebra
import NGModels
import NGOptimizers
import NGTestSupport
import Testing

@testable import NGTraining

/// The optimizer registry: every name builds or says it is not available yet, unknown names
/// list the choices, defaults depend on the model family, and the type-erased box steps exactly
/// as the optimizer it wraps.
@Suite struct TrainingOptimizerRegistryTests {
    let glm = OptimizerContext(family: .generalizedLinear, parameterCount: 4, exampleCount: 40, batchSize: 40, steps: 10, seed: 1)

    @Test func everyNameBuildsOrIsReportedUnavailable() throws {
        var available = [String]()
        for name in OptimizerRegistry.names {
            do {
                let optimizer: AnyOptimizer<Double> = try OptimizerRegistry.make(name, context: glm)
                #expect(!optimizer.name.isEmpty)
                #expect(OptimizerRegistry.isAvailable(name))
                available.append(name)
            } catch let error as TrainingError {
                guard case .unavailableOptimizer = error else { Issue.record("\(name): \(error)"); continue }
                #expect("\(error)" == "optimizer \(name) is not available yet")
                #expect(!OptimizerRegistry.isAvailable(name))
            }
        }
        // Every optimizer of the issue is wired in.
        #expect(available == OptimizerRegistry.names)
        #expect(!OptimizerRegistry.isAvailable("adamax"))
        #expect("\(TrainingError.unavailableOptimizer("lion"))" == "optimizer lion is not available yet")
    }

    @Test func unknownNamesListTheChoices() {
        do {
            let _: AnyOptimizer<Float> = try OptimizerRegistry.make("adamax", context: glm)
            Issue.record("an unknown optimizer was built")
        } catch {
            #expect("\(error)".contains("adamax") && "\(error)".contains(OptimizerRegistry.names.joined(separator: ", ")))
        }
    }

    /// Newton forms the P×P Hessian: refused beyond the limit, with the alternatives named.
    @Test func denseMethodsRefuseLargeModels() {
        let large = OptimizerContext(family: .autoencoder, parameterCount: 2_837_314, exampleCount: 5000, batchSize: 5000, steps: 1, seed: 0)
        do {
            let _: AnyOptimizer<Float> = try OptimizerRegistry.make("newton", context: large)
            Issue.record("newton was built for 2.8 million parameters")
        } catch {
            #expect("\(error)".contains("2837314") && "\(error)".contains("kfac"))
        }
    }

    @Test func defaultsDependOnTheFamily() {
        #expect(OptimizerRegistry.defaults("adam", family: .generalizedLinear).learningRate == 0.01)
        #expect(OptimizerRegistry.defaults("adam", family: .autoencoder).learningRate == 0.001)
        #expect(OptimizerRegistry.defaults("sgd", family: .autoencoder).learningRate == 0.01)
        #expect(OptimizerRegistry.defaults("lbfgs", family: .multilayerPerceptron).learningRate == nil)
        #expect(OptimizerRegistry.defaultBatchSize("adam", family: .generalizedLinear, exampleCount: 569) == 569)
        #expect(OptimizerRegistry.defaultBatchSize("adam", family: .autoencoder, exampleCount: 5000) == 128)
        #expect(OptimizerRegistry.defaultBatchSize("kfac", family: .autoencoder, exampleCount: 5000) == 1000)
        #expect(OptimizerRegistry.defaultBatchSize("kfac", family: .convolutional, exampleCount: 300) == 300)
        #expect(OptimizerRegistry.defaultBatchSize("lbfgs", family: .multilayerPerceptron, exampleCount: 1797) == 1797)
    }

    /// The box forwards every step: three Adam steps through it equal three direct steps, and a
    /// user learning rate replaces the default.
    @Test func theBoxStepsExactlyAsTheOptimizer() throws {
        let objective = try TrainingFixtures.linearObjective(try TrainingFixtures.regression())
        var context = glm
        context.learningRate = 0.03
        var boxed: AnyOptimizer<Double> = try OptimizerRegistry.make("adam", context: context)
        var direct = try FirstOrder.adam(learningRate: 0.03, as: Double.self)
        var a = Vector<Double>(count: 4), b = Vector<Double>(count: 4)
        for step in 0..<3 {
            let batch: Batch = .examples(Array((step * 10)..<(step * 10 + 10)))
            let boxedReport = try boxed.step(&a, objective: objective, batch: batch)
            let directReport = try direct.step(&b, objective: objective, batch: batch)
            #expect(boxedReport == directReport)
        }
        #expect(a == b && a != Vector(count: 4))
        #expect(boxed.name == "adam")
    }
}

@Suite("Optimizer registry: ngd's trust region on the linear models")
struct TrainingNaturalGradientTrustRegionTests {
    /// Softmax regression on standardized MNIST (rare pixels z-scored to tens of standard
    /// deviations in the few images where they are inked) is where the unit natural step
    /// overshoots; with the default KL bound the full-batch run must never rise far above where
    /// it started (without it the first steps raise the loss by orders of magnitude).
    @Test func defaultNGDStaysNearOrBelowItsStartOnStandardizedMNIST() throws {
        let configuration = TrainingConfiguration(
            data: "mnist5k", model: "softmax", optimizer: "ngd", steps: 4, standardize: true, seed: 0)
        var session = TrainingSession(configuration: configuration)
        session.recordInterval = 1
        session.checkpointInterval = nil
        let report = try session.run()
        let start = try #require(report.history.first?.loss)
        let worst = report.history.map(\.loss).max() ?? .infinity
        #expect(worst <= 1.5 * start, "loss rose to \(worst) from \(start)")
        #expect(report.loss < start)
    }
}
