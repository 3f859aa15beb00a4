import NGLinearAlgebra
import Synchronization

/// J_B(θ̃) and ∇J_B(θ̃) for the last few batches a ``VarianceReducedObjective`` was evaluated
/// on: a memo of values that depend only on the batch, shared by copies of the objective.
final class SnapshotBatchCache<Scalar: BLASScalar>: Sendable {
    struct Entry: Sendable {
        var batch: Batch
        var loss: Scalar
        var gradient: Vector<Scalar>
    }

    /// The most batches remembered (a step's gradient batch and curvature batch, with room).
    static var capacity: Int { 4 }
    private let entries = Mutex<[Entry]>([])

    func entry(for batch: Batch) -> Entry? {
        entries.withLock { list in list.first { $0.batch == batch } }
    }

    func insert(_ entry: Entry) {
        entries.withLock { list in
            list.removeAll { $0.batch == entry.batch }
            list.append(entry)
            if list.count > Self.capacity { list.removeFirst(list.count - Self.capacity) }
        }
    }
}
