import Foundation
import NGTraining

/// The peak resident memory a piece of work adds to the process, on Linux.
///
/// Before the work the meter returns freed heap pages to the system (`malloc_trim(0)`), resets
/// the kernel's high-water mark to the current resident set by writing "5" to
/// `/proc/self/clear_refs` (see proc(5)), and reads `VmRSS`; after it, `VmHWM` − that baseline
/// is the most memory the work held at once beyond what was already resident — its buffers,
/// curvature matrices and optimizer state. Pages that were resident already and reused (freed
/// memory glibc kept) are not counted, so the figure is a lower bound; where `/proc` is missing
/// or not writable the meter reports nil rather than a wrong number.
public struct TimingMemoryMeter: Sendable {
    /// `VmRSS` at the start, bytes (nil where unavailable).
    public let baselineBytes: Int?

    /// Trims the heap, resets the high-water mark (``PeakMemoryMeter/reset()``) and records the baseline.
    public init() {
        baselineBytes = PeakMemoryMeter.reset() ? PeakMemory.bytes(field: "VmRSS") : nil
    }

    /// The peak resident set since the start minus the baseline, bytes (nil where unavailable).
    public func peakIncreaseBytes() -> Int? {
        guard let baselineBytes, let peak = PeakMemory.bytes() else { return nil }
        return Swift.max(0, peak - baselineBytes)
    }
}
