import NGLinearAlgebra
import NGRandom
import Testing
@testable import NGData

@Suite("NumPy .npy files")
struct NumPyFileTests {
    /// Files written by NumPy 2.4 (`np.lib.format.write_array`), in hexadecimal: the oracle for
    /// both reading and writing.
    enum WrittenByNumPy {
        /// np.arange(6, dtype='<f4').reshape(2, 3)
        static let float32Matrix = "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000803f0000004000004040000080400000a040"
        /// np.array([0, 1, 127, 128, 255], dtype='|u1')
        static let uint8Vector = "934e554d5059010076007b276465736372273a20277c7531272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028352c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a00017f80ff"
        /// np.array(3.5), a 0-dimensional float64
        static let float64Scalar = "934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000000000000c40"
        /// np.asfortranarray(np.arange(6, dtype='<i4').reshape(2, 3))
        static let int32Fortran = "934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a20547275652c20277368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000300000001000000040000000200000005000000"
        /// np.asfortranarray(np.arange(24, dtype='<i2').reshape(2, 3, 4))
        static let int16Fortran3D = "934e554d5059010076007b276465736372273a20273c6932272c2027666f727472616e5f6f72646572273a20547275652c20277368617065273a2028322c20332c2034292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a00000c00040010000800140001000d00050011000900150002000e00060012000a00160003000f00070013000b001700"
        /// np.array([1.5, -2.0], dtype='>f8')
        static let bigEndianFloat64 = "934e554d5059010076007b276465736372273a20273e6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a3ff8000000000000c000000000000000"
        /// np.array([1, -2, 258], dtype='>i2')
        static let bigEndianInt16 = "934e554d5059010076007b276465736372273a20273e6932272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0001fffe0102"
        /// np.array([1.0, -2.0, 65504, 2**-24, np.inf], dtype='<f2')
        static let float16Vector = "934e554d5059010076007b276465736372273a20273c6632272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028352c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a003c00c0ff7b0100007c"
        /// np.array([1, 65535], dtype='<u2') written with version=(2, 0)
        static let version2 = "934e554d50590200740000007b276465736372273a20273c7532272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0100ffff"
        /// np.array([-1, 2**40], dtype='<i8') written with version=(3, 0)
        static let version3 = "934e554d50590300740000007b276465736372273a20273c6938272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200affffffffffffffff0000000000010000"
    }

    static func read(_ hex: String) throws -> NumericArray { try NumPyFile.decode(bytes(hex: hex), path: "fixture.npy") }

    @Test func readsFilesWrittenByNumPy() throws {
        #expect(try Self.read(WrittenByNumPy.float32Matrix) == NumericArray(shape: [2, 3], storage: .float32([0, 1, 2, 3, 4, 5])))
        #expect(try Self.read(WrittenByNumPy.uint8Vector) == NumericArray(shape: [5], storage: .uint8([0, 1, 127, 128, 255])))
        #expect(try Self.read(WrittenByNumPy.float64Scalar) == NumericArray(shape: [], storage: .float64([3.5])))
        #expect(try Self.read(WrittenByNumPy.bigEndianFloat64) == NumericArray(shape: [2], storage: .float64([1.5, -2])))
        #expect(try Self.read(WrittenByNumPy.bigEndianInt16) == NumericArray(shape: [3], storage: .int16([1, -2, 258])))
        #expect(try Self.read(WrittenByNumPy.version2) == NumericArray(shape: [2], storage: .uint16([1, 65535])))
        #expect(try Self.read(WrittenByNumPy.version3) == NumericArray(shape: [2], storage: .int64([-1, 1 << 40])))
        #expect(try Self.read(WrittenByNumPy.float16Vector)
            == NumericArray(shape: [5], storage: .float32([1, -2, 65504, 0x1p-24, .infinity])))
    }

    @Test func transposesFortranOrderToRowMajor() throws {
        // The file holds 0 3 1 4 2 5 (column by column); row-major reading gives 0…5.
        #expect(try Self.read(WrittenByNumPy.int32Fortran) == NumericArray(shape: [2, 3], storage: .int32([0, 1, 2, 3, 4, 5])))
        #expect(try Self.read(WrittenByNumPy.int16Fortran3D) == NumericArray(shape: [2, 3, 4], storage: .int16((0..<24).map(Int16.init))))
        // A hand-built Fortran-order header over the same bytes as a C-order 3×2 file: the transpose.
        let body = Array("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }".utf8)
        let data: [Double] = [1, 2, 3, 4, 5, 6]
        let file = [0x93] + Array("NUMPY".utf8) + [1, 0] + littleEndian(UInt64(body.count + 1), width: 2) + body + [0x0A]
            + data.flatMap { littleEndian($0.bitPattern, width: 8) }
        let array = try NumPyFile.decode(file, path: "f.npy")
        #expect(try array.matrix(as: Double.self) == Matrix([[1, 3, 5], [2, 4, 6]]))
    }

    @Test func writesWhatNumPyWrites() throws {
        #expect(NumPyFile.encode(try NumericArray(shape: [2, 3], storage: .float32([0, 1, 2, 3, 4, 5]))) == bytes(hex: WrittenByNumPy.float32Matrix))
        #expect(NumPyFile.encode(try NumericArray(shape: [5], storage: .uint8([0, 1, 127, 128, 255]))) == bytes(hex: WrittenByNumPy.uint8Vector))
        #expect(NumPyFile.encode(try NumericArray(shape: [], storage: .float64([3.5]))) == bytes(hex: WrittenByNumPy.float64Scalar))
    }

    @Test(arguments: ElementType.allCases)
    func roundTripsEveryTypeAndRank(type: ElementType) throws {
        var generator = SeededGenerator(seed: 11)
        let directory = try TemporaryDirectory()
        for shape in [[], [0], [7], [2, 3], [2, 0, 3], [3, 1, 4, 2], [123_456_789_012, 0]] {
            let array = try NumericArray(shape: shape, storage: randomStorage(type, count: shape.reduce(1, *), generator: &generator))
            let bytes = NumPyFile.encode(array)
            let headerEnd = bytes.firstIndex(of: 0x0A)! + 1
            #expect(headerEnd % 64 == 0, "data of \(shape) starts at \(headerEnd)")
            #expect(bytes.count == headerEnd + array.count * type.byteCount)
            let url = directory.file("a.npy")
            try NumPyFile.write(array, to: url)
            #expect(try NumPyFile.read(url) == array)
        }
    }

    @Test func switchesToVersion2ForHugeHeaders() throws {
        let array = try NumericArray(shape: Array(repeating: 1, count: 25_000), storage: .int8([42]))
        let bytes = NumPyFile.encode(array)
        #expect(bytes[6] == 2 && bytes[7] == 0)
        #expect(try NumPyFile.decode(bytes, path: "v2.npy") == array)
    }

    /// A version-1.0 file with the given header text (padded as NumPy pads) and data.
    static func file(header: String, data: [UInt8] = [], version: UInt8 = 1) -> [UInt8] {
        var text = Array(header.utf8)
        let fieldSize = version == 1 ? 2 : 4
        while (8 + fieldSize + text.count + 1) % 64 != 0 { text.append(0x20) }
        return [0x93] + Array("NUMPY".utf8) + [version, 0] + littleEndian(UInt64(text.count + 1), width: fieldSize) + text + [0x0A] + data
    }

    @Test func rejectsMalformedFiles() {
        func decode(_ bytes: [UInt8]) throws { _ = try NumPyFile.decode(bytes, path: "w.npy") }
        let good = "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }"
        expectDataError("w.npy", "does not start with the magic string") { try decode(Array("PK\u{3}\u{4}not numpy".utf8)) }
        expectDataError("w.npy", "unsupported .npy format version 4.0") { try decode(Self.file(header: good, data: [1, 0, 2, 0], version: 4)) }
        expectDataError("w.npy", "header length 65535 is longer than the 2 bytes left") {
            try decode([0x93] + Array("NUMPY".utf8) + [1, 0, 0xFF, 0xFF, 0x7B, 0x7D])
        }
        expectDataError("w.npy", "header length 2147483647 exceeds the limit") {
            try decode([0x93] + Array("NUMPY".utf8) + [2, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0x7B, 0x7D])
        }
        expectDataError("w.npy", "not a valid Python literal", "line break inside a string") { try decode(Self.file(header: "{'descr': '<i2}")) }
        expectDataError("w.npy", "header is not a dictionary") { try decode(Self.file(header: "('<i2', False, (2,))")) }
        expectDataError("w.npy", "expected exactly ['descr', 'fortran_order', 'shape']") {
            try decode(Self.file(header: "{'descr': '<i2', 'shape': (2,)}"))
        }
        expectDataError("w.npy", "expected exactly") {
            try decode(Self.file(header: "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), 'extra': 1}"))
        }
        expectDataError("w.npy", "expected exactly") {
            try decode(Self.file(header: "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), 'shape': (2,)}"))
        }
        expectDataError("w.npy", "unsupported dtype '<c8'") {
            try decode(Self.file(header: "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", data: Array(repeating: 0, count: 8)))
        }
        expectDataError("w.npy", "dtype '|f4' has no byte order") {
            try decode(Self.file(header: "{'descr': '|f4', 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0]))
        }
        expectDataError("w.npy", "structured") {
            try decode(Self.file(header: "{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0]))
        }
        expectDataError("w.npy", "'fortran_order' must be True or False") {
            try decode(Self.file(header: "{'descr': '<i2', 'fortran_order': 0, 'shape': (2,), }", data: [1, 0, 2, 0]))
        }
        expectDataError("w.npy", "'shape' must be a tuple") {
            try decode(Self.file(header: "{'descr': '<i2', 'fortran_order': False, 'shape': (2), }", data: [1, 0, 2, 0]))
        }
        expectDataError("w.npy", "non-negative integers") {
            try decode(Self.file(header: "{'descr': '<i2', 'fortran_order': False, 'shape': (-2,), }"))
        }
        expectDataError("w.npy", "shape [2] needs 4 bytes of data, the file holds 3") { try decode(Self.file(header: good, data: [1, 0, 2])) }
        expectDataError("w.npy", "shape [2] needs 4 bytes of data, the file holds 6") { try decode(Self.file(header: good, data: [1, 0, 2, 0, 9, 9])) }
        expectDataError("w.npy", "more elements than can be addressed") {
            try decode(Self.file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"))
        }
        expectDataError("w.npy", "needs 8796093022208 bytes of data, the file holds 0") {
            try decode(Self.file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }"))
        }
        expectDataError("w.npy", "not valid UTF-8") {
            var bytes = Self.file(header: "{'descr': '<i2', 'fortran_order': False, 'shape': (0,), 'é': 1}", version: 3)
            bytes[bytes.firstIndex(of: 0xC3)!] = 0xFF
            try decode(bytes)
        }
    }
}
