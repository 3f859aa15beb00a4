import Foundation
import NGRandom
import Testing
@testable import NGData

/// A fresh directory under the system temporary directory, removed when released.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("NGDataTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The URL of `name` inside the directory.
    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `bytes` to `name` and returns its URL.
    func write(_ bytes: [UInt8], to name: String) throws -> URL {
        let target = file(name)
        try Data(bytes).write(to: target)
        return target
    }

    /// Writes `text` (UTF-8) to `name` and returns its URL.
    func write(_ text: String, to name: String) throws -> URL { try write(Array(text.utf8), to: name) }
}

/// Runs `body` and checks that it throws a ``DataError`` whose message contains every fragment.
func expectDataError(
    _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected a DataError mentioning \(fragments), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as DataError {
        for fragment in fragments {
            #expect(error.description.contains(fragment), "message '\(error)' lacks '\(fragment)'", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected a DataError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
}

/// The bytes spelled by a hexadecimal string ("934e55…"); whitespace is ignored.
func bytes(hex: String) -> [UInt8] {
    let digits = hex.filter { !$0.isWhitespace }.map { UInt8(String($0), radix: 16)! }
    return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
}

/// `value` as `width` bytes, big-endian.
func bigEndian(_ value: UInt64, width: Int) -> [UInt8] {
    (0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
}

/// `value` as `width` bytes, little-endian.
func littleEndian(_ value: UInt64, width: Int) -> [UInt8] {
    (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
}

/// Random elements of `type`: normal deviates for floating point, random bit patterns for
/// integers (so signs and the full range are exercised).
func randomStorage(_ type: ElementType, count: Int, generator: inout SeededGenerator) -> NumericStorage {
    func bits() -> UInt64 { generator.next() }
    switch type {
    case .float32: return .float32((0..<count).map { _ in Float(generator.normal()) })
    case .float64: return .float64((0..<count).map { _ in generator.normal() })
    case .int8: return .int8((0..<count).map { _ in Int8(truncatingIfNeeded: bits()) })
    case .int16: return .int16((0..<count).map { _ in Int16(truncatingIfNeeded: bits()) })
    case .int32: return .int32((0..<count).map { _ in Int32(truncatingIfNeeded: bits()) })
    case .int64: return .int64((0..<count).map { _ in Int64(truncatingIfNeeded: bits()) })
    case .uint8: return .uint8((0..<count).map { _ in UInt8(truncatingIfNeeded: bits()) })
    case .uint16: return .uint16((0..<count).map { _ in UInt16(truncatingIfNeeded: bits()) })
    case .uint32: return .uint32((0..<count).map { _ in UInt32(truncatingIfNeeded: bits()) })
    case .uint64: return .uint64((0..<count).map { _ in bits() })
    }
}
