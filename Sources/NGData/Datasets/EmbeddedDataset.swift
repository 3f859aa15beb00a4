import Foundation
import NGLinearAlgebra

/// The small data sets shipped inside the package, loadable by name with no path or download.
///
/// | name            | examples | features | task                 | source                          |
/// |-----------------|---------:|---------:|----------------------|---------------------------------|
/// | `mnist5k`       | 5000     | 784      | 10 classes (500 each)| MNIST (LeCun et al. 1998), 28×28 |
/// | `digits`        | 1797     | 64       | 10 classes           | UCI optical digits (scikit-learn), 8×8 |
/// | `breast-cancer` | 569      | 30       | 2 classes            | Wisconsin diagnostic (scikit-learn) |
/// | `iris`          | 150      | 4        | 3 classes            | Fisher's iris                   |
/// | `wine`          | 178      | 13       | 3 classes            | UCI wine (scikit-learn)         |
/// | `diabetes`      | 442      | 10       | regression           | Efron et al. 2004 (unscaled)    |
///
/// Image pixels are scaled to [0, 1]: MNIST intensities (0–255) are divided by 255 and the
/// digits' counts (0–16) by 16, so both image sets share one scale. The CSV data sets are
/// returned as stored; standardize them with ``Standardizer``.
public enum EmbeddedDataset: String, CaseIterable, Sendable {
    case mnist5k
    case digits
    case breastCancer = "breast-cancer"
    case iris
    case wine
    case diabetes

    /// The data set, read from the package's resources.
    /// - Throws: ``DataError`` when a resource file is missing or malformed (a packaging error).
    public func load() throws -> Dataset {
        switch self {
        case .mnist5k: return try loadImages(stem: "mnist5k", maximumPixel: 255)
        case .digits: return try loadImages(stem: "digits", maximumPixel: 16)
        case .breastCancer, .iris, .wine:
            return try Dataset.readCSV(resource(rawValue, extension: "csv"), targetKind: .classes, name: rawValue)
        case .diabetes:
            return try Dataset.readCSV(resource(rawValue, extension: "csv"), targetKind: .values, name: rawValue)
        }
    }

    /// A one-line description for listings.
    public var summary: String {
        switch self {
        case .mnist5k: return "5000 MNIST handwritten digits, 28×28 pixels in [0, 1], 10 classes"
        case .digits: return "1797 handwritten digits, 8×8 pixels in [0, 1], 10 classes"
        case .breastCancer: return "569 breast tumours, 30 features, 2 classes (malignant, benign)"
        case .iris: return "150 iris flowers, 4 features, 3 species"
        case .wine: return "178 wines, 13 chemical features, 3 cultivars"
        case .diabetes: return "442 diabetes patients, 10 features, regression of disease progression"
        }
    }

    /// An IDX image/label pair as a classification data set, pixels divided by `maximumPixel`.
    private func loadImages(stem: String, maximumPixel: Double) throws -> Dataset {
        let (images, labels) = try IDXFile.readImagesAndLabels(
            images: resource("\(stem)-images-idx3-ubyte", extension: "gz"),
            labels: resource("\(stem)-labels-idx1-ubyte", extension: "gz"))
        var features = try images.matrix(as: Double.self, flatteningTrailingAxes: true)
        features.elements.withUnsafeMutableBufferPointer { pixels in
            for i in pixels.indices { pixels[i] /= maximumPixel }
        }
        let classCount = (labels.max() ?? -1) + 1
        return try Dataset(name: rawValue, features: features, targets: .classes(labels, count: classCount))
    }

    /// The URL of an embedded file.
    private func resource(_ name: String, extension fileExtension: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: fileExtension, subdirectory: "Embedded") else {
            throw DataError("EmbeddedDataset.\(self)", "resource Embedded/\(name).\(fileExtension) is missing from the NGData bundle")
        }
        return url
    }
}
