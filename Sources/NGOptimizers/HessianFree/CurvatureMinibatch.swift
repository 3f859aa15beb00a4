import NGLinearAlgebra
import NGRandom

/// How Hessian-free optimization and Krylov subspace descent choose the examples whose curvature
/// they use: the gradient's batch or a seeded random subset of it.
///
/// Curvature-vector products cost a forward and a backward pass each, and CG makes dozens of
/// them, so Martens (2010, §4.3; Martens & Sutskever 2012, §8.6) evaluates the gradient on a
/// large batch and the curvature on a fraction of it. The subset is drawn without replacement
/// from the gradient batch (all N examples for ``Batch/all``), keeps at least one example, and
/// depends only on the seed and the step number, so a run is reproducible.
public enum CurvatureMinibatch {
    /// The curvature batch for a gradient batch.
    ///
    /// - Parameters:
    ///   - batch: the step's gradient batch.
    ///   - exampleCount: N, the objective's number of examples (for ``Batch/all``).
    ///   - fraction: the share of the gradient batch to keep, in (0, 1]; 1 returns `batch` itself.
    ///   - seed: the draw's seed (the optimizer mixes its seed with the step number).
    /// - Throws: ``OptimizerError/invalidArgument(_:)`` for a fraction outside (0, 1].
    public static func select(from batch: Batch, exampleCount: Int, fraction: Double, seed: UInt64) throws -> Batch {
        guard fraction > 0, fraction <= 1 else {
            throw OptimizerError.invalidArgument("curvature batch fraction must lie in (0, 1], got \(fraction)")
        }
        if fraction == 1 { return batch }
        let indices: [Int]
        switch batch {
        case .all: indices = Array(0..<exampleCount)
        case let .examples(chosen): indices = chosen
        }
        guard indices.count > 1 else { return batch }
        let count = Swift.max(1, Int((fraction * Double(indices.count)).rounded()))
        if count >= indices.count { return batch }
        var generator = SeededGenerator(seed: seed)
        let picks = generator.permutation(indices.count).prefix(count).sorted()
        return .examples(picks.map { indices[$0] })
    }

    /// A seed for step `step` of a run seeded with `seed` (SplitMix64's finalizer over both),
    /// so that consecutive steps draw unrelated subsets and sampled products.
    static func stepSeed(_ seed: UInt64, step: Int, stream: UInt64) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15 &* (UInt64(truncatingIfNeeded: step) &+ 1) &+ stream &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
