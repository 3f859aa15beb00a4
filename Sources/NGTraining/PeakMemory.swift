import Foundation

/// The process's peak resident memory.
public enum PeakMemory {
    /// The high-water mark of the resident set in bytes: `VmHWM` of `/proc/self/status` on Linux;
    /// nil where that file is unavailable or unreadable.
    ///
    /// It covers the whole process since it started (data loading included), which is what a
    /// user's machine must provide.
    /// `field` reads another line of the same file (`VmRSS`: the resident set now).
    public static func bytes(field: String = "VmHWM") -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        return parse(status: status, field: field)
    }

    /// The field `field` in bytes from the text of a `/proc/<pid>/status` file ("VmHWM:  123456 kB").
    public static func parse(status: String, field: String = "VmHWM") -> Int? {
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            let fields = line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let value = fields.first.flatMap({ Int($0) }) else { return nil }
            let unit = fields.count > 1 ? fields[1].lowercased() : "kb"
            switch unit {
            case "kb": return value * 1024
            case "mb": return value * 1024 * 1024
            case "b": return value
            default: return nil
            }
        }
        return nil
    }
}
