public import Foundation
public import WarrenCore

/// A message a worker sent to `<queue>.dead`, as `warren.dead_letters` records it, with what its
/// task's row says now.
public struct DeadLetter: Sendable, Equatable {
    public var id: Int
    /// The queue the message came from.
    public var queue: String
    /// The task it carried; nil when the message had no readable id.
    public var taskID: UUID?
    /// The task's name, when its row exists.
    public var task: String?
    public var reason: String
    /// `{"type", "message", "reason"}`: why its last attempt failed.
    public var error: JSONValue?
    /// Attempts the task had, when its row exists.
    public var attempts: Int?
    /// Whether it still waits, or was replayed or purged (at `resolvedAt`).
    public var status: DeadLetterStatus
    /// When it was replayed or purged.
    public var resolvedAt: Date?
    /// The task's state now (FAILURE, unless it was replayed since).
    public var state: TaskState?
    public var args: JSONValue?
    public var at: Date
    /// The message's body as it was received; read only for one dead letter (``WarrenClient/deadLetter(_:)``).
    public var body: [UInt8]?

    /// The dead letter as the REST API shows it: `id, queue, dead_letter_queue, task_id, task, reason,
    /// error, attempts, state, args, at, status, resolved_at`, and with its body, `message` (the body as JSON, or null when
    /// it is not JSON) and `body_base64`.
    public var document: JSONValue {
        var members: [String: JSONValue] = [
            "id": JSONValue(id), "queue": .string(queue),
            "dead_letter_queue": .string(Topology.deadLetterQueue(of: queue)),
            "task_id": taskID.map { .string($0.uuidString.lowercased()) } ?? .null,
            "task": task.map(JSONValue.string) ?? .null, "reason": .string(reason), "error": error ?? .null,
            "attempts": attempts.map { JSONValue($0) } ?? .null, "state": state.map { .string($0.rawValue) } ?? .null,
            "args": args ?? .null, "at": .time(at), "status": .string(status.rawValue),
            "resolved_at": resolvedAt.map(JSONValue.time) ?? .null,
        ]
        if let body {
            members["message"] = (try? JSONValue(parsing: body)) ?? .null
            members["body_base64"] = .string(Data(body).base64EncodedString())
        }
        return .object(members)
    }
}

/// A page of dead letters, newest first, with the messages waiting in the dead-letter queues.
public struct DeadLetterPage: Sendable {
    public var deadLetters: [DeadLetter]
    /// Where the next page starts; nil when this is the last.
    public var nextCursor: DeadLetterCursor?
    /// For each queue listed (the one filtered on, or every queue Warren knows), the messages
    /// waiting in its `<queue>.dead` now, as RabbitMQ counts them; nil where it has no such queue.
    public var waiting: [(queue: String, messages: Int?)]

    /// The page as the REST API shows it: `{"dead_letters": […], "next_cursor", "queues": [{"queue",
    /// "dead_letter_queue", "messages"}]}`.
    public var document: JSONValue {
        [
            "dead_letters": .array(deadLetters.map(\.document)),
            "next_cursor": nextCursor.map { .string($0.text) } ?? .null,
            "queues": .array(
                waiting.map {
                    [
                        "queue": .string($0.queue),
                        "dead_letter_queue": .string(Topology.deadLetterQueue(of: $0.queue)),
                        "messages": $0.messages.map { JSONValue($0) } ?? .null,
                    ]
                }),
        ]
    }
}
