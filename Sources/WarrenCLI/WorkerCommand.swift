import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import Warren
import WarrenMetrics
import WarrenTracing

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

    @Option(
        help: ArgumentHelp(
            "Seconds of the broker's consumer_timeout (RabbitMQ's default: 1800).",
            discussion: """
                A delivery that waited half of it for a free slot goes back to the queue instead of \
                starting. Set it to the broker's value when the broker's is not the default.
                """))
    var consumerTimeout: Int = 1_800

    @Option(help: "Serve Prometheus metrics on this port, at /metrics (WARREN_METRICS_PORT; 0 picks one).")
    var metricsPort: Int?

    @Option(help: "The metrics server's listen address (WARREN_METRICS_HOST, 127.0.0.1 by default).")
    var metricsHost: String?

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard recordStartAfter >= 0 else { throw ValidationError("--record-start-after must be 0 or more") }
        guard consumerTimeout >= 1 else { throw ValidationError("--consumer-timeout must be at least 1") }
        if let metricsPort, !(0...65_535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be from 0 to 65535")
        }
        if let prefetch, prefetch < 1 || prefetch > 65_535 {
            throw ValidationError("--prefetch must be from 1 to 65535")
        }
    }

    func run() async throws {
        var configuration = try connection.configuration()
        configuration.metricsPort = metricsPort ?? configuration.metricsPort
        configuration.metricsHost = metricsHost ?? configuration.metricsHost
        WarrenLogging.bootstrap(configuration)
        let traceExport = try TraceExport.bootstrap(serviceName: "warren-worker")
        let logger = Logger(label: "warren.worker")
        let worker = Worker(
            configuration: configuration, registry: try .builtin(configuration: configuration),
            options: Worker.Options(
                queues: queues?.split(separator: ",").map(String.init) ?? [], concurrency: concurrency,
                prefetch: prefetch, gracePeriod: .seconds(gracePeriod),
                recordStartAfter: .milliseconds(recordStartAfter), consumerTimeout: .seconds(consumerTimeout)),
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [worker] + MetricsServer.forWorker(configuration: configuration, logger: logger)
                    + traceExport,
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
