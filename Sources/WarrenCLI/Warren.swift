import ArgumentParser
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

    @Option(help: "trace, debug, info, notice, warning, error or critical (WARREN_LOG_LEVEL).")
    var logLevel: String?

    /// The environment merged with these flags, with logging set up at its level.
    func configuration() throws -> Configuration {
        var configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
        if let amqpURL { configuration.amqpURL = amqpURL }
        if let databaseURL { configuration.databaseURL = databaseURL }
        if let logLevel {
            guard Configuration.logLevels.contains(logLevel) else {
                throw ValidationError("--log-level must be one of \(Configuration.logLevels.joined(separator: ", "))")
            }
            configuration.logLevel = logLevel
        }
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return configuration
    }
}

extension UUID: @retroactive ExpressibleByArgument {
    public init?(argument: String) {
        self.init(uuidString: argument)
    }
}
