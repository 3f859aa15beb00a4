// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "NaturalGradient",
    products: [
        .library(name: "NaturalGradient", targets: ["NaturalGradient"]),
        .executable(name: "natgrad", targets: ["natgrad"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        // MARK: System libraries
        .systemLibrary(
            name: "COpenBLAS",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        // MARK: Public API, dependencies pointing one way
        .target(
            name: "NGLinearAlgebra",
            dependencies: ["COpenBLAS", "NGRandom", .product(name: "RealModule", package: "swift-numerics")]
        ),
        .target(name: "NGRandom"),
        .target(
            name: "NGData",
            dependencies: ["NGLinearAlgebra", "NGRandom", "CZlib"],
            resources: [.copy("Embedded")]
        ),
        // Float32 elementwise kernels compiled for baseline x86-64, AVX2 and AVX-512, picked at run time.
        .target(name: "CKernels"),
        .target(name: "NGModels", dependencies: ["NGLinearAlgebra", "NGRandom", "CKernels"]),
        .target(name: "NGCurvature", dependencies: ["NGLinearAlgebra", "NGRandom", "NGModels"]),
        .target(name: "NGOptimizers", dependencies: ["NGLinearAlgebra", "NGRandom", "NGModels", "NGCurvature"]),
        .target(name: "NGTraining", dependencies: ["NGLinearAlgebra", "NGRandom", "NGData", "NGModels", "NGCurvature", "NGOptimizers"]),
        .target(name: "NGReport", dependencies: ["NGLinearAlgebra", "NGData"]),
        .target(
            name: "NGExperiments",
            dependencies: ["NGLinearAlgebra", "NGRandom", "NGData", "NGModels", "NGCurvature", "NGOptimizers", "NGTraining", "NGReport"]
        ),
        .target(
            name: "NaturalGradient",
            dependencies: ["NGLinearAlgebra", "NGRandom", "NGData", "NGModels", "NGCurvature", "NGOptimizers", "NGTraining", "NGReport", "NGExperiments"]
        ),

        // MARK: Command-line tool
        .target(
            name: "NGCLI",
            dependencies: ["NaturalGradient", "COpenBLAS", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "natgrad", dependencies: ["NGCLI"]),

        // MARK: Unit test bundles
        .target(name: "NGTestSupport", dependencies: ["NGLinearAlgebra", "NGRandom"], path: "Tests/NGTestSupport"),
        .testTarget(name: "NGLinearAlgebraTests", dependencies: ["NGLinearAlgebra", "NGRandom", "NGTestSupport"]),
        .testTarget(name: "NGRandomTests", dependencies: ["NGRandom"]),
        .testTarget(name: "NGDataTests", dependencies: ["NGData", "NGTestSupport"]),
        .testTarget(name: "NGModelsTests", dependencies: ["NGModels", "NGTestSupport"]),
        .testTarget(name: "NGCurvatureTests", dependencies: ["NGCurvature", "NGTestSupport"]),
        .testTarget(name: "NGOptimizersTests", dependencies: ["NGOptimizers", "NGTestSupport"]),
        .testTarget(name: "NGTrainingTests", dependencies: ["NGTraining", "NGTestSupport"]),
        .testTarget(name: "NGReportTests", dependencies: ["NGReport", "NGData", "NGTestSupport"]),
        .testTarget(name: "NGExperimentsTests", dependencies: ["NGExperiments", "NGTestSupport"]),
        .testTarget(name: "NGCLITests", dependencies: ["NGCLI", "NGTestSupport"]),
    ]
)
