/// The error recorded for a failed attempt: the Swift type of the error and its description, and
/// why its message was dead-lettered, when it was.
public struct TaskError: Error, Sendable, Codable, Equatable, CustomStringConvertible {
    /// The error's type, e.g. `SMTPError`.
    public var type: String
    /// What went wrong.
    public var message: String
    /// Why the message was dead-lettered, when it was.
    public var reason: DeadLetterReason?

    public init(type: String, message: String, reason: DeadLetterReason? = nil) {
        self.type = type
        self.message = message
        self.reason = reason
    }

    /// Describes any thrown error.
    public init(describing error: any Error) {
        if let error = error as? TaskError {
            self = error
        } else {
            self.init(type: String(describing: Swift.type(of: error)), message: String(describing: error))
        }
    }

    public var description: String { "\(type): \(message)" }
}

extension TaskError {
    /// A message whose body is not a Warren task message.
    public static func invalidMessage(_ problem: String) -> TaskError {
        TaskError(type: "InvalidMessage", message: problem, reason: .invalidMessage)
    }

    /// A message naming a task the worker does not know.
    public static func unknownTask(_ name: String) -> TaskError {
        TaskError(
            type: "UnknownTask", message: "this worker has no task named \(name.prefix(200).debugDescription)",
            reason: .unknownTask)
    }

    /// A message delivered for more attempts than its policy allows: the earlier ones never finished.
    public static func poison(attempt: Int, maximum: Int) -> TaskError {
        TaskError(
            type: "Poison",
            message:
                "attempt \(attempt) of at most \(maximum): earlier attempts never finished, so their workers likely died running it",
            reason: .poison)
    }

    /// A result PostgreSQL cannot store.
    public static let invalidResult = TaskError(
        type: "InvalidResult", message: "the result holds U+0000, which PostgreSQL cannot store", reason: .notRetryable)

    /// A result larger than the worker records (`WARREN_MAX_RESULT_BYTES`).
    public static func resultTooLarge(bytes: Int, limit: Int) -> TaskError {
        TaskError(
            type: "ResultTooLarge",
            message:
                "the result is \(bytes) bytes as JSON; the worker records at most \(limit) (WARREN_MAX_RESULT_BYTES)",
            reason: .notRetryable)
    }

    /// An attempt cancelled at its soft time limit, which failed with `error`.
    public static func softTimeLimit(_ limit: Duration, error: TaskError) -> TaskError {
        TaskError(type: "SoftTimeLimitExceeded", message: "cancelled at its soft time limit of \(limit): \(error)")
    }

    /// An attempt still running at its hard time limit.
    public static func timeLimit(_ limit: Duration) -> TaskError {
        TaskError(
            type: "TimeLimitExceeded", message: "still running at its hard time limit of \(limit); its slot was freed",
            reason: .timeLimit)
    }

    /// What awaiting a revoked task's result throws.
    public static let revoked = TaskError(type: "Revoked", message: "the task was revoked")
}
