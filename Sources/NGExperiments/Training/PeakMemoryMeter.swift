import Foundation
import NGTraining
#if canImport(Glibc)
import Glibc
#endif

/// Per-run peak resident memory on Linux.
///
/// The kernel's high-water mark `VmHWM` (read by ``PeakMemory/bytes()``) covers the whole process
/// and only grows, so on its own it cannot tell two runs of one process apart. Writing "5" to
/// `/proc/self/clear_refs` (Linux ≥ 4.0, `Documentation/filesystems/proc.rst`) resets it to the
/// current resident set; resetting before each run and reading after it gives that run's peak —
/// still process-wide (the code, anything still allocated), but no longer the peak of an
/// earlier, larger run. Before the reset, heap memory that earlier runs freed but glibc kept is
/// returned to the system (`malloc_trim(0)`), so it does not count towards the next run's peak.
public enum PeakMemoryMeter {
    /// Returns freed heap to the system, then resets the high-water mark to the current resident set.
    /// - Returns: whether the reset was accepted (false off Linux or when `/proc` is read-only).
    @discardableResult
    public static func reset() -> Bool {
        trimHeap()
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: Data("5".utf8))
            return true
        } catch {
            return false
        }
    }

    /// glibc's `malloc_trim(0)`, looked up at run time (it is not in Swift's Glibc module);
    /// nothing where it is missing.
    static func trimHeap() {
        #if os(Linux)
        guard let program = dlopen(nil, RTLD_NOW), let symbol = dlsym(program, "malloc_trim") else { return }
        typealias Trim = @convention(c) (Int) -> Int32
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }

    /// Whether peaks are per run here (``reset()`` works), checked once.
    public static let isResettable: Bool = reset()

    /// How a peak figure should be described in a table note.
    public static var meaning: String {
        isResettable
            ? "peak resident memory of the process during the run (VmHWM, reset before each run after returning freed heap to the system)"
            : "peak resident memory of the whole process so far (VmHWM; it could not be reset between runs here)"
    }
}
