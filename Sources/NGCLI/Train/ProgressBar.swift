#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NaturalGradient

/// A one-line progress bar on standard error, redrawn at most ten times a second:
///
///     [##########··········]  250/500  loss 0.08312  12.4 s
///
/// It draws only when standard error is a terminal (`isatty`), so piped or redirected output
/// stays clean.
final class ProgressBar {
    private let enabled: Bool
    private var lastDraw: ContinuousClock.Instant?
    private var drawn = false
    private let width = 24

    /// - Parameter enabled: draw at all; by default when standard error is a terminal.
    init(enabled: Bool = isatty(STDERR_FILENO) != 0) {
        self.enabled = enabled
    }

    /// Redraws for this progress (throttled; the last step is always drawn).
    func update(_ progress: TrainingProgress) {
        guard enabled else { return }
        let now = ContinuousClock.now
        if let lastDraw, now - lastDraw < .milliseconds(100), progress.step < progress.totalSteps { return }
        lastDraw = now
        FileHandle.standardError.write(Data(("\r" + Self.line(progress, width: width) + "\u{1B}[K").utf8))
        drawn = true
    }

    /// Ends the bar's line.
    func finish() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\n".utf8))
        drawn = false
    }

    /// The bar's text for a progress.
    static func line(_ progress: TrainingProgress, width: Int) -> String {
        let fraction = progress.totalSteps > 0 ? min(1, Double(progress.step) / Double(progress.totalSteps)) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "·", count: width - filled)
        let digits = String(progress.totalSteps).count
        let step = String(repeating: " ", count: max(0, digits - String(progress.step).count)) + "\(progress.step)"
        return "[\(bar)] \(step)/\(progress.totalSteps)  loss \(String(format: "%.5g", progress.batchLoss))  \(String(format: "%.1f", progress.seconds)) s"
    }
}
