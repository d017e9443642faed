/// Thrown by a task to ask for another attempt after `delay`, whatever the error (Celery's
/// `self.retry(countdown=…)`). It counts against the policy's `max_retries`.
public struct TaskRetry: Error, Sendable, CustomStringConvertible {
    /// How long to wait, rounded up to whole seconds (at least one).
    public var delay: Duration
    /// Why, for the task's history.
    public var reason: String

    public init(after delay: Duration, reason: String = "the task asked for a retry") {
        self.delay = delay
        self.reason = reason
    }

    public var description: String { reason }
}
