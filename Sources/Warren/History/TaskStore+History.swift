import Foundation
import WarrenCore
import WarrenPostgres

extension TaskStore {
    /// A page of tasks, newest first. It walks one index backwards from the cursor: `(created_at,
    /// id)`, or `(task, …)` / `(queue, …)` when those are filtered on (migration 0010), so a page
    /// costs the same at any depth. A state filter is checked on the rows the walk meets.
    func tasks(matching query: TaskQuery) async throws -> TaskPage {
        var parameters: [any PostgresEncodable] = []
        func bind(_ value: some PostgresEncodable) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }
        var conditions: [String] = []
        if !query.states.isEmpty { conditions.append("state = ANY(\(bind(query.states.map(\.rawValue)))::text[])") }
        if let task = query.task { conditions.append("task = \(bind(task))") }
        if let queue = query.queue { conditions.append("queue = \(bind(queue))") }
        if let since = query.since { conditions.append("created_at >= to_timestamp(\(bind(since))::float8)") }
        if let until = query.until { conditions.append("created_at < to_timestamp(\(bind(until))::float8)") }
        if let cursor = query.cursor {
            conditions.append(
                "(created_at, id) < (timestamptz 'epoch' + \(bind(cursor.createdAtMicroseconds))::bigint"
                    + " * interval '1 microsecond', \(bind(cursor.id))::uuid)")
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try await pool.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(Self.recordColumns),
                        (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_microseconds
                    FROM warren.tasks \(filter)
                    ORDER BY created_at DESC, id DESC LIMIT \(bind(query.limit + 1))
                    """, parameters: parameters))
        var tasks: [TaskRecord] = []
        var lastCursor: TaskCursor?
        for row in rows.prefix(query.limit) {
            let record = try Self.record(row)
            tasks.append(record)
            lastCursor = TaskCursor(createdAtMicroseconds: try row.decode("created_at_microseconds"), id: record.id)
        }
        return TaskPage(tasks: tasks, nextCursor: rows.count > query.limit ? lastCursor : nil)
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
