import Foundation
import WarrenAMQP

/// The broker scripts/test started, as `WARREN_AMQP_URL` names it: without it the tests fail
/// rather than skip.
enum TestBroker {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "WARREN_AMQP_URL is not set: run the tests with scripts/test, which starts the servers"
        }
    }

    static func endpoint() throws -> AMQPEndpoint {
        guard let url = ProcessInfo.processInfo.environment["WARREN_AMQP_URL"], !url.isEmpty else { throw Missing() }
        return try AMQPEndpoint(url: url)
    }

    /// Runs `body` on a new connection to the test broker, and closes it even when `body` throws.
    static func withConnection<Result: Sendable>(_ body: (AMQPConnection) async throws -> Result) async throws -> Result
    {
        try await AMQPConnection.withConnection(to: endpoint(), name: "warren-test", body)
    }
}
