public import Foundation

/// A request to run a task, as the REST API and the CLI take it.
public struct Submission: Sendable {
    /// The task's registered name.
    public var task: String
    /// Its arguments, which must satisfy the task type's advertised schema.
    public var args: JSONValue
    /// The queue, when not the task type's default.
    public var queue: String?
    /// 0–9; higher runs first within a queue.
    public var priority: Int?
    /// Submitting twice with one key returns the first task instead of creating a second.
    public var idempotencyKey: String?
    /// Seconds to wait before running it (Celery's `countdown`); not with `eta`.
    public var countdown: Double?
    /// When to run it (Celery's `eta`); not with `countdown`.
    public var eta: Date?
    /// Retry policy fields overriding the task type's (`{"max_retries", "backoff", "delay",
    /// "max_delay", "jitter", "on"}`; see ``RetryPolicy``).
    public var retry: JSONValue?
    /// Overrides the policy's `max_retries`.
    public var maxRetries: Int?
    /// Seconds to keep its result after it succeeds, overriding the task type's.
    public var resultTTL: Double?
    /// The API key that submits it (``APIKeys``), when one does: its idempotency key is scoped to
    /// that API key, and a `submit` key may revoke it. Set by the API, never read from a body.
    public var apiKeyID: Int? = nil

    /// The longest `result_ttl`: ten years.
    public static let maximumResultTTL = 315_360_000.0

    public init(
        task: String, args: JSONValue, queue: String? = nil, priority: Int? = nil, idempotencyKey: String? = nil,
        countdown: Double? = nil, eta: Date? = nil, retry: JSONValue? = nil, maxRetries: Int? = nil,
        resultTTL: Double? = nil
    ) {
        self.task = task
        self.args = args
        self.queue = queue
        self.priority = priority
        self.idempotencyKey = idempotencyKey
        self.countdown = countdown
        self.eta = eta
        self.retry = retry
        self.maxRetries = maxRetries
        self.resultTTL = resultTTL
    }
}
