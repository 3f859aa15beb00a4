import NGLinearAlgebra
import NGOptimizers

/// An optimizer's path on a landscape: the parameters after every step (the start first), and
/// where it stopped early.
struct LandscapeTrajectory: Sendable, Codable, Equatable {
    /// The legend name ("gd, α = 0.1").
    var label: String
    /// θ₀, θ₁, …: one entry per step taken, plus the start.
    var points: [[Double]]
    /// J at each point.
    var losses: [Double]
    /// Why the run ended early (a thrown error, non-finite values), nil when it ran every step.
    var stopped: String?

    /// Runs `optimizer` from `start` for up to `steps` full-batch steps, recording each point;
    /// an error or a non-finite point ends the path (the reason is kept, not thrown).
    static func run<Opt: Optimizer, O: Objective>(
        label: String, optimizer: Opt, objective: O, start: Vector<Double>, steps: Int
    ) -> LandscapeTrajectory where Opt.Scalar == Double, O.Scalar == Double {
        var optimizer = optimizer
        var theta = start
        var path = LandscapeTrajectory(label: label, points: [start.elements], losses: [], stopped: nil)
        path.losses.append((try? objective.loss(at: start, batch: .all)) ?? .nan)
        for step in 0..<steps {
            do {
                _ = try optimizer.step(&theta, objective: objective, batch: .all)
            } catch {
                path.stopped = "step \(step): \(error)"
                break
            }
            let loss = (try? objective.loss(at: theta, batch: .all)) ?? .nan
            guard theta.isFinite, loss.isFinite else {
                path.stopped = "step \(step): non-finite parameters or loss"
                break
            }
            path.points.append(theta.elements)
            path.losses.append(loss)
        }
        return path
    }

    /// The final point.
    var last: [Double] { points.last ?? [] }

    /// The first step at which J ≤ `level`, nil if never.
    func firstStep(below level: Double) -> Int? { losses.firstIndex { $0 <= level } }
}
