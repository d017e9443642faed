/// Why a message went to its queue's dead-letter queue, as written in `x-warren-reason` and
/// `warren.dead_letters.reason`.
public struct DeadLetterReason: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The body is not a Warren task message.
    public static let invalidMessage = DeadLetterReason(rawValue: "invalid_message")
    /// No worker on this queue knows the task.
    public static let unknownTask = DeadLetterReason(rawValue: "unknown_task")
    /// The last allowed attempt failed.
    public static let retriesExhausted = DeadLetterReason(rawValue: "retries_exhausted")
    /// The error is not one the policy retries.
    public static let notRetryable = DeadLetterReason(rawValue: "not_retryable")
    /// The message was delivered for more attempts than allowed: earlier attempts never finished
    /// (their workers died), so it is not run again.
    public static let poison = DeadLetterReason(rawValue: "poison")
    /// The broker refused the task's message every time the relay published it (a 406 on its
    /// queue, a message over the broker's size limit). The task fails without a dead letter.
    public static let unpublishable = DeadLetterReason(rawValue: "unpublishable")
    /// The attempt was still running at its hard time limit.
    public static let timeLimit = DeadLetterReason(rawValue: "time_limit")

    /// Every reason Warren writes.
    public static let all: [DeadLetterReason] = [
        .invalidMessage, .unknownTask, .retriesExhausted, .notRetryable, .poison, .unpublishable, .timeLimit,
    ]

    public var description: String { rawValue }
}
