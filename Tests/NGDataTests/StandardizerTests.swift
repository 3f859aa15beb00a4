import NGLinearAlgebra
import NGRandom
import NGTestSupport
import Testing
@testable import NGData

@Suite("Standardizer")
struct StandardizerTests {
    /// Columns with very different offsets and spreads, and a constant column (index 2).
    static func features<T: BLASScalar>(rows: Int, seed: UInt64, as: T.Type) -> Matrix<T> {
        var generator = SeededGenerator(seed: seed)
        let offsets = [100.0, -3.0, 0.1, 0.0]
        let spreads = [0.01, 5.0, 0.0, 1e3]
        return Matrix(rows: rows, columns: 4) { _, j in T(offsets[j] + spreads[j] * generator.normal()) }
    }

    /// Column means and population standard deviations by a naive loop in Double.
    static func naiveMoments<T: BLASScalar>(_ m: Matrix<T>) -> (means: [Double], deviations: [Double]) {
        let n = Double(m.rows)
        let means = (0..<m.columns).map { j in (0..<m.rows).reduce(0.0) { $0 + Double(m[$1, j]) } / n }
        let deviations = (0..<m.columns).map { j in
            let squares = (0..<m.rows).reduce(0.0) { sum, i in
                let deviation = Double(m[i, j]) - means[j]
                return sum + deviation * deviation
            }
            return (squares / n).squareRoot()
        }
        return (means, deviations)
    }

    /// The statistics are accumulated in Double whatever T is, so they are compared with
    /// Double-precision tolerances; the standardized entries are rounded once to T.
    static func check<T: BLASScalar>(_: T.Type) throws {
        let train = features(rows: 200, seed: 1, as: T.self)
        let test = features(rows: 50, seed: 2, as: T.self)
        let standardizer = try Standardizer(fitting: train)
        let (means, deviations) = naiveMoments(train)
        let epsilon = Double(T.ulpOfOne)
        let doubleTolerance = 1e-13

        // The fitted statistics are the population moments (constant column: divisor 1).
        for j in 0..<4 {
            #expect(abs(standardizer.means[j] - means[j]) <= doubleTolerance * max(1, abs(means[j])))
            let expectedScale = j == 2 ? 1 : deviations[j]
            #expect(abs(standardizer.scales[j] - expectedScale) <= doubleTolerance * expectedScale)
        }

        // Standardized training columns have mean 0 and population standard deviation 1, up to
        // the rounding of each entry to T and the relative error of μ amplified by |μ|/σ.
        let z = try standardizer.transform(train)
        let (zMeans, zDeviations) = naiveMoments(z)
        for j in [0, 1, 3] {
            let tolerance = 4 * epsilon + doubleTolerance * (1 + abs(means[j]) / deviations[j])
            #expect(abs(zMeans[j]) <= tolerance, "column \(j) mean \(zMeans[j])")
            #expect(abs(zDeviations[j] - 1) <= tolerance, "column \(j) std \(zDeviations[j])")
        }
        #expect((0..<z.rows).allSatisfy { z[$0, 2] == 0 }, "a constant column becomes zeros")

        // The test split uses the training statistics: (x − μ_train) / σ_train entry by entry,
        // rounded once to T.
        let zTest = try standardizer.transform(test)
        for i in 0..<test.rows {
            for j in 0..<4 {
                let expected = (Double(test[i, j]) - means[j]) / (j == 2 ? 1 : deviations[j])
                let tolerance = epsilon * max(1, abs(expected)) + doubleTolerance * (1 + abs(means[j]) / (j == 2 ? 1 : deviations[j]))
                #expect(abs(Double(zTest[i, j]) - expected) <= tolerance)
            }
        }

        // The inverse undoes the transform, up to the rounding of z and x to T.
        let back = try standardizer.inverseTransform(zTest)
        for i in 0..<test.rows {
            for j in 0..<4 {
                let x = Double(test[i, j])
                let tolerance = 4 * epsilon * (abs(x) + standardizer.scales[j] * max(1, abs(Double(zTest[i, j]))))
                #expect(abs(Double(back[i, j]) - x) <= tolerance)
            }
        }
    }

    @Test func standardizesFloat() throws { try Self.check(Float.self) }
    @Test func standardizesDouble() throws { try Self.check(Double.self) }

    @Test func matchesAClosedForm() throws {
        // Column 1, 2, 3, 4: mean 5/2, population variance (2.25 + 0.25 + 0.25 + 2.25)/4 = 5/4.
        let standardizer = try Standardizer(fitting: Matrix<Double>([[1], [2], [3], [4]]))
        #expect(standardizer.means == [2.5])
        #expect(standardizer.scales == [(1.25).squareRoot()])
    }

    @Test func transformsDataSetsAndChecksShapes() throws {
        let data = try Dataset(name: "toy", features: Matrix([[1, 10], [3, 10]]), targets: .values([7, 8]))
        let standardizer = try Standardizer(fitting: data)
        let scaled = try standardizer.transform(data)
        #expect(scaled.features == (try Matrix([[-1, 0], [1, 0]])))
        #expect(scaled.targets == data.targets)
        expectDataError("fitted to 2 columns, given 3") { _ = try standardizer.transform(Matrix<Double>(rows: 1, columns: 3)) }
        expectDataError("no rows") { _ = try Standardizer(fitting: Matrix<Float>(rows: 0, columns: 3)) }
    }
}
