import Foundation
import WarrenCore
import WarrenPostgres

extension TaskStore {
    /// A page of dead letters, newest first, walking `(at, id)` or `(queue, at, id)` backwards from
    /// the cursor (migration 0011); the other filters are checked on the rows the walk meets.
    func deadLetters(matching query: DeadLetterQuery) async throws -> (letters: [DeadLetter], next: DeadLetterCursor?) {
        var parameters: [any PostgresEncodable] = []
        func bind(_ value: some PostgresEncodable) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }
        var conditions: [String] = []
        if let queue = query.queue { conditions.append("d.queue = \(bind(queue))") }
        if let task = query.task { conditions.append("t.task = \(bind(task))") }
        if let reason = query.reason { conditions.append("d.reason = \(bind(reason.rawValue))") }
        if let since = query.since { conditions.append("d.at >= to_timestamp(\(bind(since))::float8)") }
        if let cursor = query.cursor {
            conditions.append(
                "(d.at, d.id) < (timestamptz 'epoch' + \(bind(cursor.atMicroseconds))::bigint"
                    + " * interval '1 microsecond', \(bind(cursor.id))::bigint)")
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try await pool.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(Self.deadLetterColumns), (extract(epoch FROM d.at) * 1000000)::bigint AS at_microseconds
                    FROM warren.dead_letters d LEFT JOIN warren.tasks t ON t.id = d.task_id \(filter)
                    ORDER BY d.at DESC, d.id DESC LIMIT \(bind(query.limit + 1))
                    """, parameters: parameters))
        var letters: [DeadLetter] = []
        var lastCursor: DeadLetterCursor?
        for row in rows.prefix(query.limit) {
            let letter = try Self.deadLetter(row)
            letters.append(letter)
            lastCursor = DeadLetterCursor(atMicroseconds: try row.decode("at_microseconds"), id: letter.id)
        }
        return (letters, rows.count > query.limit ? lastCursor : nil)
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
        d.id, d.queue, d.task_id, d.reason, d.error::text AS error, d.at, t.task, t.attempts, t.state, \
        t.args::text AS args
        """

    private static func deadLetter(_ row: PostgresRow) throws -> DeadLetter {
        DeadLetter(
            id: try row.decode("id"), queue: try row.decode("queue"), taskID: try row.decodeIfPresent("task_id"),
            task: try row.decodeIfPresent("task"), reason: try row.decode("reason"), error: try json(row, "error"),
            attempts: try row.decodeIfPresent("attempts"),
            state: row["state"] == nil ? nil : try Self.state(row), args: try json(row, "args"),
            at: try row.decode("at"))
    }
}
