#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The flag a SIGINT (Ctrl-C) handler sets so that a training run stops cleanly after the step
/// in progress, saving a checkpoint and its resumable state.
///
/// ``install()`` replaces SIGINT's default action (terminate) by setting the flag; the handler
/// then restores the default, so a second Ctrl-C terminates at once if the step is stuck. The
/// handler only stores to an atomic, which is async-signal-safe.
public enum TrainingInterrupt {
    private static let flag = Atomic<Bool>(false)

    /// Whether an interrupt was requested since the last ``reset()``.
    public static var isRequested: Bool { flag.load(ordering: .relaxed) }

    /// Requests a stop, as a SIGINT does.
    public static func request() { flag.store(true, ordering: .relaxed) }

    /// Clears the request.
    public static func reset() { flag.store(false, ordering: .relaxed) }

    /// Routes SIGINT to ``request()`` (then back to the default action, for a second Ctrl-C).
    public static func install() {
        reset()
        signal(SIGINT) { _ in
            TrainingInterrupt.request()
            signal(SIGINT, SIG_DFL)
        }
    }

    /// Restores SIGINT's default action.
    public static func uninstall() {
        signal(SIGINT, SIG_DFL)
    }
}
