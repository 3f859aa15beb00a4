import Foundation

/// The JSON conventions of report files: pretty-printed with sorted keys (stable, diffable
/// output), slashes unescaped, and non-finite numbers — the gaps of a diverged run — written
/// as the strings `"NaN"`, `"Infinity"` and `"-Infinity"` instead of failing to encode.
public enum ReportJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }

    /// `value` as report JSON, ending in a newline.
    public static func encode<Value: Encodable>(_ value: Value) throws -> Data {
        var data = try encoder().encode(value)
        data.append(0x0A)
        return data
    }

    public static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        try decoder().decode(type, from: data)
    }
}
