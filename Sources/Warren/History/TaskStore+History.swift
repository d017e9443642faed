import Foundation
import WarrenCore
import WarrenPostgres

extension TaskStore {
    /// A page of tasks, newest first. It walks one index backwards from the cursor: `(created_at,
    /// id)`, or `(task, …)` / `(queue, …)` when those are filtered on (migration 0010), so a page
    /// costs the same at any depth. A state filter is checked on the rows the walk meets.
    func tasks(matching query: TaskQuery) async throws -> TaskPage {
        var statement = ListingStatement(time: "created_at", id: "id")
        if !query.states.isEmpty { statement.require("state = ANY(?::text[])", query.states.map(\.rawValue)) }
        if let task = query.task { statement.require("task = ?", task) }
        if let queue = query.queue { statement.require("queue = ?", queue) }
        if let since = query.since { statement.require("created_at >= to_timestamp(?::float8)", since) }
        if let until = query.until { statement.require("created_at < to_timestamp(?::float8)", until) }
        if let cursor = query.cursor {
            statement.after(microseconds: cursor.createdAtMicroseconds, id: cursor.id, idType: "uuid")
        }
        let rows = try await pool.query(statement.query(Self.recordColumns, from: "warren.tasks", limit: query.limit))
        let (tasks, next) = try ListingStatement.page(rows, limit: query.limit, item: Self.record) {
            TaskCursor(createdAtMicroseconds: $0, id: $1.id)
        }
        return TaskPage(tasks: tasks, nextCursor: next)
    }

    /// A task's history in the order it happened; nil when no task has the id.
    func events(of id: UUID) async throws -> [TaskEvent]? {
        let rows = try await pool.query(
            """
            SELECT at, state, attempt, worker, detail::text AS detail FROM warren.task_events
            WHERE task_id = \(id) ORDER BY id
            """)
        if rows.isEmpty, try await task(id) == nil { return nil }
        return try rows.map { row in
            TaskEvent(
                at: try row.decode("at"), state: try row.decode("state"), attempt: try row.decode("attempt"),
                worker: try row.decodeIfPresent("worker"),
                detail: try Self.json(row, "detail"))
        }
    }
}
