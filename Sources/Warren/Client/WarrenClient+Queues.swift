import WarrenCore

extension WarrenClient {
    /// Declares a queue as an operator does: RabbitMQ gets it and its dead-letter queue, and
    /// submissions may name it before any worker consumes it (`warren queue declare`).
    /// - Throws: ``WarrenError`` `invalidArguments` for a name that breaks ``Names``' rules.
    public func declare(queue: String) async throws {
        try Names.validate(queue: queue)
        try await reportingServers {
            try await broker.declare(queue: queue)
            try await store.declare(queue: queue)
        }
    }
}
