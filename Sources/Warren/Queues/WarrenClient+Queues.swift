public import Foundation
import WarrenCore

extension WarrenClient {
    /// Declares a queue as an operator does: RabbitMQ gets it and its dead-letter queue, and
    /// submissions may name it before any worker consumes it (`warren queues declare`).
    /// - Throws: ``WarrenError`` `invalidArguments` for a name that breaks ``Names``' rules.
    public func declare(queue: String) async throws {
        try Names.validate(queue: queue)
        try await reportingServers {
            try await broker.declare(queue: queue)
            try await store.declare(queue: queue)
        }
    }

    /// Pauses a queue: within a second every worker stops consuming it, and gives back what it
    /// took from it and has not started; it stays paused, across restarts, until resumed.
    /// Submissions to it are still accepted and wait in it. Returns since when it is paused.
    /// - Throws: ``WarrenError`` `notFound` for a queue Warren does not know.
    public func pause(queue: String) async throws -> Date {
        try await reportingServers {
            try await requireKnown(queue)
            return try await store.pause(queue: queue)
        }
    }

    /// Resumes a paused queue: within a second the workers that serve it consume it again.
    /// - Throws: ``WarrenError`` `notFound` for a queue Warren does not know.
    public func resume(queue: String) async throws {
        try await reportingServers {
            try await requireKnown(queue)
            try await store.resume(queue: queue)
        }
    }

    private func requireKnown(_ queue: String) async throws {
        guard try await store.knownQueues().contains(queue) else {
            throw WarrenError(
                .notFound,
                "no queue is named \(queue.prefix(200)): workers record theirs as they start, and an operator declares others"
            )
        }
    }
}
