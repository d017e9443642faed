public import Foundation
public import WarrenCore

/// One entry of a task's history (`warren.task_events`): a state it entered, or what an operator did to it.
public struct TaskEvent: Sendable, Equatable {
    public var at: Date
    /// A ``TaskState``'s raw value, or ``replayed`` or ``purged``.
    public var state: String
    /// The attempt it belongs to; 0 before the first.
    public var attempt: Int
    /// The worker (`host:pid`) that wrote it, if a worker did.
    public var worker: String?
    /// What else is known: the error of a FAILURE or RETRY.
    public var detail: JSONValue?

    /// The event of a task sent back to its queue from a dead letter.
    public static let replayed = "REPLAYED"
    /// The event of a task whose dead letter was discarded.
    public static let purged = "PURGED"

    /// The event as the REST API shows it: `at, state, attempt, worker, detail`.
    public var document: JSONValue {
        [
            "at": .time(at), "state": .string(state), "attempt": JSONValue(attempt),
            "worker": worker.map(JSONValue.string) ?? .null, "detail": detail ?? .null,
        ]
    }

    /// A task's events as the REST API shows them: `{"id", "events": [event, …]}`.
    public static func document(of id: UUID, _ events: [TaskEvent]) -> JSONValue {
        ["id": .string(id.uuidString.lowercased()), "events": .array(events.map(\.document))]
    }
}
