public import Foundation
public import Logging
public import WarrenPostgres

/// What a running task knows about its attempt.
public struct TaskContext: Sendable {
    /// The task's id (the AMQP `message_id` and the row's primary key).
    public var id: UUID
    /// The task's name.
    public var name: String
    /// The queue it came from.
    public var queue: String
    /// The attempt number, starting at 1. It goes on counting after a replay from a dead letter,
    /// as `warren.tasks.attempts` does, though the retry policy counts afresh from there.
    public var attempt: Int
    /// A logger with the task's id, name and attempt in its metadata.
    public var logger: Logger
    /// The worker's connections to Warren's database, for a task that reads it (`generate_report`
    /// reads `warren.tasks`). The worker closes them when it stops.
    public var database: PostgresPool
    /// Where ``progress(_:_:)`` goes: the worker's ``ProgressReports``; nowhere in a context a
    /// test made.
    var progressSink: (@Sendable (_ fraction: Double, _ message: String?) -> Void)? = nil

    /// Creates a context; workers make one per attempt, and tests can make their own to call
    /// a task's `run` directly.
    public init(id: UUID, name: String, queue: String, attempt: Int, logger: Logger, database: PostgresPool) {
        self.id = id
        self.name = name
        self.queue = queue
        self.attempt = attempt
        self.logger = logger
        self.database = database
    }

    /// Reports how far the task has got: `fraction` from 0 to 1 (clamped; not a number is
    /// ignored) and, if given, what it is doing now. Call it as often as is handy: the worker
    /// writes at most one report a task every 250 ms, always the last one, and the task's readers
    /// see it in `GET /v1/tasks/{id}`, `warren status` and `GET /v1/tasks/{id}/stream`.
    public func progress(_ fraction: Double, _ message: String? = nil) {
        guard !fraction.isNaN else { return }
        progressSink?(min(max(fraction, 0), 1), message)
    }
}
