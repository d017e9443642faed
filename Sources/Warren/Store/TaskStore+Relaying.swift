import Foundation
import WarrenCore
import WarrenPostgres

extension TaskStore {
    /// How long after its due time a delayed task that has not started is published again, in
    /// case its message was lost in the delay queues; and how long after such a republish it is
    /// published once more if it still has not started.
    static let overdueAfter = Duration.seconds(60)
    static let republishAgainAfter = Duration.seconds(600)
    /// How much earlier than its row's ETA a message's may read and still be the same: a message
    /// carries its ETA in milliseconds, cut short (`…00.123` can come out as `…00.122`).
    static let etaPrecision = 0.002

    /// Locks up to `limit` outbox entries that are due, with their tasks' rows, and returns the
    /// tasks, on `connection`, inside a transaction. An entry is skipped while another transaction
    /// holds it or its task's row (another relay, a worker starting the task): a worker's start
    /// locks the row before the entry, so a relay that waited for either could deadlock with it.
    /// Rows are locked in the order their tables are named, and a skipped row's earlier locks are
    /// kept: naming the tasks first means a row being started is passed by before its entry is
    /// locked, so the start does not then wait on the relay for the entry.
    func dueOutboxTasks(limit: Int, on connection: PostgresConnection) async throws -> [TaskRecord] {
        let rows = try await connection.query(
            """
            SELECT \(unsafeSQL: Self.recordColumns) FROM warren.tasks t JOIN warren.outbox o ON o.task_id = t.id
            WHERE o.due <= now() ORDER BY o.due LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """)
        return try rows.map(Self.record)
    }

    /// After the relay published these tasks: PENDING ones become QUEUED (or SCHEDULED, if still
    /// due later), with an event; entries that still need watching (delayed tasks) are due again
    /// later, the rest leave the outbox. Entries of tasks that finished meanwhile leave too.
    func relayed(_ ids: [UUID], on connection: PostgresConnection) async throws {
        let watched = [TaskState.pending, .scheduled, .retry].map(\.rawValue)
        _ = try await connection.query(
            """
            WITH published AS (
                UPDATE warren.tasks t
                SET state = CASE WHEN t.eta > now() THEN \(TaskState.scheduled.rawValue) ELSE \(TaskState.queued.rawValue) END,
                    queued_at = clock_timestamp()
                WHERE t.id = ANY(\(ids)::uuid[]) AND t.state = \(TaskState.pending.rawValue)
                RETURNING t.id, t.state, t.queued_at
            ), events AS (
                INSERT INTO warren.task_events (task_id, at, state) SELECT id, queued_at, state FROM published
            ), watched AS (
                UPDATE warren.outbox o
                SET due = CASE WHEN t.eta > now() THEN t.eta + \(Self.overdueAfter.seconds)::float8 * interval '1 second'
                               ELSE now() + \(Self.republishAgainAfter.seconds)::float8 * interval '1 second' END
                FROM warren.tasks t
                WHERE o.task_id = t.id AND t.id = ANY(\(ids)::uuid[]) AND t.eta IS NOT NULL
                    AND t.state = ANY(\(watched)::text[])
            )
            DELETE FROM warren.outbox o USING warren.tasks t
            WHERE o.task_id = t.id AND t.id = ANY(\(ids)::uuid[])
                AND NOT (t.eta IS NOT NULL AND t.state = ANY(\(watched)::text[]))
            """)
    }

    /// Moves a delayed task's outbox entry (if it has one) to `overdueAfter` past `due`: its
    /// message went back to the delay queues to wait until then, and must not be relayed before.
    func postponeRelay(of id: UUID, until due: Date) async throws {
        _ = try await pool.query(
            """
            UPDATE warren.outbox SET due = to_timestamp(\(due.timeIntervalSince1970)::float8)
                                           + \(Self.overdueAfter.seconds)::float8 * interval '1 second'
            WHERE task_id = \(id)
            """)
    }
}
