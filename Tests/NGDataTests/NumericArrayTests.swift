import NGLinearAlgebra
import Testing
@testable import NGData

@Suite("Numeric arrays")
struct NumericArrayTests {
    @Test func convertsToMatricesVectorsAndIntegers() throws {
        let images = try NumericArray(shape: [2, 2, 3], storage: .uint8(Array(0..<12)))
        let flat = try images.matrix(as: Float.self, flatteningTrailingAxes: true)
        #expect(flat == (try Matrix<Float>(rows: 2, columns: 6, elements: (0..<12).map(Float.init))))
        expectDataError("expected a 2-dimensional array, found shape [2, 2, 3]") { _ = try images.matrix(as: Double.self) }

        let matrix = try Matrix<Double>([[1, 2], [3, 4]])
        let array = NumericArray(matrix)
        #expect(array.shape == [2, 2] && array.elementType == .float64)
        #expect(try array.matrix(as: Double.self) == matrix)
        #expect(NumericArray(matrix.converted(to: Float.self)).elementType == .float32)
        expectDataError("expected a 1-dimensional array") { _ = try array.vector(as: Double.self) }
        expectDataError("expected integers, found float64 elements") {
            _ = try NumericArray(shape: [2], storage: .float64([1, 2])).integers()
        }

        let column = try NumericArray(shape: [3], storage: .int16([-1, 0, 5]))
        #expect(try column.integers() == [-1, 0, 5])
        #expect(try column.vector(as: Double.self) == Vector([-1, 0, 5]))
        #expect(try column.matrix(as: Double.self, flatteningTrailingAxes: true).shape == (3, 1))

        let scalar = try NumericArray(shape: [], storage: .float32([2.5]))
        #expect(scalar.rank == 0 && scalar.count == 1)
        expectDataError("0-dimensional") { _ = try scalar.matrix(as: Float.self, flatteningTrailingAxes: true) }

        expectDataError("expected integers") {
            _ = try NumericArray(shape: [1], storage: .uint64([UInt64(Int.max) + 1])).integers()
        }
        #expect(NumericArray(integers: [4, -2]).storage == .int64([4, -2]))
    }

    @Test func checksShapeAgainstElementCount() {
        expectDataError("shape [2, 3] needs 6 elements, found 5") {
            _ = try NumericArray(shape: [2, 3], storage: .int8([1, 2, 3, 4, 5]))
        }
        expectDataError("invalid shape [-1]") { _ = try NumericArray(shape: [-1], storage: .int8([])) }
        expectDataError("invalid shape") { _ = try NumericArray(shape: [Int.max, 3], storage: .int8([])) }
    }
}
