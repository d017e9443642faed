import WarrenAMQP
import WarrenCore
import WarrenPostgres

extension WarrenClient {
    /// Runs `body`, reporting the broker's and the database's errors as ``WarrenError``
    /// `unavailable(.broker)` and `unavailable(.database)`, with what they said: a client's caller
    /// (the API, a user's code) needs to know which server failed, not the client modules' types.
    func reportingServers<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as AMQPError {
            throw WarrenError(.unavailable(.broker), "RabbitMQ: \(error)")
        } catch let error as PostgresError {
            throw WarrenError(.unavailable(.database), "PostgreSQL: \(error)")
        }
    }
}
