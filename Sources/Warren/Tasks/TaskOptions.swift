import WarrenCore

/// Default options of a task type, overridable per submission where noted.
public struct TaskOptions: Sendable, Equatable {
    /// The queue its messages go to (per submission: `queue`).
    public var queue: String
    /// 0 (default) to 9 (per submission: `priority`).
    public var priority: Int
    /// When a failed attempt runs again (per submission: `retry`, `max_retries`).
    public var retry: RetryPolicy
    /// When an attempt's Swift `Task` is cancelled (the task sees `CancellationError` and may
    /// clean up); nil for none. At most ``timeLimit``.
    public var softTimeLimit: Duration?
    /// When an attempt still running is recorded as failed (reason `time_limit`, dead-lettered)
    /// and its slot freed, whether or not the code stops. At most ``maximumTimeLimit``.
    public var timeLimit: Duration
    /// How often tasks of this type may start, across all workers together; nil for no limit.
    public var rateLimit: RateLimit?
    /// How long a result is kept after the task succeeds (per submission: `result_ttl`); the API's
    /// retention then clears it. Nil keeps it as long as the task.
    public var resultTTL: Duration?

    /// The longest hard time limit: below RabbitMQ's `consumer_timeout` (30 minutes by default),
    /// which closes the channel of a consumer that holds a delivery unacked for longer.
    public static let maximumTimeLimit = Duration.seconds(25 * 60)

    public init(
        queue: String = "default", priority: Int = 0, retry: RetryPolicy = .default, softTimeLimit: Duration? = nil,
        timeLimit: Duration = TaskOptions.maximumTimeLimit, rateLimit: RateLimit? = nil, resultTTL: Duration? = nil
    ) {
        self.queue = queue
        self.priority = priority
        self.retry = retry
        self.timeLimit = min(max(timeLimit, .milliseconds(1)), Self.maximumTimeLimit)
        self.softTimeLimit = softTimeLimit.map { min($0, self.timeLimit) }
        self.rateLimit = rateLimit
        self.resultTTL = resultTTL.map { max($0, .zero) }
    }
}
