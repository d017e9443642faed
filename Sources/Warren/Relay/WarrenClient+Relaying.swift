import Foundation
import Logging
import WarrenAMQP
import WarrenCore
import WarrenPostgres

extension WarrenClient {
    /// Publishes up to `limit` tasks of the outbox that are due, in one transaction that commits
    /// once the broker confirmed them: PENDING tasks (the broker was down when they came), and
    /// delayed tasks still not started well after their due time. Several relays may run; each
    /// entry is taken by one. ``OutboxRelay`` calls this every second.
    /// - Returns: how many tasks it published.
    /// - Throws: the broker's or the database's error; the entries stay for the next try.
    public func relayDueTasks(limit: Int = 500) async throws -> Int {
        try await reportingServers {
            try await store.pool.transaction { [store, broker] connection in
                let due = try await store.dueOutboxTasks(limit: limit, on: connection)
                if due.isEmpty { return 0 }
                let tasks = due.map {
                    NewTask(
                        id: $0.id, task: $0.task, queue: $0.queue, args: $0.args, priority: $0.priority,
                        idempotencyKey: nil,
                        createdAt: $0.createdAt, eta: $0.eta, retry: $0.retryPolicy)
                }
                try await broker.publish(tasks)
                try await store.relayed(tasks.map(\.id), on: connection)
                return tasks.count
            }
        }
    }
}
