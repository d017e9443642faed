public import Logging
public import ServiceLifecycle

/// Publishes what the broker could not take when it was submitted, once it can: the API runs one.
///
/// Every `interval` it asks ``WarrenClient/relayDueTasks(limit:)`` to publish the outbox's due
/// tasks (at once again while there are more). While the broker or the database is down it logs
/// the outage once and keeps trying; nothing is dropped, the entries stay in PostgreSQL.
public struct OutboxRelay: Service {
    private let client: WarrenClient
    private let interval: Duration
    private let logger: Logger

    public init(client: WarrenClient, interval: Duration = .seconds(1), logger: Logger) {
        self.client = client
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        let limit = 500
        var failing = false
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            var published = 0
            do {
                published = try await client.relayDueTasks(limit: limit)
                if failing { logger.notice("relay resumed") }
                failing = false
                if published > 0 {
                    logger.info("relayed tasks to the broker", metadata: [LoggingKey.count: "\(published)"])
                }
            } catch {
                if !failing {
                    logger.warning("relay cannot publish yet; retrying", metadata: [LoggingKey.error: "\(error)"])
                }
                failing = true
            }
            if published < limit {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            }
        }
    }
}
