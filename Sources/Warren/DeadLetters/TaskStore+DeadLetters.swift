import Foundation
import WarrenCore
import WarrenPostgres

extension TaskStore {
    /// A page of dead letters, newest first, walking `(at, id)` or `(queue, at, id)` backwards from
    /// the cursor: for those still waiting, the indexes of migration 0012 hold only them; for the
    /// others, those of migration 0011. The other filters are checked on the rows the walk meets.
    func deadLetters(matching query: DeadLetterQuery) async throws -> (items: [DeadLetter], next: DeadLetterCursor?) {
        let rows = try await pool.query(
            Self.deadLetterStatement(query).query(
                Self.deadLetterColumns, from: Self.deadLetterSource, limit: query.limit))
        return try ListingStatement.page(rows, limit: query.limit, item: Self.deadLetter) {
            DeadLetterCursor(atMicroseconds: $0, id: $1.id)
        }
    }

    /// How many dead letters match `query`'s filters (its cursor and limit aside).
    func countDeadLetters(matching query: DeadLetterQuery) async throws -> Int {
        var query = query
        query.cursor = nil
        let rows = try await pool.query(Self.deadLetterStatement(query).count(from: Self.deadLetterSource))
        return try rows.first?.decode("count") ?? 0
    }

    private static let deadLetterSource = "warren.dead_letters d LEFT JOIN warren.tasks t ON t.id = d.task_id"

    private static func deadLetterStatement(_ query: DeadLetterQuery) -> ListingStatement {
        var statement = ListingStatement(time: "d.at", id: "d.id")
        if let queue = query.queue { statement.require("d.queue = ?", queue) }
        if let task = query.task { statement.require("t.task = ?", task) }
        if let reason = query.reason { statement.require("d.reason = ?", reason.rawValue) }
        switch query.status {
        case .dead: statement.require("d.resolution IS NULL")
        case .some(let status): statement.require("d.resolution = ?", status.rawValue)
        case nil: break
        }
        if let since = query.since { statement.require("d.at >= to_timestamp(?::float8)", since) }
        if let cursor = query.cursor {
            statement.after(microseconds: cursor.atMicroseconds, id: cursor.id, idType: "bigint")
        }
        return statement
    }

    /// One dead letter with its body, or nil.
    func deadLetter(_ id: Int) async throws -> DeadLetter? {
        let rows = try await pool.query(
            """
            SELECT \(unsafeSQL: Self.deadLetterColumns), encode(d.body, 'base64') AS body
            FROM warren.dead_letters d LEFT JOIN warren.tasks t ON t.id = d.task_id WHERE d.id = \(id)
            """)
        guard let row = rows.first else { return nil }
        var letter = try Self.deadLetter(row)
        letter.body = try row.decodeIfPresent("body", as: String.self).flatMap {
            Data(base64Encoded: $0, options: .ignoreUnknownCharacters).map { Array($0) }
        }
        return letter
    }

    /// Every queue Warren knows: those workers consume or operators declared, and task types' defaults.
    func knownQueues() async throws -> [String] {
        try await pool.query(
            "SELECT name FROM warren.queues UNION SELECT queue FROM warren.task_types ORDER BY 1"
        ).map { try $0.decode("name") }
    }

    private static let deadLetterColumns = """
        d.id, d.queue, d.task_id, d.reason, d.error::text AS error, d.at, d.resolution, d.resolved_at, t.task, \
        t.attempts, t.state, t.args::text AS args
        """

    private static func deadLetter(_ row: PostgresRow) throws -> DeadLetter {
        DeadLetter(
            id: try row.decode("id"), queue: try row.decode("queue"), taskID: try row.decodeIfPresent("task_id"),
            task: try row.decodeIfPresent("task"), reason: try row.decode("reason"), error: try json(row, "error"),
            attempts: try row.decodeIfPresent("attempts"),
            status: try row.decodeIfPresent("resolution", as: String.self).flatMap(DeadLetterStatus.init) ?? .dead,
            resolvedAt: try row.decodeIfPresent("resolved_at"),
            state: row["state"] == nil ? nil : try Self.state(row), args: try json(row, "args"),
            at: try row.decode("at"))
    }
}
