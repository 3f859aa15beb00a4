/// Why a training run could not start or did not finish.
public enum TrainingError: Error, CustomStringConvertible, Sendable {
    /// A configuration that cannot run: an unknown name (with the valid choices), a model that
    /// does not fit the data, a non-positive step count, an unwritable run folder.
    case invalidConfiguration(String)
    /// The optimizer exists in the catalogue but is not built yet.
    case unavailableOptimizer(String)
    /// Step `step` produced a non-finite loss or parameters; the run stopped with the parameters
    /// of step `lastGoodStep` (also in the checkpoint, when a run folder is used).
    case nonFinite(step: Int, lastGoodStep: Int, detail: String, result: TrainingResult)
    /// A saved run (checkpoint, state) could not be read back.
    case unreadableRun(String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(message), let .unreadableRun(message): return message
        case let .unavailableOptimizer(name): return "optimizer \(name) is not available yet"
        case let .nonFinite(step, lastGoodStep, detail, _):
            return "step \(step) produced \(detail); stopped, keeping the parameters of step \(lastGoodStep)"
                + " (try a smaller --lr, more --damping, or --standardize)"
        }
    }

    /// Whether this is a usage error (exit code 64 on the command line) rather than a failure of the run.
    public var isUsageError: Bool {
        switch self {
        case .invalidConfiguration, .unavailableOptimizer: return true
        case .nonFinite, .unreadableRun: return false
        }
    }
}
