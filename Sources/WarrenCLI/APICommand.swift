import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import Warren
import WarrenAPI
import WarrenMetrics
import WarrenTracing

struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Serve the REST API.",
        discussion: """
            Listens on WARREN_HTTP_HOST:WARREN_HTTP_PORT (127.0.0.1:8080 by default) until SIGTERM or SIGINT.
            Also runs the outbox relay: tasks accepted while RabbitMQ was down are published once it is back.
            History retention is a schedule that `warren beat` runs.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Listen address (WARREN_HTTP_HOST).")
    var host: String?

    @Option(help: "Listen port; 0 picks a free one (WARREN_HTTP_PORT).")
    var port: Int?

    @Flag(help: "Answer everyone as an admin, without a key, even on an address other than loopback.")
    var insecureNoAuth = false

    func validate() throws {
        if let port, !(0...65_535).contains(port) { throw ValidationError("--port must be from 0 to 65535") }
    }

    func run() async throws {
        let configuration = try connection.configuration {
            $0.httpHost = host
            $0.httpPort = port
        }
        WarrenLogging.bootstrap(configuration)
        _ = PrometheusExport.registry
        let traceExport = try TraceExport.bootstrap(serviceName: "warren-api")
        let logger = Logger(label: "warren.api")
        try await WarrenClient.withClient(configuration: configuration, maximumConnections: 8, logger: logger) {
            client in
            try await APIServer.checkAccess(
                configuration: configuration, client: client, insecureNoAuth: insecureNoAuth, logger: logger)
            let host = configuration.httpHost
            let app = APIServer.application(
                client: client, configuration: configuration, insecureNoAuth: insecureNoAuth, logger: logger
            ) { port in
                // Unbuffered, so scripts and tests reading our output see it at once.
                FileHandle.standardOutput.write(Data("Warren API listening on http://\(host):\(port)\n".utf8))
            }
            let relay = OutboxRelay(client: client, logger: logger)
            let group = ServiceGroup(
                configuration: .init(
                    services: [app, relay] + traceExport, gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            try await group.run()
        }
    }
}
