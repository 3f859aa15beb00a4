import Foundation
import NGRandom
import Testing

@Suite("SeededGenerator")
struct SeededGeneratorTests {
    @Test("the same seed gives the same stream, a different seed a different one")
    func reproducible() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        var c = SeededGenerator(seed: 43)
        let sa = (0..<100).map { _ in a.next() }
        let sb = (0..<100).map { _ in b.next() }
        let sc = (0..<100).map { _ in c.next() }
        #expect(sa == sb)
        #expect(sa != sc)
    }

    @Test("xoshiro256** matches its reference output for a known state")
    func referenceOutput() throws {
        // The reference implementation (prng.di.unimi.it) seeded with SplitMix64 from seed 0 —
        // SplitMix64's first outputs are published: 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, …
        // so the first xoshiro256** output is rotl(s1·5, 7)·9 with s1 = 0x6E789E6AA1B965F4.
        var g = SeededGenerator(seed: 0)
        let s1: UInt64 = 0x6E78_9E6A_A1B9_65F4
        let product = s1 &* 5
        let expected = ((product << 7) | (product >> 57)) &* 9
        #expect(g.next() == expected)
    }

    @Test("uniform draws lie in [0, 1) with mean 1/2 and variance 1/12")
    func uniformMoments() {
        var g = SeededGenerator(seed: 1)
        let n = 200_000
        let xs = (0..<n).map { _ in g.uniform() }
        #expect(xs.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = xs.reduce(0, +) / Double(n)
        let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        // Standard error of the mean is sqrt(1/12/n) ≈ 6.5e-4: allow 5 standard errors.
        #expect(abs(mean - 0.5) < 5 * (1.0 / 12 / Double(n)).squareRoot())
        #expect(abs(variance - 1.0 / 12) < 2e-3)
    }

    @Test("normal draws have mean 0, variance 1, and the normal's fourth moment 3")
    func normalMoments() {
        var g = SeededGenerator(seed: 2)
        let n = 200_000
        let xs = (0..<n).map { _ in g.normal() }
        let mean = xs.reduce(0, +) / Double(n)
        let m2 = xs.map { $0 * $0 }.reduce(0, +) / Double(n)
        let m4 = xs.map { $0 * $0 * $0 * $0 }.reduce(0, +) / Double(n)
        #expect(abs(mean) < 5 / Double(n).squareRoot())
        #expect(abs(m2 - 1) < 5 * (2.0 / Double(n)).squareRoot())
        #expect(abs(m4 - 3) < 5 * (96.0 / Double(n)).squareRoot())
        // Tail mass beyond 2σ is 4.55 %.
        let tail = Double(xs.filter { abs($0) > 2 }.count) / Double(n)
        #expect(abs(tail - 0.0455) < 0.003)
    }

    @Test("integer(below:) is uniform over its range")
    func integerUniform() {
        var g = SeededGenerator(seed: 3)
        let bound = 7
        let n = 70_000
        var counts = [Int](repeating: 0, count: bound)
        for _ in 0..<n { counts[g.integer(below: bound)] += 1 }
        // Chi-square with 6 degrees of freedom: the 99.9 % quantile is 22.46.
        let expected = Double(n) / Double(bound)
        let chiSquare = counts.map { (Double($0) - expected) * (Double($0) - expected) / expected }.reduce(0, +)
        #expect(chiSquare < 22.46)
    }

    @Test("categorical draws follow their weights and never pick a zero weight")
    func categorical() {
        var g = SeededGenerator(seed: 4)
        let weights: [Double] = [0.1, 0, 0.6, 0.3]
        let n = 100_000
        var counts = [Int](repeating: 0, count: weights.count)
        for _ in 0..<n { counts[g.categorical(weights)] += 1 }
        #expect(counts[1] == 0)
        for (count, w) in zip(counts, weights) where w > 0 {
            let standardError = (w * (1 - w) / Double(n)).squareRoot()
            #expect(abs(Double(count) / Double(n) - w) < 5 * standardError)
        }
        // Unnormalized weights in Float work too.
        let f: [Float] = [0, 0, 5]
        #expect(g.categorical(f) == 2)
    }

    @Test("permutations contain every index once, and all 6 orders of 3 appear about equally")
    func permutations() {
        var g = SeededGenerator(seed: 5)
        let p = g.permutation(1000)
        #expect(p.sorted() == Array(0..<1000))
        #expect(p != Array(0..<1000))
        var counts: [[Int]: Int] = [:]
        for _ in 0..<60_000 { counts[g.permutation(3), default: 0] += 1 }
        #expect(counts.count == 6)
        // Chi-square with 5 degrees of freedom: the 99.9 % quantile is 20.52.
        let chiSquare = counts.values.map { (Double($0) - 10_000) * (Double($0) - 10_000) / 10_000 }.reduce(0, +)
        #expect(chiSquare < 20.52)
    }

    @Test("a generator round-trips through Codable mid-stream, including a pending normal")
    func codable() throws {
        var g = SeededGenerator(seed: 6)
        _ = g.normal()  // leaves a spare normal deviate pending
        let data = try JSONEncoder().encode(g)
        var restored = try JSONDecoder().decode(SeededGenerator.self, from: data)
        #expect(restored == g)
        #expect((0..<10).map { _ in restored.normal() } == (0..<10).map { _ in g.normal() })
        let corrupt = Data(#"{"state":[0,0,0,0]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SeededGenerator.self, from: corrupt) }
    }

    @Test("split() gives a child stream independent of the parent's later draws")
    func split() {
        var parent = SeededGenerator(seed: 7)
        var child = parent.split()
        var parentAgain = SeededGenerator(seed: 7)
        var childAgain = parentAgain.split()
        #expect((0..<5).map { _ in child.next() } == (0..<5).map { _ in childAgain.next() })
        #expect(parent.next() != child.next())
    }
}
