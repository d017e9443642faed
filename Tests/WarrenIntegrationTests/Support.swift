import Foundation
import Logging
import ServiceLifecycle
import Testing
import Warren
import WarrenAMQP
import WarrenPosix
import WarrenPostgres
import WarrenTesting

/// Shared set-up for tests against the real RabbitMQ and PostgreSQL that scripts/test started.
enum Servers {
    /// The test configuration, with the schema migrated and the test tasks advertised (once per
    /// process), so that a test may submit them before it runs a worker, whichever tests ran first.
    static func configuration() async throws -> Configuration {
        let configuration = try TestEnvironment.configuration()
        try await migration.value
        return configuration
    }

    private static let migration = Task {
        let configuration = try TestEnvironment.configuration()
        try await Migrator(databaseURL: configuration.databaseURL, logger: logger)
            .migrate(try Migration.load(from: TestEnvironment.migrationsDirectory))
        let pool = PostgresPool(uri: configuration.databaseURL, maximumConnections: 1)
        try await TestTasks.CountRun.prepare(pool)
        try await TestTasks.Gated.prepare(pool)
        await pool.close()
        try await withWorker(queues: [TestEnvironment.uniqueQueue("advertise")], configuration: configuration) {}
    }

    /// Runs `body` with the test configuration on a database of its own, `<prefix>_<random>`,
    /// dropped afterwards: for a test that changes what every API on the database sees (API keys),
    /// or that needs an empty one. `migrated`: with the schema, and the test tasks advertised.
    static func withDatabase<Result: Sendable>(
        _ prefix: String, migrated: Bool = true, _ body: (Configuration) async throws -> Result
    ) async throws -> Result {
        var configuration = try TestEnvironment.configuration()
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = PostgresPool(uri: configuration.databaseURL, maximumConnections: 1)
        return try await WarrenPosix.closing(admin.close) {
            // The name is ours (letters, digits, _), not user data.
            try await admin.withConnection { try await $0.execute(unsafeSQL: "CREATE DATABASE \(name)") }
            configuration.databaseURL =
                URL(string: configuration.databaseURL)!.deletingLastPathComponent()
                .appendingPathComponent(name).absoluteString
            let result: Result
            do {
                if migrated {
                    try await Migrator(databaseURL: configuration.databaseURL, logger: logger)
                        .migrate(try Migration.load(from: TestEnvironment.migrationsDirectory))
                    try await withWorker(
                        queues: [TestEnvironment.uniqueQueue("advertise")], configuration: configuration
                    ) {}
                }
                result = try await body(configuration)
            } catch {
                try? await admin.withConnection {
                    try await $0.execute(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)")
                }
                throw error
            }
            try await admin.withConnection { try await $0.execute(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)") }
            return result
        }
    }

    static var logger: Logger {
        var logger = Logger(label: "warren.test")
        logger.logLevel = .warning
        return logger
    }

    static func endpoint() throws -> AMQPEndpoint {
        try AMQPEndpoint(url: TestEnvironment.configuration().amqpURL)
    }
}

extension Configuration {
    /// This configuration with RabbitMQ reached through `proxy`.
    func reachingRabbitMQ(through proxy: TCPProxy) throws -> Configuration {
        var proxied = self
        proxied.amqpURL = amqpURL.replacingOccurrences(of: ":\(try Servers.endpoint().port)/", with: ":\(proxy.port)/")
        return proxied
    }
}

/// The clients, pools and broker connections a test opened, all closed once the test is done with
/// them, whether it returned or threw (``withServers(_:)``, ``Opened/closing(after:)``).
actor Opened {
    private var clients: [WarrenClient] = []
    private var pools: [PostgresPool] = []
    private var connections: [AMQPConnection] = []
    private var proxies: [TCPProxy] = []

    /// A client for `configuration`.
    func client(_ configuration: Configuration) throws -> WarrenClient {
        let client = try WarrenClient(configuration: configuration, logger: Servers.logger)
        clients.append(client)
        return client
    }

    /// A pool of connections to the database at `uri`.
    func pool(uri: String, maximumConnections: Int = 1) -> PostgresPool {
        let pool = PostgresPool(uri: uri, maximumConnections: maximumConnections)
        pools.append(pool)
        return pool
    }

    /// A connection to the test broker.
    func broker() async throws -> AMQPConnection {
        let connection = try await AMQPConnection.connect(to: Servers.endpoint())
        connections.append(connection)
        return connection
    }

    /// A proxy to the test broker, to cut a client off from it.
    func proxyToRabbitMQ() throws -> TCPProxy {
        let proxy = try TCPProxy(upstreamPort: try Servers.endpoint().port)
        proxies.append(proxy)
        return proxy
    }

    /// Runs `body`, then closes everything opened here, whether `body` returned or threw.
    nonisolated func closing<Result: Sendable>(after body: () async throws -> Result) async throws -> Result {
        do {
            let result = try await body()
            await closeAll()
            return result
        } catch {
            await closeAll()
            throw error
        }
    }

    private func closeAll() async {
        for connection in connections { await connection.close() }
        for client in clients { await client.shutdown() }
        for pool in pools { await pool.close() }
        for proxy in proxies { proxy.stop() }
        proxies.removeAll()
        connections.removeAll()
        clients.removeAll()
        pools.removeAll()
    }
}

/// Runs `body` with what it opens against the real servers, and closes all of it afterwards,
/// whether `body` returned or threw.
func withServers<Result: Sendable>(_ body: (Opened) async throws -> Result) async throws -> Result {
    let opened = Opened()
    return try await opened.closing { try await body(opened) }
}

/// Runs an in-process worker with the test tasks (or `registry`'s) on `queues` for the duration of `body`, then
/// shuts it down gracefully. `body` starts once the worker consumes `consumed` (all of `queues` unless
/// some are paused).
func withWorker<T: Sendable>(
    queues: [String], concurrency: Int = 4, prefetch: Int? = nil,
    recordStartAfter: Duration = Worker.Options().recordStartAfter, ackDelay: Duration = Worker.Options().ackDelay,
    registry: TaskRegistry? = nil, configuration: Configuration, consumed: [String]? = nil,
    _ body: () async throws -> T
) async throws -> T {
    let worker = Worker(
        configuration: configuration, registry: registry ?? TestTasks.registry(databaseURL: configuration.databaseURL),
        options: Worker.Options(
            queues: queues, concurrency: concurrency, prefetch: prefetch, gracePeriod: .seconds(10),
            name: "test-worker",
            recordStartAfter: recordStartAfter, ackDelay: ackDelay),
        logger: Servers.logger)
    let group = ServiceGroup(configuration: .init(services: [worker], logger: Servers.logger))
    let running = Task { try await group.run() }
    do {
        for queue in consumed ?? queues { try await waitForConsumer(on: queue) }
        let result = try await body()
        await group.triggerGracefulShutdown()
        try await running.value
        return result
    } catch {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        throw error
    }
}

/// Waits until `queue` exists and has a consumer.
func waitForConsumer(on queue: String, timeout: Duration = .seconds(15)) async throws {
    try await TestEnvironment.waitForConsumers(
        on: queue, amqpURL: try TestEnvironment.configuration().amqpURL, timeout: timeout)
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(
    timeout: Duration = .seconds(15), every interval: Duration = .milliseconds(25), _ what: String,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: interval)
    }
    throw WarrenError(.timeout, "timed out waiting until \(what)")
}

/// Runs a program to completion and returns its exit status and standard output (and standard
/// error, `includingErrors`), with `environment` over the test's.
///
/// It waits without holding a thread of the cooperative pool (two here, shared by every test), and
/// reads the output from a file once the program has exited: from a pipe, the read would end only
/// when every copy of the pipe's write end is closed, and another child that a test started at the
/// same moment (a worker that waits for its SIGTERM) may have inherited one.
func runProgram(
    _ path: String, _ arguments: [String], environment: [String: String] = [:], includingErrors: Bool = false
) async throws -> (status: Int32, output: String) {
    let outputPath = NSTemporaryDirectory() + "warren-program-\(UUID().uuidString)"
    guard FileManager.default.createFile(atPath: outputPath, contents: nil) else {
        throw WarrenError(.internal, "could not create \(outputPath)")
    }
    defer { try? FileManager.default.removeItem(atPath: outputPath) }
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = output
    if includingErrors { process.standardError = output }
    let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do {
            try process.run()
        } catch {
            process.terminationHandler = nil
            continuation.resume(throwing: error)
        }
    }
    try output.close()
    return (status, String(decoding: try Data(contentsOf: URL(fileURLWithPath: outputPath)), as: UTF8.self))
}

/// Runs a program that serves until it is stopped (`warren api`) for the duration of `body`, which
/// can read what it has written so far to standard output and error; then stops it with SIGTERM,
/// or SIGKILL if `body` threw.
func withProgram<Result>(
    _ path: String, _ arguments: [String], environment: [String: String] = [:],
    _ body: (_ output: @escaping () -> String) async throws -> Result
) async throws -> Result {
    let outputPath = NSTemporaryDirectory() + "warren-program-\(UUID().uuidString)"
    guard FileManager.default.createFile(atPath: outputPath, contents: nil) else {
        throw WarrenError(.internal, "could not create \(outputPath)")
    }
    defer { try? FileManager.default.removeItem(atPath: outputPath) }
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    defer { try? output.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = output
    process.standardError = output
    try process.run()
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    let result = try await body {
        String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: outputPath))) ?? Data(), as: UTF8.self)
    }
    process.terminate()
    try await eventually("\(path) stopped") { !process.isRunning }
    return result
}

/// The port a program printed after `prefix` ("Warren API listening on http://127.0.0.1:"), once
/// it has printed it.
func printedPort(after prefix: String, in output: @escaping () -> String) async throws -> Int {
    var port: Int?
    try await eventually("a line with \(prefix)") {
        let line = output().split(separator: "\n").first { $0.contains(prefix) }
        port = line.flatMap { Int($0.split(separator: ":").last?.prefix { $0.isNumber } ?? "") }
        return port != nil
    }
    return port!
}

/// Runs `WarrenTestWorker` with `arguments` for the duration of `body`, its output discarded, and
/// kills it if it still runs afterwards: a test that fails before it stops its worker must not
/// leave a process holding the test runner's output open, which kept `swift test` waiting for ever.
func withWorkerProcess<Result>(_ arguments: [String], _ body: (Process) async throws -> Result) async throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: builtExecutable("WarrenTestWorker"))
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    return try await body(process)
}

/// An executable built beside the test bundle (`.build/debug/<name>`).
func builtExecutable(_ name: String) -> String {
    URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent(name).path
}
