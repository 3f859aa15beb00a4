import NGLinearAlgebra
import Testing
@testable import NGData

/// Sizes counted from the files themselves with shell tools (`wc -l`, `awk -F,` on the CSVs,
/// the IDX headers and `xxd` label histograms of the decompressed MNIST and digits files).
@Suite("Embedded data sets")
struct EmbeddedDatasetTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        var dataset: EmbeddedDataset
        var count: Int
        var featureCount: Int
        var classCounts: [Int]?  // nil for regression
        var testDescription: String { dataset.rawValue }
    }

    static let expected: [Expected] = [
        Expected(dataset: .mnist5k, count: 5000, featureCount: 784, classCounts: Array(repeating: 500, count: 10)),
        Expected(dataset: .digits, count: 1797, featureCount: 64, classCounts: [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]),
        Expected(dataset: .breastCancer, count: 569, featureCount: 30, classCounts: [212, 357]),
        Expected(dataset: .iris, count: 150, featureCount: 4, classCounts: [50, 50, 50]),
        Expected(dataset: .wine, count: 178, featureCount: 13, classCounts: [59, 71, 48]),
        Expected(dataset: .diabetes, count: 442, featureCount: 10, classCounts: nil),
    ]

    @Test func everyEmbeddedDataSetIsChecked() {
        #expect(Set(Self.expected.map(\.dataset.rawValue)) == Set(EmbeddedDataset.allCases.map(\.rawValue)))
    }

    @Test(arguments: expected)
    func loadsWithTheRightShape(expected: Expected) throws {
        let data = try expected.dataset.load()
        #expect(data.name == expected.dataset.rawValue)
        #expect(data.count == expected.count)
        #expect(data.featureCount == expected.featureCount)
        #expect(data.classCounts == expected.classCounts)
        #expect(data.classCount == expected.classCounts?.count)
        #expect(data.features.elements.allSatisfy { $0.isFinite })
        if data.isClassification {
            #expect(data.values == nil)
        } else {
            #expect(data.values?.count == expected.count)
        }
    }

    @Test(arguments: [(EmbeddedDataset.mnist5k, 255.0), (.digits, 16.0)])
    func scalesPixelsToTheUnitInterval(dataset: EmbeddedDataset, maximum: Double) throws {
        let pixels = try dataset.load().features.elements
        #expect(pixels.min() == 0)
        #expect(pixels.max() == 1)
        // Every scaled pixel is an integer intensity in 0...maximum divided by maximum
        // (correctly rounded, so multiplying back lands within an ulp of the integer).
        #expect(pixels.allSatisfy { abs($0 * maximum - ($0 * maximum).rounded()) <= 2 * maximum * Double.ulpOfOne })
    }

    @Test func keepsTheCSVValuesAndNames() throws {
        // First lines of iris.csv and diabetes.csv.
        let iris = try EmbeddedDataset.iris.load()
        #expect(iris.featureNames == ["sepal_length", "sepal_width", "petal_length", "petal_width"])
        #expect(iris.features.row(0) == Vector([5.1, 3.5, 1.4, 0.2]))
        #expect(iris.labels?.first == 0 && iris.labels?.last == 2)
        let diabetes = try EmbeddedDataset.diabetes.load()
        #expect(diabetes.featureNames?.first == "age" && diabetes.featureNames?.last == "s6")
        #expect(diabetes.features.row(0) == Vector([59, 2, 32.1, 101.0, 157, 93.2, 38.0, 4.0, 4.8598, 87]))
        #expect(diabetes.values?.first == 151)
        #expect(diabetes.classCount == nil && diabetes.labels == nil && diabetes.classCounts == nil)
    }

    @Test func loadsByName() throws {
        #expect(try Dataset.load("iris") == EmbeddedDataset.iris.load())
        #expect(try Dataset.load("Breast-Cancer").count == 569)
        expectDataError("unknown data set 'mnist'", "mnist5k, digits, breast-cancer, iris, wine, diabetes", "path of a CSV file") {
            _ = try Dataset.load("mnist")
        }
    }
}
