import Foundation

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
        baselineBytes = PeakMemoryMeter.reset() ? Self.statusField("VmRSS") : nil
    }

    /// The peak resident set since the start minus the baseline, bytes (nil where unavailable).
    public func peakIncreaseBytes() -> Int? {
        guard let baselineBytes, let peak = Self.statusField("VmHWM") else { return nil }
        return Swift.max(0, peak - baselineBytes)
    }

    /// A "Name:  123 kB" field of /proc/self/status in bytes.
    static func statusField(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        return parse(status: status, field: name)
    }

    /// The field `name` ("VmHWM") of a /proc status text in bytes.
    static func parse(status: String, field name: String) -> Int? {
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let fields = line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let value = fields.first.flatMap({ Int($0) }) else { return nil }
            switch fields.count > 1 ? fields[1].lowercased() : "kb" {
            case "kb": return value * 1024
            case "mb": return value * 1024 * 1024
            case "b": return value
            default: return nil
            }
        }
        return nil
    }
}
