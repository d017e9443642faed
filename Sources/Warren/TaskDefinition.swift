import Foundation
import Logging
import WarrenCore

/// A kind of task: a stable name, `Codable` arguments and result, default options, and the
/// code that runs it.
///
/// ```swift
/// struct Resize: TaskDefinition {
///     struct Arguments: Codable, Sendable { var url: String; var width: Int }
///     struct Result: Codable, Sendable { var bytes: Int }
///     static let name = "resize_image"
///     static let options = TaskOptions(queue: "images")
///     func run(_ arguments: Arguments, context: TaskContext) async throws -> Result { … }
/// }
/// ```
public protocol TaskDefinition: Sendable {
    associatedtype Arguments: Codable & Sendable
    associatedtype Result: Codable & Sendable

    /// The name producers use; never change it once tasks are in flight.
    static var name: String { get }
    /// Defaults for every submission of this task.
    static var options: TaskOptions { get }
    /// The JSON Schema of `Arguments`, advertised so the API can validate submissions.
    /// Inferred from `Arguments` by default.
    static var argumentSchema: JSONSchema { get }

    /// Runs one attempt. Throwing records FAILURE with the error's type and description.
    func run(_ arguments: Arguments, context: TaskContext) async throws -> Result
}

extension TaskDefinition {
    public static var options: TaskOptions { TaskOptions() }
    public static var argumentSchema: JSONSchema { .inferred(from: Arguments.self) }
}

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

    /// The longest hard time limit: below RabbitMQ's `consumer_timeout` (30 minutes by default),
    /// which closes the channel of a consumer that holds a delivery unacked for longer.
    public static let maximumTimeLimit = Duration.seconds(25 * 60)

    public init(
        queue: String = "default", priority: Int = 0, retry: RetryPolicy = .default, softTimeLimit: Duration? = nil,
        timeLimit: Duration = TaskOptions.maximumTimeLimit, rateLimit: RateLimit? = nil
    ) {
        self.queue = queue
        self.priority = priority
        self.retry = retry
        self.timeLimit = min(max(timeLimit, .milliseconds(1)), Self.maximumTimeLimit)
        self.softTimeLimit = softTimeLimit.map { min($0, self.timeLimit) }
        self.rateLimit = rateLimit
    }
}

/// An error worth another attempt: under a policy that retries only such errors (the default),
/// a task's error is retried when it conforms.
///
/// ```swift
/// struct SMTPUnavailable: RetryableError {}
/// ```
public protocol RetryableError: Error {}

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

/// What a running task knows about its attempt.
public struct TaskContext: Sendable {
    /// The task's id (the AMQP `message_id` and the row's primary key).
    public var id: UUID
    /// The task's name.
    public var name: String
    /// The queue it came from.
    public var queue: String
    /// The attempt number, starting at 1.
    public var attempt: Int
    /// A logger with the task's id, name and attempt in its metadata.
    public var logger: Logger

    /// Creates a context; workers make one per attempt, and tests can make their own to call
    /// a task's `run` directly.
    public init(id: UUID, name: String, queue: String, attempt: Int, logger: Logger) {
        self.id = id
        self.name = name
        self.queue = queue
        self.attempt = attempt
        self.logger = logger
    }
}

/// The error recorded for a failed attempt: the Swift type of the error and its description.
public struct TaskError: Error, Sendable, Codable, Equatable, CustomStringConvertible {
    /// The error's type, e.g. `SMTPError`.
    public var type: String
    /// What went wrong.
    public var message: String
    /// Why a message was dead-lettered, when it was (see `DeadLetterReason`).
    public var reason: String?

    public init(type: String, message: String, reason: String? = nil) {
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
