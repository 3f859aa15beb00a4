import Foundation

/// The JSON header of a safetensors file: one entry per tensor and an optional string map
/// under `__metadata__`.
///
///     {"__metadata__": {"format": "pt"},
///      "layers.0.weight": {"dtype": "F32", "shape": [10, 10], "data_offsets": [0, 400]}}
///
/// Offsets are relative to the start of the data buffer that follows the header.
struct SafeTensorsHeader: Decodable {
    /// One tensor's entry, as written in the JSON.
    struct Entry: Decodable {
        var dtype: String
        var shape: [Int]
        var dataOffsets: [Int]

        enum CodingKeys: String, CodingKey {
            case dtype, shape
            case dataOffsets = "data_offsets"
        }
    }

    /// The tensor entries by name.
    var entries: [String: Entry] = [:]
    /// The `__metadata__` map (empty when absent).
    var metadata: [String: String] = [:]

    static let metadataKey = "__metadata__"

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            if key.stringValue == Self.metadataKey {
                metadata = try container.decode([String: String].self, forKey: key)
            } else {
                entries[key.stringValue] = try container.decode(Entry.self, forKey: key)
            }
        }
    }

    /// The header in `bytes`; `path` names the file in errors.
    /// - Throws: ``DataError`` when the bytes are not UTF-8 JSON of the expected structure.
    init(parsing bytes: ArraySlice<UInt8>, path: String) throws {
        guard bytes.first == UInt8(ascii: "{") else {
            throw DataError(path, "header does not start with '{' (not a safetensors file?)")
        }
        do {
            self = try JSONDecoder().decode(SafeTensorsHeader.self, from: Data(bytes))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
                let DecodingError.keyNotFound(_, context), let DecodingError.dataCorrupted(context) {
            let place = context.codingPath.map(\.stringValue).filter { !$0.hasPrefix("Index ") }
            let at = place.isEmpty ? "" : " at '\(place.joined(separator: "'/'"))'"
            throw DataError(path, "invalid JSON header\(at): \(context.debugDescription)")
        } catch {
            throw DataError(path, "invalid JSON header: \(error)")
        }
    }

    /// The element type and file encoding of a safetensors dtype name, or nil if unsupported.
    static func elementType(dtype: String) -> (type: ElementType, half: HalfFormat?)? {
        switch dtype {
        case "F64": return (.float64, nil)
        case "F32": return (.float32, nil)
        case "F16": return (.float32, .ieee)
        case "BF16": return (.float32, .bfloat16)
        case "I64": return (.int64, nil)
        case "I32": return (.int32, nil)
        case "I16": return (.int16, nil)
        case "I8": return (.int8, nil)
        case "U64": return (.uint64, nil)
        case "U32": return (.uint32, nil)
        case "U16": return (.uint16, nil)
        case "U8": return (.uint8, nil)
        default: return nil
        }
    }

    /// The 16-bit float formats read into `float32`.
    enum HalfFormat { case ieee, bfloat16 }

    /// The safetensors dtype name written for `type`.
    static func dtype(of type: ElementType) -> String {
        switch type {
        case .float64: return "F64"
        case .float32: return "F32"
        case .int64: return "I64"
        case .int32: return "I32"
        case .int16: return "I16"
        case .int8: return "I8"
        case .uint64: return "U64"
        case .uint32: return "U32"
        case .uint16: return "U16"
        case .uint8: return "U8"
        }
    }
}

/// `text` as a JSON string literal, quoted and escaped (RFC 8259).
func jsonString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where scalar.value < 0x20:
            let digits = String(scalar.value, radix: 16)
            result += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
