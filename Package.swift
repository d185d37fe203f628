// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "briefing",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "briefing", targets: ["briefing"]),
        .library(name: "BriefingKit", targets: ["BriefingKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // Precompressed copies of the output (`briefing build --precompress`): the system's zlib and Debian's brotli encoder.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBrotli", pkgConfig: "libbrotlienc", providers: [.apt(["libbrotli-dev"])]),
        // libvips for images: the system library, and a small C target wrapping its variadic calls, which Swift cannot make.
        .systemLibrary(
            name: "CVips",
            pkgConfig: "vips",
            providers: [.apt(["libvips-dev"])]
        ),
        .target(name: "CVipsShim", dependencies: ["CVips"]),
        .target(
            name: "Templates",
            path: "templates",
            exclude: ["assets"]
        ),
        .target(
            name: "BriefingKit",
            dependencies: ["CBrotli", "CCmarkGFM", "CVips", "CVipsShim", "CZlib", "Templates", "Yams"]
        ),
        .target(
            name: "BriefingServer",
            dependencies: [
                "BriefingKit",
                "Templates",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .executableTarget(
            name: "briefing",
            dependencies: [
                "BriefingKit",
                "BriefingServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // jemalloc instead of glibc's malloc: a build makes millions of short-lived strings on every core, and
            // jemalloc takes about 10 % off a 10,000-entry build (BENCHMARKS.md). Debian's libjemalloc-dev; `make` installs it.
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),
        // Fuzz targets: `make fuzz` builds them with libFuzzer and AddressSanitizer (scripts/fuzz/run.sh);
        // a normal build makes small programs that replay saved inputs through the same checks.
        .systemLibrary(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
        .executableTarget(name: "FuzzFrontMatter", dependencies: ["BriefingKit", "FuzzSupport", "Yams"]),
        .executableTarget(name: "FuzzMarkdown", dependencies: ["BriefingKit", "FuzzSupport"]),
        .executableTarget(
            name: "FuzzRequestPath",
            dependencies: ["BriefingServer", "FuzzSupport", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .testTarget(
            name: "BriefingKitTests",
            dependencies: ["BriefingKit", "Templates"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "BriefingServerTests",
            dependencies: [
                "BriefingServer",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
