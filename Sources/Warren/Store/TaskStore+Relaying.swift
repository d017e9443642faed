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
    /// carries its ETA rounded to the millisecond, the row to the microsecond.
    static let etaPrecision = 0.002

    /// How long an entry the relay took stays its own: another relay takes it only after this,
    /// should the first one die before it published the entry or gave it back.
    static let relayClaim = Duration.seconds(30)
    /// How many times the broker may refuse an entry's message before its task fails.
    static let maximumRefusals = 8

    /// Takes up to `limit` outbox entries that are due, marking them as taken for ``relayClaim``,
    /// and returns their tasks. No lock is held once it returns: the relay waits on the broker
    /// without blocking a worker starting one of these tasks.
    ///
    /// An entry is skipped while another transaction holds it or its task's row (another relay, a
    /// worker starting the task): a worker's start locks the row before the entry, so a relay that
    /// waited for either could deadlock with it. Rows are locked in the order their tables are
    /// named: naming the tasks first means a row being started is passed by before its entry is
    /// locked.
    func claimDueOutboxTasks(limit: Int) async throws -> [TaskRecord] {
        let rows = try await pool.query(
            """
            WITH due AS (
                SELECT o.task_id FROM warren.tasks t JOIN warren.outbox o ON o.task_id = t.id
                WHERE o.due <= now() ORDER BY o.due LIMIT \(limit) FOR UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE warren.outbox o SET due = now() + \(Self.relayClaim.seconds)::float8 * interval '1 second'
                FROM due WHERE o.task_id = due.task_id
                RETURNING o.task_id
            )
            SELECT \(unsafeSQL: Self.recordColumns) FROM warren.tasks WHERE id IN (SELECT task_id FROM claimed)
            """)
        return try rows.map(Self.record)
    }

    /// Gives back entries the relay took and could not publish because the broker could not be
    /// reached: they are due again at once.
    func releaseClaims(_ ids: [UUID]) async throws {
        _ = try await pool.query("UPDATE warren.outbox SET due = now() WHERE task_id = ANY(\(ids)::uuid[])")
    }

    /// Records that the broker refused this entry's message: it is due again after a wait that
    /// doubles with each refusal (2 s, 4 s, … at most 5 minutes), and at the
    /// ``maximumRefusals``th its waiting task fails (reason `unpublishable`) and leaves the outbox.
    func refused(_ id: UUID, error: String) async throws {
        let failure = TaskError(
            type: "Unpublishable",
            message: "the broker refused the task's message \(Self.maximumRefusals) times; the last time: \(error)",
            reason: .unpublishable)
        let failureJSON = PostgresJSON(try Self.json(failure))
        let failed = TaskState.failure.rawValue
        let waiting = TaskState.waiting.map(\.rawValue)
        // Each row is changed once: an entry is either counted or, at the last refusal, removed.
        _ = try await pool.query(
            """
            WITH entry AS (
                SELECT task_id, refusals + 1 AS refusals FROM warren.outbox WHERE task_id = \(id)
            ), counted AS (
                UPDATE warren.outbox o
                SET refusals = e.refusals, last_refusal = \(error),
                    due = now() + least(power(2, e.refusals), 300) * interval '1 second'
                FROM entry e WHERE o.task_id = e.task_id AND e.refusals < \(Self.maximumRefusals)
            ), unlisted AS (
                DELETE FROM warren.outbox o USING entry e
                WHERE o.task_id = e.task_id AND e.refusals >= \(Self.maximumRefusals)
            ), ended AS (
                UPDATE warren.tasks t SET state = \(failed), error = \(failureJSON)::jsonb, finished_at = now()
                FROM entry e
                WHERE t.id = e.task_id AND e.refusals >= \(Self.maximumRefusals) AND t.state = ANY(\(waiting)::text[])
                RETURNING t.id, t.attempts, t.finished_at
            ), announced AS (
                SELECT pg_notify(\(TaskChanges.channel), id::text) FROM ended
            )
            INSERT INTO warren.task_events (task_id, at, state, attempt, detail)
            SELECT id, finished_at, \(failed), attempts, \(failureJSON)::jsonb FROM ended
            WHERE (SELECT count(*) FROM announced) >= 0
            """)
    }

    /// After the relay published these tasks: PENDING ones become QUEUED (or SCHEDULED, if still
    /// due later), with an event; entries that still need watching (delayed tasks) are due again
    /// later, the rest leave the outbox. Entries of tasks that finished meanwhile leave too.
    func relayed(_ ids: [UUID]) async throws {
        guard !ids.isEmpty else { return }
        let watched = [TaskState.pending, .scheduled, .retry].map(\.rawValue)
        _ = try await pool.query(
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
                               ELSE now() + \(Self.republishAgainAfter.seconds)::float8 * interval '1 second' END,
                    refusals = 0, last_refusal = NULL
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
