import Logging
import WarrenAMQP
import WarrenCore
import WarrenPostgres

extension WarrenClient {
    /// Runs `body`, reporting the broker's and the database's errors as ``WarrenError``s: a
    /// client's caller (the API, a user's code) needs to know which server failed and whether
    /// trying again can help, not the client modules' types.
    ///
    /// - The broker's errors, and the database's passing ones, are `unavailable(.broker)` and
    ///   `unavailable(.database)` (the API's 503s).
    /// - A value the database refused (a constraint, a bad value) is `invalidArguments` (a 422)
    ///   naming its SQLSTATE, and anything else it refused is `internal` (a 500): both fail the
    ///   same way every time, so neither says "try again". A refused value is logged here, since
    ///   its error names only the SQLSTATE; anything else carries the whole error, SQLSTATE
    ///   first, for whoever handles it to log once.
    func reportingServers<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as AMQPError {
            throw WarrenError(.unavailable(.broker), "RabbitMQ: \(error)")
        } catch let error as PostgresError {
            throw Self.reported(error, logger: logger)
        }
    }

    static func reported(_ error: PostgresError, logger: Logger) -> WarrenError {
        if error.isTransient { return WarrenError(.unavailable(.database), "PostgreSQL: \(error)") }
        let sqlState = error.sqlState ?? "none"
        if error.isRefusedValue {
            // The caller gets only the SQLSTATE; the whole refusal is logged here.
            logger.warning(
                "PostgreSQL refused a value",
                metadata: [LoggingKey.sqlState: "\(sqlState)", LoggingKey.error: "\(error)"])
            return WarrenError(.invalidArguments, "PostgreSQL refused a value of the request (SQLSTATE \(sqlState))")
        }
        // Logged once, by whoever handles it (the API logs every 500 it answers).
        return WarrenError(.internal, "PostgreSQL (SQLSTATE \(sqlState)): \(error)")
    }
}
