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
    /// What its running attempt last reported of its progress, if it did.
    public var progress: TaskProgress? = nil
    /// When its result was cleared for having expired (`result_ttl`).
    public var resultExpiredAt: Date? = nil
    /// The API key that submitted it, if one did.
    public var apiKeyID: Int? = nil
}

/// How far a running task says it has got (``TaskContext/progress(_:_:)``).
public struct TaskProgress: Sendable, Equatable {
    /// From 0 to 1.
    public var fraction: Double
    /// What the task said it was doing, if it said.
    public var message: String?
    /// When it was written.
    public var at: Date

    /// `{"fraction", "message", "at"}`.
    public var document: JSONValue {
        ["fraction": JSONValue(fraction), "message": message.map(JSONValue.string) ?? .null, "at": .time(at)]
    }
}
