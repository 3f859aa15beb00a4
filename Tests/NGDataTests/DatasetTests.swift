import NGLinearAlgebra
import Testing
@testable import NGData

@Suite("Data sets")
struct DatasetTests {
    @Test func loadsACSVPathAndRemapsLabels() throws {
        let directory = try TemporaryDirectory()
        let url = try directory.write("f1,f2,species\n1,2,10\n3,4,3\n5,6,7\n7,8,10\n", to: "flowers.csv")
        let data = try Dataset.load(url.path)
        #expect(data.name == "flowers")
        #expect(data.featureNames == ["f1", "f2"])
        #expect(data.features == (try Matrix([[1, 2], [3, 4], [5, 6], [7, 8]])))
        // Labels 3, 7, 10 become 0, 1, 2 in increasing order.
        #expect(data.targets == .classes([2, 0, 1, 2], count: 3))
        #expect(try Dataset.load(url.path, targetKind: .values).targets == .values([10, 3, 7, 10]))
    }

    @Test func decidesTheTargetKindFromTheValues() throws {
        let directory = try TemporaryDirectory()
        let fractional = try directory.write("x,y\n1,0.5\n2,1\n", to: "fractional.csv")
        #expect(try Dataset.readCSV(fractional).values == [0.5, 1])
        let manyIntegers = (0...Dataset.automaticClassLimit).map { "\($0),\($0)" }.joined(separator: "\n")
        let many = try directory.write("x,y\n" + manyIntegers, to: "many.csv")
        #expect(try Dataset.readCSV(many).isClassification == false)
        let few = try directory.write("x,y\n" + manyIntegers.split(separator: "\n").dropLast().joined(separator: "\n"), to: "few.csv")
        #expect(try Dataset.readCSV(few).classCount == Dataset.automaticClassLimit)
    }

    @Test func rejectsBadCSVDataSets() throws {
        let directory = try TemporaryDirectory()
        let fractional = try directory.write("x,label\n1,0\n2,0.5\n", to: "frac.csv")
        expectDataError("frac.csv line 3, column 2: label 0.5 is not an integer") {
            _ = try Dataset.readCSV(fractional, targetKind: .classes)
        }
        let single = try directory.write("label\n1\n", to: "single.csv")
        expectDataError("single.csv", "needs at least one feature column") { _ = try Dataset.readCSV(single) }
        let malformed = try directory.write("a,b\n1,2\n3\n", to: "bad.csv")
        expectDataError("bad.csv line 3: expected 2 columns, found 1") { _ = try Dataset.load(malformed.path) }
    }

    @Test func validatesItsParts() throws {
        let features = Matrix<Double>(rows: 3, columns: 2)
        expectDataError("toy", "3 feature rows but 2 targets") {
            _ = try Dataset(name: "toy", features: features, targets: .values([1, 2]))
        }
        expectDataError("toy", "label 3 of example 1 is outside 0..<3") {
            _ = try Dataset(name: "toy", features: features, targets: .classes([0, 3, 1], count: 3))
        }
        expectDataError("toy", "label -1 of example 2") {
            _ = try Dataset(name: "toy", features: features, targets: .classes([0, 1, -1], count: 3))
        }
        expectDataError("toy", "1 feature names for 2 feature columns") {
            _ = try Dataset(name: "toy", features: features, targets: .values([1, 2, 3]), featureNames: ["a"])
        }
    }

    @Test func gathersSubsets() throws {
        let data = try Dataset(
            name: "toy", features: Matrix(rows: 4, columns: 2) { i, j in Double(10 * i + j) },
            targets: .classes([0, 1, 2, 1], count: 3))
        let batch = data.subset(at: [3, 0, 3])
        #expect(batch.features == (try Matrix([[30, 31], [0, 1], [30, 31]])))
        #expect(batch.targets == .classes([1, 0, 1], count: 3))
        #expect(batch.classCount == 3)
    }
}
