/// A seeded, reproducible pseudo-random generator: xoshiro256** (Blackman & Vigna 2018),
/// seeded through SplitMix64.
///
/// Every stochastic path in the package (initialization, shuffling, Monte-Carlo Fisher labels,
/// Hutchinson probes, random projections) takes one of these explicitly, so the same seed on the
/// same machine gives the same numbers. The derived draws (uniform, normal, categorical,
/// permutations) are defined here rather than through the standard library's `random(in:using:)`,
/// whose algorithms are not specified and may change between Swift releases.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Codable, Equatable {
    private var state: (UInt64, UInt64, UInt64, UInt64)
    /// A second standard normal deviate from the last Box–Muller pair, used by the next `normal()`.
    private var spareNormal: Double?

    /// A generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        func next() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
        spareNormal = nil
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    /// An independent generator for a sub-task (e.g. one per worker or per epoch), derived from
    /// this one's stream so that the parent's later draws do not depend on how the child is used.
    public mutating func split() -> SeededGenerator { SeededGenerator(seed: next()) }

    /// Uniform on [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform on [low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }

    /// A uniformly chosen integer in 0..<bound, without modulo bias (Lemire 2019).
    public mutating func integer(below bound: Int) -> Int {
        precondition(bound > 0, "SeededGenerator.integer(below:): bound must be positive, got \(bound)")
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }

    /// A standard normal deviate N(0, 1), by the Box–Muller transform.
    public mutating func normal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        let u1 = 1 - uniform()  // in (0, 1], so the logarithm is finite
        let u2 = uniform()
        let radius = (-2 * _log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        spareNormal = radius * _sin(angle)
        return radius * _cos(angle)
    }

    /// N(mean, standardDeviation²).
    public mutating func normal(mean: Double, standardDeviation: Double) -> Double {
        mean + standardDeviation * normal()
    }

    /// `count` standard normal deviates in a given precision.
    public mutating func normals<T: BinaryFloatingPoint>(_ count: Int, as: T.Type = T.self) -> [T] {
        (0..<count).map { _ in T(normal()) }
    }

    /// An index drawn with probability proportional to `weights` (non-negative, not all zero).
    public mutating func categorical<T: BinaryFloatingPoint>(_ weights: [T]) -> Int {
        let total = weights.reduce(0, +)
        precondition(total > 0 && weights.allSatisfy { $0 >= 0 }, "categorical: weights must be non-negative with a positive sum")
        let target = T(uniform()) * total
        var cumulative: T = 0
        for (i, w) in weights.enumerated() {
            cumulative += w
            if target < cumulative { return i }
        }
        return weights.lastIndex { $0 > 0 }!  // rounding left target at the total
    }

    /// A uniformly random permutation of 0..<count (Fisher–Yates).
    public mutating func permutation(_ count: Int) -> [Int] {
        var p = Array(0..<count)
        shuffle(&p)
        return p
    }

    /// Shuffles `array` in place, uniformly (Fisher–Yates).
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, integer(below: i + 1))
        }
    }

    public static func == (lhs: SeededGenerator, rhs: SeededGenerator) -> Bool {
        lhs.state == rhs.state && lhs.spareNormal == rhs.spareNormal
    }

    // Codable through the four state words, so a checkpoint can resume the exact stream.
    private enum CodingKeys: String, CodingKey { case state, spareNormal }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let s = try c.decode([UInt64].self, forKey: .state)
        guard s.count == 4, s != [0, 0, 0, 0] else {
            throw DecodingError.dataCorruptedError(forKey: .state, in: c, debugDescription: "expected four state words, not all zero")
        }
        state = (s[0], s[1], s[2], s[3])
        spareNormal = try c.decodeIfPresent(Double.self, forKey: .spareNormal)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode([state.0, state.1, state.2, state.3], forKey: .state)
        try c.encodeIfPresent(spareNormal, forKey: .spareNormal)
    }
}

@inline(__always) private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
