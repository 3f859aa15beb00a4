import Foundation
import NaturalGradient

/// Computes what `natgrad fisher` was asked for and writes it to the output folder.
struct FisherJob<Scalar: BLASScalar> {
    let inputs: FisherInputs<Scalar>
    let likelihood: LikelihoodKind
    let kind: FisherCommand.Kind
    let samples: Int
    let seed: UInt64
    let top: Int
    let folder: URL

    func run() throws -> FisherReport {
        // Open the likelihood existential once, so the estimator is specialized on its type.
        try compute(likelihood: likelihood.likelihood(Scalar.self))
    }

    private func compute<L: Likelihood>(likelihood model: L) throws -> FisherReport where L.Scalar == Scalar {
        let estimator = try CurvatureEstimator(
            network: inputs.network, parameters: inputs.parameters, inputs: inputs.inputs, targets: inputs.targets, likelihood: model)
        try createFolder()
        let gradient = try estimator.gradient()
        var report = FisherReport(
            kind: kind.rawValue, precision: Scalar.precisionName, examples: inputs.inputs.rows,
            parameters: inputs.network.parameterCount, loss: Double(try estimator.loss()), gradientNorm: Double(gradient.norm),
            samples: kind == .mc ? samples : nil, seed: kind == .mc ? seed : nil)
        try write(NumericArray(gradient), "gradient.npy", into: &report)

        switch kind {
        case .kfac:
            var eigenvalues: [Double] = []
            // Files are numbered like the checkpoint's tensors: i counts the dense layers, not the
            // network's layer list (where activations sit in between).
            for (i, factors) in try estimator.kroneckerFactors(.exact).enumerated() {
                try write(NumericArray(factors.inputFactor), "layers.\(i).A.npy", into: &report)
                try write(NumericArray(factors.gradientFactor), "layers.\(i).G.npy", into: &report)
                // The eigenvalues of G⊗A are the products of one eigenvalue of G and one of A.
                let a = try SymmetricEigendecomposition(factors.inputFactor).eigenvalues.elements.map(Double.init)
                let g = try SymmetricEigendecomposition(factors.gradientFactor).eigenvalues.elements.map(Double.init)
                eigenvalues += g.flatMap { gv in a.map { gv * $0 } }
            }
            eigenvalues.sort(by: >)
            report.trace = eigenvalues.reduce(0, +)
            report.topEigenvalues = Array(eigenvalues.prefix(top))
            report.smallestEigenvalue = eigenvalues.last
            // As CurvatureSummary does: defined only when numerically positive definite, i.e. every
            // eigenvalue above P·ε·max|λ|.
            let scale = eigenvalues.map(abs).max() ?? 0
            let threshold = Double(eigenvalues.count) * Double(Scalar.ulpOfOne) * scale
            if let smallest = eigenvalues.last, smallest > threshold { report.conditionNumber = eigenvalues[0] / smallest }
        case .exact, .mc, .empirical, .ggn, .hessian:
            let matrix = try estimator.denseMatrix(try CurvatureKind(name: kind.rawValue), samples: samples, seed: seed)
            try write(NumericArray(matrix), "curvature.npy", into: &report)
            let summary = try CurvatureSummary(matrix: matrix, topCount: top)
            report.trace = summary.trace
            report.topEigenvalues = summary.topEigenvalues
            report.smallestEigenvalue = summary.smallestEigenvalue
            report.conditionNumber = summary.conditionNumber
        }
        return report
    }

    private func createFolder() throws {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw FisherInputError(folder.path, "cannot create the output folder: \(error.localizedDescription)")
        }
    }

    private func write(_ array: NumericArray, _ name: String, into report: inout FisherReport) throws {
        let url = folder.appendingPathComponent(name)
        try NumPyFile.write(array, to: url)
        report.files.append(url.path)
    }
}

/// The figures `natgrad fisher` prints (as a table or, with `--json`, one JSON object).
struct FisherReport: Codable {
    var kind: String
    var precision: String
    var examples: Int
    var parameters: Int
    var loss: Double
    var gradientNorm: Double
    var samples: Int?
    var seed: UInt64?
    var trace = 0.0
    var topEigenvalues: [Double] = []
    var smallestEigenvalue: Double?
    /// λ_max/λ_min, absent when the matrix is singular or indefinite.
    var conditionNumber: Double?
    var files: [String] = []

    enum CodingKeys: String, CodingKey {
        case kind, precision, examples, parameters, loss, samples, seed, trace, files
        case gradientNorm = "gradient_norm", topEigenvalues = "top_eigenvalues", smallestEigenvalue = "smallest_eigenvalue"
        case conditionNumber = "condition_number"
    }

    var summary: String {
        [
            "\(kind) curvature (\(precision)) of a \(parameters)-parameter network on \(examples) examples",
            "  loss \(String(format: "%.8g", loss)), gradient norm \(String(format: "%.4e", gradientNorm))",
            "  trace \(String(format: "%.6g", trace)), top eigenvalues "
                + topEigenvalues.map { String(format: "%.4g", $0) }.joined(separator: ", ")
                + (smallestEigenvalue.map { ", smallest \(String(format: "%.4g", $0))" } ?? ""),
            "  wrote " + files.joined(separator: ", "),
        ].joined(separator: "\n")
    }
}
