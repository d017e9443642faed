/// What a worker does after a failed attempt.
public enum RetryDecision: Sendable, Equatable {
    /// Run again after this many seconds.
    case retry(afterSeconds: Int)
    /// Record FAILURE and dead-letter the message.
    case fail(reason: DeadLetterReason)
}
