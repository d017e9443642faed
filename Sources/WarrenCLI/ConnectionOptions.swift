public import ArgumentParser
import Foundation
import Logging
import Synchronization
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
        bootstrapLogging(configuration.logLevel)
        return try await WarrenClient.withClient(
            configuration: configuration, maximumConnections: maximumConnections, logger: Logger(label: "warren.cli"),
            body)
    }
}

/// Sends every log line to standard error at `level` and above. The first call sets it up; a
/// command that opens a client twice (to count, ask, then act) calls it again, to no effect.
func bootstrapLogging(_ level: LogLevel) {
    let first = loggingBootstrapped.withLock { done in
        defer { done = true }
        return !done
    }
    guard first else { return }
    let level = Logger.Level(rawValue: level.rawValue) ?? .info
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}

private let loggingBootstrapped = Mutex(false)

extension LogLevel: ExpressibleByArgument {}
extension APIRole: ExpressibleByArgument {}
