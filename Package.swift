// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "warren",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Warren", targets: ["Warren"]),
        .executable(name: "warren", targets: ["WarrenCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        // Already built for HummingbirdTesting's live tests; the benchmark's HTTP load uses it too.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CRabbitMQ",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(name: "CWarrenPosix"),
        .target(name: "WarrenPosix", dependencies: ["CWarrenPosix"]),
        .target(name: "WarrenAMQP", dependencies: ["CRabbitMQ", "WarrenPosix"]),
        .target(name: "WarrenPostgres", dependencies: ["CLibPQ", "WarrenPosix"]),
        .target(name: "WarrenCore"),
        .target(
            name: "Warren",
            dependencies: [
                "WarrenCore", "WarrenAMQP", "WarrenPostgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "WarrenAPI",
            dependencies: [
                "Warren",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .executableTarget(
            name: "WarrenCLI",
            dependencies: [
                "Warren", "WarrenAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "WordCountWorker",
            dependencies: ["Warren", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            path: "Examples/WordCountWorker"
        ),
        .executableTarget(
            name: "WarrenBench",
            dependencies: [
                "Warren", "WarrenAMQP", "WarrenPostgres", "WarrenTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Benchmarks/WarrenBench"
        ),
        .target(name: "WarrenTesting", dependencies: ["Warren", "WarrenAMQP"]),
        .executableTarget(
            name: "WarrenTestWorker",
            dependencies: [
                "WarrenTesting",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/WarrenTestWorker"
        ),
        .executableTarget(
            name: "WarrenFaults",
            dependencies: [
                "WarrenTesting", "WarrenAMQP", "WarrenPostgres",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/WarrenFaults"
        ),
        .testTarget(name: "WarrenCoreTests", dependencies: ["WarrenCore", "WarrenAMQP", "WarrenPostgres"]),
        .testTarget(name: "WarrenTests", dependencies: ["Warren", "WarrenCore", "WarrenAMQP"]),
        .testTarget(
            name: "WarrenIntegrationTests",
            dependencies: [
                "Warren", "WarrenAPI", "WarrenTesting", "WarrenAMQP", "WarrenPostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
