import NGLinearAlgebra
import NGTestSupport
import Testing

/// The storage initializers the layers use: writing entries into fresh storage, the
/// prespecialized fills, and the minibatch gather, including empty shapes.
@Suite struct MatrixInitializationTests {
    @Test(arguments: TestCases.precisions)
    func initializersMatchEntryByEntryConstruction(_ type: any BLASScalar.Type) {
        check(type)
    }

    func check<T: BLASScalar>(_: T.Type) {
        for (rows, columns) in [(0, 0), (0, 3), (3, 0), (1, 1), (4, 7)] {
            let written = Matrix<T>(rows: rows, columns: columns) { buffer in
                #expect(buffer.count == rows * columns)
                for k in 0..<buffer.count { buffer[k] = T(k) + T(1) / 4 }
            }
            let expected = Matrix<T>(rows: rows, columns: columns) { i, j in T(i * columns + j) + T(1) / 4 }
            #expect(written == expected)
            #expect(written.shape == (rows, columns))

            let filled = Matrix<T>(rows: rows, columns: columns, repeating: 3)
            #expect(filled.elements.count == rows * columns && filled.elements.allSatisfy { $0 == 3 })
            let zeros = Vector<T>(count: rows * columns)
            #expect(zeros.count == rows * columns && zeros.elements.allSatisfy { $0 == 0 })

            // The gather from a generic context (the prespecialized path) and from a Range.
            let indices = rows == 0 ? [] : [rows - 1, 0, rows - 1]
            let gathered = gather(written, indices)
            #expect(gathered.shape == (indices.count, columns))
            for (r, i) in indices.enumerated() { for j in 0..<columns { #expect(gathered[r, j] == written[i, j]) } }
            #expect(written.rows(at: 0..<rows) == written)
        }
    }

    /// Calls `rows(at:)` through an unspecialized generic function.
    @inline(never)
    func gather<T: BLASScalar, C: Collection>(_ matrix: Matrix<T>, _ indices: C) -> Matrix<T> where C.Element == Int {
        matrix.rows(at: indices)
    }
}
