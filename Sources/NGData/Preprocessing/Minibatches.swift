import NGRandom

/// The minibatches of each training epoch, as arrays of example indices.
///
/// Every epoch covers each index of 0..<count exactly once: in order when `shuffle` is false,
/// otherwise in a fresh random permutation per epoch. The last batch of an epoch is shorter
/// when batchSize does not divide count; `dropLast` drops it instead (then each epoch covers
/// all but count mod batchSize indices, a different remainder each epoch when shuffling).
///
/// Epoch e's permutation is drawn from a generator seeded with a value derived from the given
/// generator and e, so ``batches(epoch:)`` gives the same batches for the same seed and epoch
/// in any call order (a resumed run sees the epochs it would have seen).
///
///     var generator = SeededGenerator(seed: 42)
///     let batches = Minibatches(count: data.count, batchSize: 32, shuffle: true, generator: generator)
///     for epoch in 0..<10 {
///         for indices in batches.batches(epoch: epoch) { let batch = data.subset(at: indices) … }
///     }
public struct Minibatches: Sendable, Equatable {
    /// The number of examples, N.
    public let count: Int
    /// The number of indices per batch, B (the last batch of an epoch may hold fewer).
    public let batchSize: Int
    /// Whether each epoch visits the examples in a new random order.
    public let shuffle: Bool
    /// Whether a last batch shorter than `batchSize` is dropped.
    public let dropLast: Bool
    /// The seed all epoch permutations derive from.
    private let baseSeed: UInt64

    /// - Parameters:
    ///   - count: N, the number of examples (≥ 0).
    ///   - batchSize: B ≥ 1.
    ///   - shuffle: shuffle the examples every epoch.
    ///   - dropLast: drop a last partial batch.
    ///   - generator: the source of the shuffles; copied, not advanced.
    public init(count: Int, batchSize: Int, shuffle: Bool, dropLast: Bool = false, generator: SeededGenerator) {
        precondition(count >= 0, "Minibatches: count must be non-negative, got \(count)")
        precondition(batchSize > 0, "Minibatches: batchSize must be positive, got \(batchSize)")
        self.count = count
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        var copy = generator
        self.baseSeed = copy.next()
    }

    /// The number of batches in each epoch: ⌈N/B⌉, or ⌊N/B⌋ with `dropLast`.
    public var batchesPerEpoch: Int { dropLast ? count / batchSize : (count + batchSize - 1) / batchSize }

    /// The index order of epoch `epoch` (≥ 0): 0..<N, or a permutation of it when shuffling.
    public func order(epoch: Int) -> [Int] {
        precondition(epoch >= 0, "Minibatches: epoch must be non-negative, got \(epoch)")
        guard shuffle else { return Array(0..<count) }
        // The epoch is hashed into the seed rather than added: SeededGenerator seeds through
        // SplitMix64, whose states for seeds s and s + γ (γ its increment) overlap.
        var generator = SeededGenerator(seed: mix64(baseSeed ^ mix64(UInt64(epoch))))
        return generator.permutation(count)
    }

    /// The batches of epoch `epoch`, in order.
    public func batches(epoch: Int) -> [[Int]] {
        let order = order(epoch: epoch)
        return (0..<batchesPerEpoch).map { b in
            Array(order[(b * batchSize)..<min((b + 1) * batchSize, count)])
        }
    }
}

/// The SplitMix64 output function (Steele, Lea & Flood 2014): a bijective 64-bit mixer that
/// turns nearby inputs into unrelated outputs.
private func mix64(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
