import Foundation
import WarrenCore

/// A task being submitted.
struct NewTask: Sendable {
    var id: UUID
    var task: String
    var queue: String
    var args: JSONValue
    var priority: Int
    var idempotencyKey: String?
    /// For a task with an idempotency key, the request as canonical JSON: a repeated key must come
    /// with the same one.
    var request: String?
    var createdAt: Date
    /// When it is due, for a countdown or ETA.
    var eta: Date?
    /// The submission's retry policy, when it overrides the task type's.
    var retry: RetryPolicy?

    /// The state its row has once its message is in the broker.
    var publishedState: TaskState { eta == nil ? .queued : .scheduled }
}
