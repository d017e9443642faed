/// Where a task is in its life. Stored in `warren.tasks.state` as the raw value.
public enum TaskState: String, Sendable, Codable, CaseIterable {
    /// Accepted and recorded; not yet confirmed by the broker.
    case pending = "PENDING"
    /// Submitted with a countdown or ETA: waiting in the broker's delay queues until `eta`.
    case scheduled = "SCHEDULED"
    /// Confirmed by the broker; waiting in its queue.
    case queued = "QUEUED"
    /// A worker is running an attempt.
    case started = "STARTED"
    /// An attempt failed; the next one is due at `eta`, its message waiting in the delay queues.
    case retry = "RETRY"
    /// Finished with a result.
    case success = "SUCCESS"
    /// Finished with an error.
    case failure = "FAILURE"
    /// Revoked: never to be started, or cancelled while it ran.
    case revoked = "REVOKED"

    /// True when no further attempt will run.
    public var isTerminal: Bool { self == .success || self == .failure || self == .revoked }

    /// States a task can be revoked from without `terminate`. A worker may have begun such a task
    /// in the moments before its start is written; it is then cancelled, and its outcome is not
    /// recorded.
    public static let waiting: [TaskState] = [.pending, .scheduled, .queued, .retry]

    /// States from which a worker may start an attempt. STARTED is among them: a message is only
    /// redelivered when the worker that had it died or lost its connection, and the attempt
    /// number fences off any late outcome from that worker.
    public static let startable: [TaskState] = [.pending, .scheduled, .queued, .started, .retry]
}
