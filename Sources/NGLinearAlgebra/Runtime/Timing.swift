/// The two pieces every timing in the package shares: a duration in seconds, and the median of
/// repeated measurements (robust to the odd slow run on a shared machine).
extension Duration {
    /// The duration in seconds as a Double.
    @inlinable public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}

extension Collection where Element == Double {
    /// The median (the mean of the two middle values for an even count); nil when empty.
    public var median: Double? {
        guard !isEmpty else { return nil }
        let sorted = self.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

extension ContinuousClock.Instant {
    /// Seconds from this instant until now.
    @inlinable public var elapsedSeconds: Double { (ContinuousClock.now - self).inSeconds }
}
