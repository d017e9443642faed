import Foundation
import WarrenCore
import WarrenPostgres

extension TaskStore {
    /// Bytes in PostgreSQL's hex input format for `bytea`.
    static func byteaText(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = Array("\\x".utf8)
        text.reserveCapacity(2 + bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// An error as the JSON PostgreSQL stores, any U+0000 (which it cannot store) replaced by U+FFFD.
    static func json(_ error: TaskError) throws -> String {
        func storable(_ text: String) -> String {
            text.containsNUL ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text
        }
        let stored = TaskError(type: storable(error.type), message: storable(error.message), reason: error.reason)
        return String(decoding: try JSONValue.encoder.encode(stored), as: UTF8.self)
    }

    static let recordColumns = """
        id, task, queue, state, args::text AS args, result::text AS result, error::text AS error, attempts, priority, \
        worker, created_at, queued_at, started_at, finished_at, eta, retry_policy::text AS retry_policy, \
        progress::float8 AS progress, progress_message, progress_at, result_expired_at, api_key_id
        """

    /// A row's task state.
    /// - Throws: ``PostgresError`` `decoding` for a state this version of Warren does not know.
    static func state(_ row: PostgresRow, _ column: String = "state") throws -> TaskState {
        let text: String = try row.decode(column)
        guard let state = TaskState(rawValue: text) else {
            throw PostgresError(
                .decoding, message: "\(column) is \(text.prefix(40).debugDescription), not a task state")
        }
        return state
    }

    /// A JSON column selected as text (`args::text AS args`), or nil for NULL.
    static func json(_ row: PostgresRow, _ column: String) throws -> JSONValue? {
        try row.decodeIfPresent(column, as: String.self).map { try JSONValue(parsing: Array($0.utf8)) }
    }

    static func record(_ row: PostgresRow) throws -> TaskRecord {
        func json(_ column: String) throws -> JSONValue? { try Self.json(row, column) }
        return TaskRecord(
            id: try row.decode("id"), task: try row.decode("task"), queue: try row.decode("queue"),
            state: try Self.state(row), args: try json("args") ?? .null,
            result: try json("result"), error: try json("error"), attempts: try row.decode("attempts"),
            priority: try row.decode("priority"), worker: try row.decodeIfPresent("worker"),
            createdAt: try row.decode("created_at"), queuedAt: try row.decodeIfPresent("queued_at"),
            startedAt: try row.decodeIfPresent("started_at"), finishedAt: try row.decodeIfPresent("finished_at"),
            eta: try row.decodeIfPresent("eta"),
            retryPolicy: try row.decodeIfPresent("retry_policy", as: String.self).map {
                try RetryPolicy(json: try JSONValue(parsing: Array($0.utf8)), over: .default)
            },
            progress: try row.decodeIfPresent("progress_at", as: Date.self).map {
                TaskProgress(
                    fraction: try row.decode("progress"), message: try row.decodeIfPresent("progress_message"), at: $0)
            }, resultExpiredAt: try row.decodeIfPresent("result_expired_at"),
            apiKeyID: try row.decodeIfPresent("api_key_id"))
    }
}
