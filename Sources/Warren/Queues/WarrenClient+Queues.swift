public import Foundation
import WarrenAMQP
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

    /// Every queue Warren knows, with what RabbitMQ counts in it and its dead-letter queue now, the
    /// age of its oldest waiting task, whether it is paused, and the tasks it finished over the
    /// last minute and hour (`warren.queue_stats`: no read of `warren.tasks`). When the management
    /// API cannot be reached, its figures are nil and ``QueueOverview/managementError`` says why.
    public func queues() async throws -> QueueOverview {
        try await reportingServers {
            async let managed = managementFigures()
            let names = try await store.knownQueues()
            let pauses = try await store.pauses(among: names)
            let counts = try await store.queueCounts()
            var overviews: [QueueSummary] = []
            for name in names {
                var overview = QueueSummary(queue: name, pausedAt: pauses[name])
                overview.maximumWaiting = limits.limit(of: name)
                if let info = try await inspector.inspect(name) {
                    overview.ready = info.messageCount
                    overview.consumers = info.consumerCount
                }
                overview.deadLetters = try await inspector.inspect(Topology.deadLetterQueue(of: name))?.messageCount
                if let (lastMinute, lastHour) = counts[name] {
                    overview.lastMinute = lastMinute
                    overview.lastHour = lastHour
                }
                overviews.append(overview)
            }
            var overview = QueueOverview(queues: overviews)
            switch await managed {
            case .success(let figures):
                let now = Date()
                for index in overview.queues.indices {
                    guard let queue = figures[overview.queues[index].queue] else { continue }
                    overview.queues[index].unacknowledged = queue.unacknowledged
                    if overview.queues[index].ready == 0 {
                        overview.queues[index].oldestWaitingSeconds = 0
                    } else if let head = queue.headTimestamp {
                        overview.queues[index].oldestWaitingSeconds = max(0, now.timeIntervalSince(head))
                    }
                }
            case .failure(let error):
                overview.managementError = "\(error)"
            }
            return overview
        }
    }

    private func managementFigures() async -> Result<[String: ManagementAPI.QueueFigures], any Error> {
        do {
            return .success(try await management.queues())
        } catch {
            return .failure(error)
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
