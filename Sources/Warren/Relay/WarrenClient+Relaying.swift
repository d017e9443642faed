import Foundation
import Logging
import WarrenAMQP
import WarrenCore
import WarrenPostgres

extension WarrenClient {
    /// Publishes up to `limit` tasks of the outbox that are due: PENDING tasks (the broker was down
    /// when they came), and delayed tasks still not started well after their due time. Several
    /// relays may run; each entry is taken by one. ``OutboxRelay`` calls this every second.
    ///
    /// No lock is held while it waits on the broker. When the broker refuses one of the messages
    /// (a 406 on its queue, a message over its size limit), each is published alone: the others go
    /// out, and the refused one waits longer after each refusal until its task fails
    /// (`unpublishable`). When the broker cannot be reached, the entries are due again at once.
    /// - Returns: how many tasks it published.
    /// - Throws: the broker's or the database's error when either cannot be reached; the entries
    ///   stay for the next try.
    public func relayDueTasks(limit: Int = 500) async throws -> Int {
        try await reportingServers {
            try await relay(try await store.claimDueOutboxTasks(limit: limit))
        }
    }

    /// Publishes these tasks, whose outbox entries the caller claimed, as ``relayDueTasks(limit:)``
    /// does.
    func relay(_ claimed: [TaskRecord]) async throws -> Int {
        if claimed.isEmpty { return 0 }
        let tasks = claimed.map {
            NewTask(
                id: $0.id, task: $0.task, queue: $0.queue, args: $0.args, priority: $0.priority,
                idempotencyKey: nil, createdAt: $0.createdAt, eta: $0.eta, retry: $0.retryPolicy)
        }
        do {
            try await broker.publish(tasks)
            try await store.relayed(tasks.map(\.id))
            return tasks.count
        } catch let error where Self.isRefusal(error) && tasks.count > 1 {
            return try await relayOneByOne(tasks)
        } catch let error where Self.isRefusal(error) {
            try await recordRefusal(of: tasks[0], error)
            return 0
        } catch {
            try? await store.releaseClaims(tasks.map(\.id))
            throw error
        }
    }

    /// Publishes each task alone, after the broker refused one of them in a batch.
    private func relayOneByOne(_ tasks: [NewTask]) async throws -> Int {
        var published: [UUID] = []
        for (index, task) in tasks.enumerated() {
            do {
                try await broker.publish([task])
                published.append(task.id)
            } catch let error where Self.isRefusal(error) {
                try await recordRefusal(of: task, error)
            } catch {
                try? await store.relayed(published)
                try? await store.releaseClaims(tasks[index...].map(\.id))
                throw error
            }
        }
        try await store.relayed(published)
        return published.count
    }

    private func recordRefusal(of task: NewTask, _ error: any Error) async throws {
        logger.warning(
            "the broker refused a task's message; it is tried again later",
            metadata: [
                LoggingKey.taskID: "\(task.id)", LoggingKey.queue: "\(task.queue)", LoggingKey.error: "\(error)",
            ])
        try await store.refused(task.id, error: "\(error)")
    }

    /// Whether the broker refused what was sent (it closed the channel, or nacked a message),
    /// rather than could not be reached: something about that message or its queue.
    private static func isRefusal(_ error: any Error) -> Bool {
        guard let error = error as? AMQPError else { return false }
        return error.code == .channelClosed || error.code == .publishNacked
    }
}
