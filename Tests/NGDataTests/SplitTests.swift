import NGLinearAlgebra
import NGRandom
import Testing
@testable import NGData

@Suite("Train/test split")
struct SplitTests {
    /// A data set whose single feature is the example's index, so each row can be traced back.
    static func indexed(_ count: Int, classes: Int = 3) throws -> Dataset {
        try Dataset(
            name: "indexed", features: Matrix(rows: count, columns: 1) { i, _ in Double(i) },
            targets: .classes((0..<count).map { $0 % classes == 0 ? 0 : $0 % classes }, count: classes))
    }

    static func indices(_ data: Dataset) -> [Int] { data.features.elements.map { Int($0) } }

    @Test(arguments: [(10, 0.25, 3), (10, 0.2, 2), (101, 0.3, 30), (7, 0.0, 0), (1000, 0.5, 500), (3, 0.5, 2)])
    func isADisjointCoverWithTheRoundedTestSize(count: Int, fraction: Double, testCount: Int) throws {
        let data = try Self.indexed(count)
        var generator = SeededGenerator(seed: 9)
        let (train, test) = try data.split(testFraction: fraction, generator: &generator)
        #expect(test.count == testCount)
        #expect(train.count == count - testCount)
        let trainIndices = Self.indices(train), testIndices = Self.indices(test)
        #expect(Set(trainIndices).isDisjoint(with: testIndices))
        #expect((trainIndices + testIndices).sorted() == Array(0..<count))
        // Labels travel with their rows.
        #expect(train.labels == trainIndices.map { data.labels![$0] })
        #expect(test.labels == testIndices.map { data.labels![$0] })
    }

    @Test func isReproducibleFromTheSeed() throws {
        let data = try Self.indexed(50)
        func split(seed: UInt64) throws -> [Int] {
            var generator = SeededGenerator(seed: seed)
            return Self.indices(try data.split(testFraction: 0.3, generator: &generator).test)
        }
        #expect(try split(seed: 1) == split(seed: 1))
        #expect(try split(seed: 1) != split(seed: 2))
    }

    @Test func rejectsFractionsOutsideTheUnitInterval() throws {
        let data = try Self.indexed(10)
        var generator = SeededGenerator(seed: 1)
        for fraction in [-0.1, 1, 1.5, .nan] {
            expectDataError("Dataset.split", "is outside [0, 1)") { _ = try data.split(testFraction: fraction, generator: &generator) }
        }
        expectDataError("leaves no training example") { _ = try data.split(testFraction: 0.96, generator: &generator) }
    }

    @Test func stratifiesByClass() throws {
        // Classes of 50, 30 and 20 examples; 30 % gives 15, 9 and 6 test examples.
        let labels = (0..<100).map { $0 < 50 ? 0 : ($0 < 80 ? 1 : 2) }
        let data = try Dataset(name: "s", features: Matrix(rows: 100, columns: 1) { i, _ in Double(i) },
                               targets: .classes(labels, count: 3))
        var generator = SeededGenerator(seed: 4)
        let (train, test) = try data.split(testFraction: 0.3, stratified: true, generator: &generator)
        #expect(test.classCounts == [15, 9, 6])
        #expect(train.classCounts == [35, 21, 14])
        #expect((Self.indices(train) + Self.indices(test)).sorted() == Array(0..<100))

        // Shares 3.5, 2.1, 1.4 of 7 examples: floors 3, 2, 1, the missing one to the largest remainder.
        #expect(Dataset.stratifiedQuotas(classCounts: [5, 3, 2], total: 7, fraction: 0.7) == [4, 2, 1])
        #expect(Dataset.stratifiedQuotas(classCounts: [1, 1, 1], total: 2, fraction: 0.5) == [1, 1, 0])

        let regression = try Dataset(name: "r", features: Matrix(rows: 4, columns: 1), targets: .values([1, 2, 3, 4]))
        expectDataError("stratified split needs class labels") { _ = try regression.split(testFraction: 0.5, stratified: true, generator: &generator) }
    }
}
