import NGRandom
import Testing
@testable import NGData

@Suite("safetensors files")
struct SafeTensorsFileTests {
    /// A file from its JSON header (padded with spaces to 8 bytes, as the format does) and data buffer.
    static func file(header: String, data: [UInt8]) -> [UInt8] {
        var json = Array(header.utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        return littleEndian(UInt64(json.count), width: 8) + json + data
    }

    @Test func readsAHandWrittenFile() throws {
        // F32 [1, -2] is 0x3F800000, 0xC0000000 little-endian; I64 [7]; F16 [1, -2] is 0x3C00,
        // 0xC000; BF16 [1, -2] is 0x3F80, 0xC000; U8 [200] and a 0-dimensional I16 scalar −3.
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"format":"pt","note":"é \"q\""},"#
            + #""b":{"dtype":"I64","shape":[1,1],"data_offsets":[8,16]},"h":{"dtype":"F16","shape":[2],"data_offsets":[16,20]},"#
            + #""g":{"dtype":"BF16","shape":[2],"data_offsets":[20,24]},"u":{"dtype":"U8","shape":[1],"data_offsets":[24,25]},"#
            + #""s":{"dtype":"I16","shape":[],"data_offsets":[25,27]},"e":{"dtype":"F64","shape":[0,3],"data_offsets":[27,27]}}"#
        let data: [UInt8] = [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0] + littleEndian(7, width: 8)
            + [0x00, 0x3C, 0x00, 0xC0] + [0x80, 0x3F, 0x00, 0xC0] + [200] + [0xFD, 0xFF]
        let file = try SafeTensorsFile.decode(Self.file(header: header, data: data), path: "hand.safetensors")
        #expect(file.metadata == ["format": "pt", "note": "é \"q\""])
        #expect(file.tensors["a"] == (try NumericArray(shape: [2], storage: .float32([1, -2]))))
        #expect(file.tensors["b"] == (try NumericArray(shape: [1, 1], storage: .int64([7]))))
        #expect(file.tensors["h"] == (try NumericArray(shape: [2], storage: .float32([1, -2]))))
        #expect(file.tensors["g"] == (try NumericArray(shape: [2], storage: .float32([1, -2]))))
        #expect(file.tensors["u"] == (try NumericArray(shape: [1], storage: .uint8([200]))))
        #expect(file.tensors["s"] == (try NumericArray(shape: [], storage: .int16([-3]))))
        #expect(file.tensors["e"] == (try NumericArray(shape: [0, 3], storage: .float64([]))))
        #expect(file.tensors.count == 7)
    }

    @Test func writesTheReferenceLayout() throws {
        let file = SafeTensorsFile(
            tensors: [
                "w": try NumericArray(shape: [2], storage: .float32([1, -2])),
                "b": try NumericArray(shape: [1], storage: .float64([0.5])),
                "a": try NumericArray(shape: [1], storage: .float32([3])),
                "i": try NumericArray(shape: [2], storage: .int8([-1, 2])),
            ],
            metadata: ["k": "v"])
        // Header: metadata first, then F64, F32 (by name), I8; 242 bytes of JSON padded with
        // 6 spaces to 248, a multiple of 8. safetensors 0.8.0 writes exactly these bytes.
        let json = #"{"__metadata__":{"k":"v"},"b":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"#
            + #""a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"w":{"dtype":"F32","shape":[2],"data_offsets":[12,20]},"#
            + #""i":{"dtype":"I8","shape":[2],"data_offsets":[20,22]}}"#
        let data = littleEndian(Double(0.5).bitPattern, width: 8) + [0, 0, 0x40, 0x40] + [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0] + [0xFF, 2]
        #expect(json.utf8.count == 242)
        let expected = littleEndian(248, width: 8) + Array(json.utf8) + Array(repeating: 0x20, count: 6) + data
        #expect(try file.encoded() == expected)
    }

    /// `safetensors.numpy.save` (safetensors 0.8.0) of one-element tensors x: int64 1, y: uint64 1,
    /// z: float64 1, h: uint16 1, g: int16 1, u: uint8 [[7]], f: float32 2.5, s: int32 −3,
    /// t: uint32 9, c: int8 −1 — the reference writer's bytes, in hexadecimal.
    static let writtenByReference = "28020000000000007b2279223a7b226474797065223a22553634222c227368617065223a5b315d2c22646174615f6f666673657473223a5b302c385d7d2c2278223a7b226474797065223a22493634222c227368617065223a5b315d2c22646174615f6f666673657473223a5b382c31365d7d2c227a223a7b226474797065223a22463634222c227368617065223a5b315d2c22646174615f6f666673657473223a5b31362c32345d7d2c2266223a7b226474797065223a22463332222c227368617065223a5b315d2c22646174615f6f666673657473223a5b32342c32385d7d2c2274223a7b226474797065223a22553332222c227368617065223a5b315d2c22646174615f6f666673657473223a5b32382c33325d7d2c2273223a7b226474797065223a22493332222c227368617065223a5b315d2c22646174615f6f666673657473223a5b33322c33365d7d2c2268223a7b226474797065223a22553136222c227368617065223a5b315d2c22646174615f6f666673657473223a5b33362c33385d7d2c2267223a7b226474797065223a22493136222c227368617065223a5b315d2c22646174615f6f666673657473223a5b33382c34305d7d2c2263223a7b226474797065223a224938222c227368617065223a5b315d2c22646174615f6f666673657473223a5b34302c34315d7d2c2275223a7b226474797065223a225538222c227368617065223a5b312c315d2c22646174615f6f666673657473223a5b34312c34325d7d7d2020202001000000000000000100000000000000000000000000f03f0000204009000000fdffffff01000100ff07"

    @Test func matchesTheReferenceWriterByteForByte() throws {
        let file = SafeTensorsFile(tensors: [
            "x": try NumericArray(shape: [1], storage: .int64([1])),
            "y": try NumericArray(shape: [1], storage: .uint64([1])),
            "z": try NumericArray(shape: [1], storage: .float64([1])),
            "h": try NumericArray(shape: [1], storage: .uint16([1])),
            "g": try NumericArray(shape: [1], storage: .int16([1])),
            "u": try NumericArray(shape: [1, 1], storage: .uint8([7])),
            "f": try NumericArray(shape: [1], storage: .float32([2.5])),
            "s": try NumericArray(shape: [1], storage: .int32([-3])),
            "t": try NumericArray(shape: [1], storage: .uint32([9])),
            "c": try NumericArray(shape: [1], storage: .int8([-1])),
        ])
        #expect(try SafeTensorsFile.decode(bytes(hex: Self.writtenByReference), path: "reference.safetensors") == file)
        #expect(try file.encoded() == bytes(hex: Self.writtenByReference))
    }

    @Test func roundTripsEveryTypeWithMetadata() throws {
        var generator = SeededGenerator(seed: 5)
        var tensors: [String: NumericArray] = [:]
        for (k, type) in ElementType.allCases.enumerated() {
            let shape = [[3, 2], [5], [], [2, 0], [1, 2, 3]][k % 5]
            tensors["layers.\(k).\(type.rawValue)"] = try NumericArray(
                shape: shape, storage: randomStorage(type, count: shape.reduce(1, *), generator: &generator))
        }
        let file = SafeTensorsFile(tensors: tensors, metadata: ["format": "np", "quote\"and\\slash\n": "tab\t\u{1}"])
        let directory = try TemporaryDirectory()
        try file.write(to: directory.file("m.safetensors"))
        #expect(try SafeTensorsFile.read(directory.file("m.safetensors")) == file)
        let bytes = try file.encoded()
        let headerLength = Int(bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        #expect(headerLength % 8 == 0)
        #expect(bytes.count == 8 + headerLength + tensors.values.reduce(0) { $0 + $1.count * $1.elementType.byteCount })
    }

    @Test func rejectsAReservedTensorName() {
        let file = SafeTensorsFile(tensors: ["__metadata__": NumericArray(integers: [1])])
        expectDataError("cannot be named '__metadata__'") { _ = try file.encoded() }
    }

    @Test func rejectsMalformedFiles() {
        func decode(_ header: String, _ data: [UInt8] = []) throws {
            _ = try SafeTensorsFile.decode(Self.file(header: header, data: data), path: "w.safetensors")
        }
        let f32 = #""dtype":"F32","shape":[1]"#
        expectDataError("w.safetensors", "too short for the 8-byte header length") {
            _ = try SafeTensorsFile.decode([1, 2, 3], path: "w.safetensors")
        }
        expectDataError("w.safetensors", "header length 200000000 exceeds the limit of 100000000 bytes") {
            _ = try SafeTensorsFile.decode(littleEndian(200_000_000, width: 8) + Array("{}".utf8), path: "w.safetensors")
        }
        expectDataError("w.safetensors", "header length 18446744073709551615 exceeds the limit") {
            _ = try SafeTensorsFile.decode(littleEndian(UInt64.max, width: 8), path: "w.safetensors")
        }
        expectDataError("w.safetensors", "header length 64 is longer than the 2 bytes left") {
            _ = try SafeTensorsFile.decode(littleEndian(64, width: 8) + Array("{}".utf8), path: "w.safetensors")
        }
        expectDataError("w.safetensors", "does not start with '{'") { try decode("[1, 2]") }
        expectDataError("w.safetensors", "invalid JSON header") { try decode(#"{"a": {"dtype": "F32",}"#) }
        expectDataError("w.safetensors", "invalid JSON header", "a") { try decode(#"{"a":{"dtype":"F32","shape":[1]}}"#) }
        expectDataError("w.safetensors", "invalid JSON header") { try decode(#"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, [0, 0, 0, 0]) }
        expectDataError("w.safetensors", "invalid JSON header", "__metadata__") { try decode(#"{"__metadata__":{"n":1}}"#) }
        expectDataError("w.safetensors", "tensor 'a' has unsupported dtype 'BOOL'") {
            try decode(#"{"a":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]}}"#, [1])
        }
        expectDataError("w.safetensors", "tensor 'a' has 3 data_offsets") {
            try decode(#"{"a":{\#(f32),"data_offsets":[0,4,8]}}"#, [0, 0, 0, 0])
        }
        expectDataError("w.safetensors", "tensor 'a' data [0, 8) lies outside the 4-byte data buffer") {
            try decode(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, [0, 0, 0, 0])
        }
        expectDataError("w.safetensors", "tensor 'a' data [4, 0) lies outside") {
            try decode(#"{"a":{\#(f32),"data_offsets":[4,0]}}"#, [0, 0, 0, 0])
        }
        expectDataError("w.safetensors", "tensor 'a' of shape [3] and dtype F32 does not fill its data [0, 8)") {
            try decode(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, Array(repeating: 0, count: 8))
        }
        expectDataError("w.safetensors", "tensor 'a' of shape [-1]") {
            try decode(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#)
        }
        expectDataError("w.safetensors", "tensor 'layers.0.weight' data [0, 400) overlaps tensor 'layers.0.bias'") {
            try decode(#"{"layers.0.weight":{"dtype":"F32","shape":[10,10],"data_offsets":[0,400]},"#
                + #""layers.0.bias":{"dtype":"F32","shape":[100],"data_offsets":[0,400]}}"#, Array(repeating: 0, count: 400))
        }
        expectDataError("w.safetensors", "tensor 'b' data [4, 12) overlaps tensor 'a'") {
            try decode(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                       Array(repeating: 0, count: 12))
        }
        expectDataError("w.safetensors", "bytes [4, 8) of the data buffer belong to no tensor") {
            try decode(#"{"a":{\#(f32),"data_offsets":[0,4]},"b":{\#(f32),"data_offsets":[8,12]}}"#, Array(repeating: 0, count: 12))
        }
        expectDataError("w.safetensors", "bytes [4, 6) at the end of the data buffer belong to no tensor") {
            try decode(#"{"a":{\#(f32),"data_offsets":[0,4]}}"#, Array(repeating: 0, count: 6))
        }
    }
}
