public import ArgumentParser
import Foundation
import Logging
import Warren

/// Flags every command shares; each overrides its environment variable.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "RabbitMQ URL (WARREN_AMQP_URL).")
    var amqpURL: String?

    @Option(help: "PostgreSQL connection URI (WARREN_DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "How much to log (WARREN_LOG_LEVEL).")
    var logLevel: LogLevel?

    var overrides: Configuration.Overrides {
        Configuration.Overrides(amqpURL: amqpURL, databaseURL: databaseURL, logLevel: logLevel)
    }

    /// The environment's configuration with these flags and `more` merged in.
    func configuration(_ more: (inout Configuration.Overrides) -> Void = { _ in }) throws -> Configuration {
        var overrides = self.overrides
        more(&overrides)
        return try Configuration(environment: ProcessInfo.processInfo.environment).merging(overrides)
    }
}

extension ConnectionOptions {
    /// For the commands that talk to a running Warren: resolves the configuration, sets up
    /// logging, and runs `body` with a client that is shut down afterwards.
    func withClient<Result: Sendable>(
        maximumConnections: Int = 1, _ body: (WarrenClient) async throws -> Result
    ) async throws -> Result {
        let configuration = try configuration()
        WarrenLogging.bootstrap(configuration)
        return try await WarrenClient.withClient(
            configuration: configuration, maximumConnections: maximumConnections, logger: Logger(label: "warren.cli"),
            body)
    }
}

extension LogLevel: ExpressibleByArgument {}
extension APIRole: ExpressibleByArgument {}
