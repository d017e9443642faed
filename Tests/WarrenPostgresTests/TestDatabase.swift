import Foundation
import WarrenPostgres

/// The database scripts/test started, as `WARREN_DATABASE_URL` names it: without it the tests
/// fail rather than skip.
enum TestDatabase {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "WARREN_DATABASE_URL is not set: run the tests with scripts/test, which starts the servers"
        }
    }

    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["WARREN_DATABASE_URL"], !url.isEmpty else {
            throw Missing()
        }
        return url
    }

    /// Runs `body` on a new connection to the test database, and closes it even when `body` throws.
    static func withConnection<Result: Sendable>(
        replanInterval: Duration = PostgresConnection.defaultReplanInterval,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await PostgresConnection.withConnection(
            uri: url(), name: "warren-test", replanInterval: replanInterval, body)
    }

    /// Runs `body` with a pool of connections to the test database, and closes it even when `body` throws.
    static func withPool<Result: Sendable>(
        maximumConnections: Int = 1, _ body: (PostgresPool) async throws -> Result
    ) async throws -> Result {
        try await PostgresPool.withPool(uri: url(), maximumConnections: maximumConnections, body)
    }
}
