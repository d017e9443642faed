// swift-tools-version: 6.1
import PackageDescription

let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let nio = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let unixSignals = Target.Dependency.product(name: "UnixSignals", package: "swift-service-lifecycle")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let tracing = Target.Dependency.product(name: "Tracing", package: "swift-distributed-tracing")

/// Every target's compiler settings: the upcoming features Hummingbird enables.
let upcomingFeatures: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "warren",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Warren", targets: ["Warren"]),
        // For a worker of one's own that serves /metrics, as `warren worker --metrics-port` does.
        .library(name: "WarrenMetrics", targets: ["WarrenMetrics"]),
        // For a worker of one's own that exports traces, as `warren worker` does when OTEL_* says where.
        .library(name: "WarrenTracing", targets: ["WarrenTracing"]),
        .executable(name: "warren", targets: ["WarrenCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // Hummingbird's own dependency; WarrenAPI and the tests use its ByteBuffer and errors.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Hummingbird's own dependency; Warren's spans and their propagation use its API.
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        // OTLP/HTTP only: the gRPC exporter would add grpc-swift to every build.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context.git", from: "1.0.0"),
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
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "CWarrenPosix"),
        .target(name: "WarrenPosix", dependencies: ["CWarrenPosix"]),
        .target(name: "WarrenAMQP", dependencies: ["CRabbitMQ", "WarrenPosix"]),
        .target(name: "WarrenPostgres", dependencies: ["CLibPQ", "WarrenPosix"]),
        .target(name: "WarrenSMTP", dependencies: ["COpenSSL", "WarrenPosix"]),
        .target(name: "WarrenCore"),
        .target(
            name: "Warren",
            dependencies: [
                "COpenSSL", "WarrenCore", "WarrenAMQP", "WarrenPostgres", "WarrenPosix", "WarrenSMTP", logging, metrics,
                serviceLifecycle, tracing,
            ]
        ),
        .target(
            name: "WarrenMetrics",
            dependencies: [
                "Warren", logging, metrics, hummingbird, serviceLifecycle,
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "WarrenTracing",
            dependencies: [
                logging, serviceLifecycle, tracing,
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
            ]
        ),
        .target(
            name: "WarrenAPI",
            dependencies: ["Warren", "WarrenCore", "WarrenMetrics", logging, nio, hummingbird, tracing]
        ),
        .executableTarget(
            name: "WarrenCLI",
            dependencies: [
                "Warren", "WarrenAPI", "WarrenCore", "WarrenMetrics", "WarrenTracing", logging, serviceLifecycle,
                unixSignals, .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "WordCountWorker",
            dependencies: ["Warren", logging, serviceLifecycle, unixSignals],
            path: "Examples/WordCountWorker"
        ),
        .executableTarget(
            name: "WarrenBench",
            dependencies: [
                "Warren", "WarrenCore", "WarrenAMQP", "WarrenPostgres", "WarrenTesting", logging, nio,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Benchmarks/WarrenBench"
        ),
        .target(name: "WarrenTesting", dependencies: ["Warren", "WarrenCore", "WarrenAMQP", "WarrenPostgres"]),
        .executableTarget(
            name: "WarrenTestWorker",
            dependencies: [
                "Warren", "WarrenCore", "WarrenMetrics", "WarrenTesting", "WarrenTracing", logging, serviceLifecycle,
                unixSignals,
            ],
            path: "Tests/WarrenTestWorker"
        ),
        .executableTarget(
            name: "WarrenFaults",
            dependencies: [
                "Warren", "WarrenCore", "WarrenTesting", "WarrenAMQP", "WarrenPostgres", logging, serviceLifecycle,
            ],
            path: "Tests/WarrenFaults"
        ),
        .testTarget(name: "WarrenCoreTests", dependencies: ["WarrenCore"]),
        .testTarget(name: "WarrenAMQPTests", dependencies: ["WarrenAMQP"]),
        .testTarget(name: "WarrenPostgresTests", dependencies: ["WarrenPostgres"]),
        .testTarget(name: "WarrenSMTPTests", dependencies: ["WarrenSMTP", "WarrenTesting"]),
        .testTarget(name: "WarrenTests", dependencies: ["Warren", "WarrenCore", "WarrenAMQP", "WarrenPostgres"]),
        .testTarget(
            name: "WarrenAPITests",
            dependencies: [
                "WarrenAPI", "Warren", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "WarrenIntegrationTests",
            dependencies: [
                "Warren", "WarrenCore", "WarrenAPI", "WarrenTesting", "WarrenAMQP", "WarrenPostgres", "WarrenSMTP",
                logging,
                nio,
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + upcomingFeatures
}
