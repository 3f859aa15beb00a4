import Dispatch
import NGLinearAlgebra

/// Splits an elementwise loop over a batch into contiguous chunks run on as many threads as
/// OpenBLAS uses, so that the non-gemm work of a layer (activations, their derivatives, the
/// loss) uses the cores that the gemms around it use.
///
/// Between gemms OpenBLAS's worker threads wait by yielding the processor, so the chunks run
/// on the cores the gemms ran on. Loops shorter than ``minimumChunk`` entries per thread run on
/// the calling thread: below that, handing work to other threads costs more than it saves.
/// Chunk boundaries depend only on the count, the thread count and the alignment asked for, so
/// results (such as a loss summed chunk by chunk) are reproducible for a given thread count.
enum ParallelChunks {
    /// Entries per thread below which a loop stays on the calling thread.
    static let minimumChunk = 1 << 15

    /// The number of threads: OpenBLAS's (`OPENBLAS_NUM_THREADS`, or the processor count).
    static let threadCount = Swift.max(1, Swift.min(BLASRuntime.threadCount, 64))

    /// The chunks of 0..<count for `threads` threads, each a multiple of `alignment` entries
    /// long except the last.
    static func ranges(count: Int, alignment: Int = 1, threads: Int = threadCount) -> [Range<Int>] {
        let wanted = Swift.min(threads, count / Swift.max(minimumChunk, 1))
        guard wanted > 1 else { return count > 0 ? [0..<count] : [] }
        let units = (count + alignment - 1) / alignment
        let perChunk = (units + wanted - 1) / wanted
        return stride(from: 0, to: units, by: perChunk).map { start in
            (start * alignment)..<Swift.min((start + perChunk) * alignment, count)
        }
    }

    /// Calls `body` on each chunk of 0..<count (see ``ranges(count:alignment:threads:)``),
    /// concurrently when there is more than one; returns when all are done.
    ///
    /// `body` must only write to memory that belongs to its own chunk.
    static func forEach(count: Int, alignment: Int = 1, _ body: (Int, Range<Int>) -> Void) {
        let chunks = ranges(count: count, alignment: alignment)
        if chunks.count <= 1 {
            if let only = chunks.first { body(0, only) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
                work.value(index, chunks[index])
            }
        }
    }
}

/// A value handed to the threads of ``ParallelChunks``, whose closures write disjoint memory.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
