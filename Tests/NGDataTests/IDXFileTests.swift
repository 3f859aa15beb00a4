import NGLinearAlgebra
import NGRandom
import Testing
@testable import NGData

@Suite("IDX files")
struct IDXFileTests {
    /// The header of an IDX file: two zero bytes, the type code, the dimensions.
    static func header(type: UInt8, _ dimensions: [UInt64]) -> [UInt8] {
        [0, 0, type, UInt8(dimensions.count)] + dimensions.flatMap { bigEndian($0, width: 4) }
    }

    @Test func readsHandWrittenFilesOfEveryType() throws {
        let ubyte = try IDXFile.decode(Self.header(type: 0x08, [2, 3]) + [1, 2, 3, 4, 5, 250], path: "u8")
        #expect(ubyte.shape == [2, 3])
        #expect(ubyte.storage == .uint8([1, 2, 3, 4, 5, 250]))

        let int8 = try IDXFile.decode(Self.header(type: 0x09, [2]) + [0x7F, 0x80], path: "i8")
        #expect(int8.storage == .int8([127, -128]))

        let int16 = try IDXFile.decode(Self.header(type: 0x0B, [2]) + [0x01, 0x02, 0xFF, 0xFE], path: "i16")
        #expect(int16.storage == .int16([258, -2]))

        let int32 = try IDXFile.decode(Self.header(type: 0x0C, [1]) + [0xFF, 0xFF, 0xFF, 0xFD], path: "i32")
        #expect(int32.storage == .int32([-3]))

        // 0x3F800000 is 1.0 and 0xC0000000 is −2.0 in binary32.
        let float32 = try IDXFile.decode(Self.header(type: 0x0D, [1, 2]) + [0x3F, 0x80, 0, 0, 0xC0, 0, 0, 0], path: "f32")
        #expect(float32.shape == [1, 2])
        #expect(float32.storage == .float32([1, -2]))

        // 0x3FF8000000000000 is 1.5 in binary64.
        let float64 = try IDXFile.decode(Self.header(type: 0x0E, [1]) + [0x3F, 0xF8, 0, 0, 0, 0, 0, 0], path: "f64")
        #expect(float64.storage == .float64([1.5]))
    }

    @Test func readsGzipByContentNotName() throws {
        let raw = Self.header(type: 0x08, [3]) + [7, 8, 9]
        let directory = try TemporaryDirectory()
        let compressed = try directory.write(Gzip.compress(raw), to: "labels.idx")  // no .gz suffix
        let plain = try directory.write(raw, to: "labels.gz")  // misleading suffix
        #expect(try IDXFile.read(compressed).storage == .uint8([7, 8, 9]))
        #expect(try IDXFile.read(plain).storage == .uint8([7, 8, 9]))
    }

    @Test(arguments: [ElementType.uint8, .int8, .int16, .int32, .float32, .float64])
    func roundTripsThroughFiles(type: ElementType) throws {
        var generator = SeededGenerator(seed: 7)
        let array = try NumericArray(shape: [3, 4, 5], storage: randomStorage(type, count: 60, generator: &generator))
        let directory = try TemporaryDirectory()
        for compressed in [false, true] {
            let url = directory.file("a-\(compressed).idx")
            try IDXFile.write(array, to: url, compressed: compressed)
            #expect(try IDXFile.read(url) == array)
        }
        // The encoding is pinned by the layout: 4 magic bytes, 3 big-endian dimensions, data.
        let bytes = try IDXFile.encode(array)
        #expect(bytes.count == 4 + 12 + 60 * type.byteCount)
        #expect(Array(bytes.prefix(16)) == Self.header(type: bytes[2], [3, 4, 5]))
    }

    @Test func refusesTypesIDXCannotHold() throws {
        let array = NumericArray(integers: [1, 2])
        expectDataError("IDX has no int64 type") { _ = try IDXFile.encode(array) }
        let scalar = try NumericArray(shape: [], storage: .uint8([1]))
        expectDataError("1 to 255 dimensions") { _ = try IDXFile.encode(scalar) }
    }

    @Test func rejectsMalformedFiles() {
        expectDataError("short.idx", "too short for an IDX header") { _ = try IDXFile.decode([0, 0, 8], path: "short.idx") }
        expectDataError("mnist.gz", "bad magic number 0x12340801") {
            _ = try IDXFile.decode([0x12, 0x34, 0x08, 0x01, 0, 0, 0, 1, 5], path: "mnist.gz")
        }
        expectDataError("type.idx", "bad magic number 0x00000a01", "unknown IDX type code 0x0a") {
            _ = try IDXFile.decode(Self.header(type: 0x0A, [1]) + [5], path: "type.idx")
        }
        expectDataError("nodims.idx", "zero dimensions") { _ = try IDXFile.decode([0, 0, 8, 0, 5], path: "nodims.idx") }
        expectDataError("zero.idx", "dimension 1 has size 0") {
            _ = try IDXFile.decode(Self.header(type: 0x08, [2, 0]), path: "zero.idx")
        }
        expectDataError("dims.idx", "file ends inside the dimensions") {
            _ = try IDXFile.decode([0, 0, 8, 2, 0, 0, 0, 1, 0, 0], path: "dims.idx")
        }
        expectDataError("cut.idx", "declares 2×3 uint8 elements (6 bytes) but the file holds 5 bytes") {
            _ = try IDXFile.decode(Self.header(type: 0x08, [2, 3]) + [1, 2, 3, 4, 5], path: "cut.idx")
        }
        expectDataError("long.idx", "declares 2 int16 elements (4 bytes) but the file holds 5 bytes") {
            _ = try IDXFile.decode(Self.header(type: 0x0B, [2]) + [1, 2, 3, 4, 5], path: "long.idx")
        }
        // 2³² − 1 to the fourth power overflows: rejected from the header, nothing allocated.
        expectDataError("huge.idx", "more bytes than can be addressed") {
            _ = try IDXFile.decode(Self.header(type: 0x0E, [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF]), path: "huge.idx")
        }
        // A plausible-looking header for 281 TB, in a 12-byte file: rejected before allocating.
        expectDataError("big.idx", "declares 4294967295×65535 uint8 elements (281470681677825 bytes) but the file holds 0 bytes") {
            _ = try IDXFile.decode(Self.header(type: 0x08, [0xFFFF_FFFF, 0xFFFF]), path: "big.idx")
        }
    }

    @Test func pairsImagesWithLabels() throws {
        let directory = try TemporaryDirectory()
        let images = try directory.write(Self.header(type: 0x08, [2, 2, 2]) + [0, 1, 2, 3, 4, 5, 6, 255], to: "images")
        let labels = try directory.write(Gzip.compress(Self.header(type: 0x08, [2]) + [3, 9]), to: "labels")
        let pair = try IDXFile.readImagesAndLabels(images: images, labels: labels)
        #expect(pair.labels == [3, 9])
        #expect(try pair.images.matrix(as: Double.self, flatteningTrailingAxes: true)
            == Matrix([[0, 1, 2, 3], [4, 5, 6, 255]]))

        let threeLabels = try directory.write(Self.header(type: 0x08, [3]) + [1, 2, 3], to: "three")
        expectDataError("three", "holds 3 labels but", "images holds 2 images") {
            _ = try IDXFile.readImagesAndLabels(images: images, labels: threeLabels)
        }
        let floatLabels = try directory.write(Self.header(type: 0x0D, [2]) + [0, 0, 0, 0, 0, 0, 0, 0], to: "floats")
        expectDataError("floats", "expected a 1-dimensional integer label array") {
            _ = try IDXFile.readImagesAndLabels(images: images, labels: floatLabels)
        }
        expectDataError("missing", "no such file") {
            _ = try IDXFile.read(directory.file("missing"))
        }
    }
}
