import Foundation
public import WarrenCore

extension TaskRecord {
    /// The task as the REST API shows it, and `warren … --json` prints it: `id, task, queue, state,
    /// args, result, error, attempts, priority, worker, created_at, queued_at, started_at,
    /// finished_at, eta, progress` (`{"fraction", "message", "at"}`, or null), and
    /// `result_expired_at` once its result has expired.
    public var document: JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(id.uuidString.lowercased()), "task": .string(task), "queue": .string(queue),
            "state": .string(state.rawValue), "args": args, "result": result ?? .null, "error": error ?? .null,
            "attempts": JSONValue(attempts), "priority": JSONValue(priority),
            "worker": worker.map(JSONValue.string) ?? .null, "created_at": .time(createdAt),
            "queued_at": .time(queuedAt), "started_at": .time(startedAt), "finished_at": .time(finishedAt),
            "eta": .time(eta), "progress": progress?.document ?? .null,
        ]
        if let resultExpiredAt { fields["result_expired_at"] = .time(resultExpiredAt) }
        return .object(fields)
    }
}

extension JSONValue {
    /// A time as Warren writes it in JSON (ISO 8601, UTC, milliseconds), or null.
    static func time(_ date: Date?) -> JSONValue { date.map { .string(ISO8601Timestamp.format($0)) } ?? .null }
}
