import NGRandom
import Testing
@testable import NGData

@Suite("Gzip")
struct GzipTests {
    /// `printf 'hello, gzip\n' | gzip -n -9`, written by GNU gzip, not by our compressor.
    static let helloFixture: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xcb, 0x48,
        0xcd, 0xc9, 0xc9, 0xd7, 0x51, 0x48, 0xaf, 0xca, 0x2c, 0xe0, 0x02, 0x00,
        0x86, 0x1f, 0x82, 0xa4, 0x0c, 0x00, 0x00, 0x00,
    ]

    @Test func decompressesAFileWrittenByGzip() throws {
        #expect(Gzip.isCompressed(Self.helloFixture))
        #expect(try Gzip.decompress(Self.helloFixture, path: "hello.gz") == Array("hello, gzip\n".utf8))
    }

    @Test(arguments: [0, 1, 1000, 700_000])
    func roundTrips(count: Int) throws {
        var generator = SeededGenerator(seed: UInt64(count))
        // Half random bytes, half a repeated pattern, so the stream has both literals and matches.
        let data = (0..<count).map { $0 % 2 == 0 ? UInt8(truncatingIfNeeded: generator.next()) : UInt8($0 % 7) }
        let compressed = Gzip.compress(data)
        #expect(compressed.starts(with: [0x1F, 0x8B]))
        #expect(try Gzip.decompress(compressed, path: "x.gz") == data)
    }

    @Test func joinsConcatenatedMembers() throws {
        let joined = Gzip.compress(Array("first ".utf8)) + Gzip.compress(Array("second".utf8))
        #expect(try Gzip.decompress(joined, path: "two.gz") == Array("first second".utf8))
    }

    @Test func rejectsTruncatedCorruptAndTrailingData() {
        let fixture = Self.helloFixture
        expectDataError("cut.gz", "truncated") { _ = try Gzip.decompress(Array(fixture.prefix(20)), path: "cut.gz") }
        var corrupt = fixture
        corrupt[fixture.count - 6] ^= 0xFF  // a byte of the CRC-32
        expectDataError("crc.gz", "corrupt gzip data") { _ = try Gzip.decompress(corrupt, path: "crc.gz") }
        expectDataError("tail.gz", "3 bytes of trailing data") { _ = try Gzip.decompress(fixture + [1, 2, 3], path: "tail.gz") }
    }

    @Test func stopsAtTheOutputLimit() {
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 1 << 20))
        #expect(bomb.count < 5000)
        expectDataError("bomb.gz", "exceeds the limit of 100000 bytes") {
            _ = try Gzip.decompress(bomb, path: "bomb.gz", maximumByteCount: 100_000)
        }
    }
}
