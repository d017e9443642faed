import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import Warren
import WarrenAPI

struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Serve the REST API.",
        discussion: """
            Listens on WARREN_HTTP_HOST:WARREN_HTTP_PORT (127.0.0.1:8080 by default) until SIGTERM or SIGINT.
            Also runs the outbox relay: tasks accepted while RabbitMQ was down are published once it is back.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Listen address (WARREN_HTTP_HOST).")
    var host: String?

    @Option(help: "Listen port; 0 picks a free one (WARREN_HTTP_PORT).")
    var port: Int?

    func validate() throws {
        if let port, !(0...65_535).contains(port) { throw ValidationError("--port must be from 0 to 65535") }
    }

    func run() async throws {
        let configuration = try connection.configuration {
            $0.httpHost = host
            $0.httpPort = port
        }
        bootstrapLogging(configuration.logLevel)
        let logger = Logger(label: "warren.api")
        try await WarrenClient.withClient(configuration: configuration, maximumConnections: 8, logger: logger) {
            client in
            let host = configuration.httpHost
            let app = APIServer.application(client: client, configuration: configuration, logger: logger) { port in
                // Unbuffered, so scripts and tests reading our output see it at once.
                FileHandle.standardOutput.write(Data("Warren API listening on http://\(host):\(port)\n".utf8))
            }
            let relay = OutboxRelay(client: client, logger: logger)
            let group = ServiceGroup(
                configuration: .init(
                    services: [app, relay], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }
}

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Consume and run tasks.",
        discussion: """
            Runs the built-in tasks (send_email on emails, generate_report on reports, noop on default).
            On SIGTERM or SIGINT it stops taking tasks, lets running ones finish within the grace period, and exits 0.

              warren worker --queues emails,reports --concurrency 8 --prefetch 32
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Comma-separated queues to consume (default: every built-in task's queue).")
    var queues: String?

    @Option(help: "How many tasks run at once.")
    var concurrency: Int = 8

    @Option(help: "How many unacked deliveries the broker may send ahead (default: 4 × concurrency).")
    var prefetch: Int?

    @Option(help: "Seconds running tasks get to finish after SIGTERM.")
    var gracePeriod: Int = 30

    @Option(
        help: ArgumentHelp(
            "Milliseconds a task runs before its row says STARTED.",
            discussion: """
                A task that ends sooner has its start written with its outcome, in one statement. \
                0 writes every start before the task runs.
                """))
    var recordStartAfter: Int = 100

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard recordStartAfter >= 0 else { throw ValidationError("--record-start-after must be 0 or more") }
        if let prefetch, prefetch < 1 || prefetch > 65_535 {
            throw ValidationError("--prefetch must be from 1 to 65535")
        }
    }

    func run() async throws {
        let configuration = try connection.configuration()
        bootstrapLogging(configuration.logLevel)
        let logger = Logger(label: "warren.worker")
        let worker = Worker(
            configuration: configuration, registry: .builtin(configuration: configuration),
            options: Worker.Options(
                queues: queues?.split(separator: ",").map(String.init) ?? [], concurrency: concurrency,
                prefetch: prefetch, gracePeriod: .seconds(gracePeriod),
                recordStartAfter: .milliseconds(recordStartAfter)),
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations.",
        discussion: "Applies migrations/*.sql in name order, each once, in a transaction, under an advisory lock.")

    @OptionGroup var connection: ConnectionOptions

    @Option(
        help:
            "Directory of migration files (WARREN_MIGRATIONS_DIR; default: ./migrations, or the one beside the build).")
    var directory: String?

    func run() async throws {
        let configuration = try connection.configuration()
        bootstrapLogging(configuration.logLevel)
        let logger = Logger(label: "warren.migrate")
        guard let directory = directory ?? configuration.migrationsDirectory ?? Self.findMigrations() else {
            throw ValidationError("no migrations directory found; pass --directory or set WARREN_MIGRATIONS_DIR")
        }
        let applied = try await Migrator(databaseURL: configuration.databaseURL, logger: logger)
            .migrate(try Migration.load(from: directory))
        print(applied.isEmpty ? "Schema is up to date." : "Applied \(applied.joined(separator: ", ")).")
    }

    /// `./migrations`, or the repository's when run from a build directory inside it.
    static func findMigrations() -> String? {
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for start in [directory, executable.deletingLastPathComponent()] {
            directory = start
            for _ in 0..<5 {
                let candidate = directory.appendingPathComponent("migrations")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("0001_tasks.sql").path) {
                    return candidate.path
                }
                directory.deleteLastPathComponent()
            }
        }
        return nil
    }
}
