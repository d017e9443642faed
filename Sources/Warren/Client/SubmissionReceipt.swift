public import Foundation
public import WarrenCore

/// What a submission produced.
public struct SubmissionReceipt: Sendable, Equatable {
    public var id: UUID
    public var task: String
    public var queue: String
    /// QUEUED once the broker confirmed it (SCHEDULED when it has a countdown or ETA); PENDING if
    /// the broker could not be reached (the row is kept, and an ``OutboxRelay`` — `warren api` runs
    /// one — publishes it once the broker is back); or the existing task's state for a repeated key.
    public var state: TaskState
    /// False when an idempotency key matched an existing task.
    public var created: Bool

    /// `{"id", "state", "task", "queue"}`, as `POST /v1/tasks` answers.
    public var document: JSONValue { .object(members) }

    public var members: [String: JSONValue] {
        [
            "id": .string(id.uuidString.lowercased()), "state": .string(state.rawValue), "task": .string(task),
            "queue": .string(queue),
        ]
    }
}
