public import ArgumentParser
import Foundation
import Logging
import Warren

@main
struct WarrenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warren",
        abstract: "A distributed task system on RabbitMQ and PostgreSQL.",
        discussion: """
            Settings come from WARREN_* environment variables; the flags below override them.

              warren migrate
              warren api
              warren worker --queues emails,reports --concurrency 8
              warren submit send_email --args '{"to":"ada@example.com","subject":"Hi","body":"Hello"}' --wait
              warren status 5f0c2a9e-…
              warren revoke 5f0c2a9e-… --terminate
            """,
        subcommands: [
            APICommand.self, WorkerCommand.self, MigrateCommand.self, SubmitCommand.self, StatusCommand.self,
            RevokeCommand.self,
        ]
    )
}

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
        bootstrapLogging(configuration.logLevel)
        return try await WarrenClient.withClient(
            configuration: configuration, maximumConnections: maximumConnections, logger: Logger(label: "warren.cli"),
            body)
    }
}

/// Sends every log line to standard error at `level` and above. Each command calls it once, first.
func bootstrapLogging(_ level: LogLevel) {
    let level = Logger.Level(rawValue: level.rawValue) ?? .info
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}

extension LogLevel: ExpressibleByArgument {}
