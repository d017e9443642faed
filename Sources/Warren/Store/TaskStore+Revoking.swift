import Foundation
import WarrenCore
import WarrenPostgres

extension TaskStore {
    /// Revokes a task that is waiting, or with `terminate` one that is running: the row becomes
    /// REVOKED with an event (and leaves the outbox, and is announced finished), which also fences
    /// out the running attempt's outcome. Returns the task's state after the statement (REVOKED
    /// when it was revoked), or nil for an unknown id.
    func revoke(_ id: UUID, terminate: Bool) async throws -> TaskState? {
        let revocable = (TaskState.waiting + (terminate ? [.started] : [])).map(\.rawValue)
        let revoked = TaskState.revoked.rawValue
        let rows = try await pool.query(
            """
            WITH revoked AS (
                UPDATE warren.tasks SET state = \(revoked), finished_at = now(), eta = NULL
                WHERE id = \(id) AND state = ANY(\(revocable)::text[])
                RETURNING id, attempts, finished_at
            ), events AS (
                INSERT INTO warren.task_events (task_id, at, state, attempt)
                SELECT id, finished_at, \(revoked), attempts FROM revoked
            ), unlisted AS (
                DELETE FROM warren.outbox o USING revoked r WHERE o.task_id = r.id
            ), announced AS (
                SELECT pg_notify(\(TaskChanges.channel), id::text) FROM revoked
            )
            SELECT coalesce((SELECT \(revoked)::text FROM revoked), (SELECT state FROM warren.tasks WHERE id = \(id))) AS state
            WHERE (SELECT count(*) FROM announced) >= 0
            """)
        guard let row = rows.first, row["state"] != nil else { return nil }
        return try Self.state(row)
    }

    /// Which of these tasks have been revoked (for workers running them).
    func revoked(among ids: [UUID]) async throws -> Set<UUID> {
        let rows = try await pool.query(
            "SELECT id FROM warren.tasks WHERE id = ANY(\(ids)::uuid[]) AND state = \(TaskState.revoked.rawValue)")
        return Set(try rows.map { try $0.decode("id", as: UUID.self) })
    }
}
