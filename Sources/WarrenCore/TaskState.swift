/// Where a task is in its life. Stored in `warren.tasks.state` as the raw value.
public enum TaskState: String, Sendable, Codable, CaseIterable {
    /// Accepted and recorded; not yet confirmed by the broker.
    case pending = "PENDING"
    /// Confirmed by the broker; waiting in its queue.
    case queued = "QUEUED"
    /// A worker is running an attempt.
    case started = "STARTED"
    /// Finished with a result.
    case success = "SUCCESS"
    /// Finished with an error.
    case failure = "FAILURE"

    /// True when no further attempt will run.
    public var isTerminal: Bool { self == .success || self == .failure }

    /// States from which a worker may start an attempt. STARTED is among them: a message is only
    /// redelivered when the worker that had it died or lost its connection, and the attempt
    /// number fences off any late outcome from that worker.
    public static let startable: [TaskState] = [.pending, .queued, .started]
}
