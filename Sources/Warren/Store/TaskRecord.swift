public import Foundation
public import WarrenCore

/// A task's row in `warren.tasks`.
public struct TaskRecord: Sendable, Equatable {
    public var id: UUID
    public var task: String
    public var queue: String
    public var state: TaskState
    public var args: JSONValue
    public var result: JSONValue?
    public var error: JSONValue?
    public var attempts: Int
    public var priority: Int
    public var worker: String?
    public var createdAt: Date
    public var queuedAt: Date?
    public var startedAt: Date?
    public var finishedAt: Date?
    /// When a SCHEDULED or RETRY task is (or was) due.
    public var eta: Date?
    /// The submission's retry policy, when it overrode the task type's.
    public var retryPolicy: RetryPolicy?
}
