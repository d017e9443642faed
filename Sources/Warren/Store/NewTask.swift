import Foundation
import WarrenCore

/// A task being submitted.
struct NewTask: Sendable {
    var id: UUID
    var task: String
    var queue: String
    var args: JSONValue
    var priority: Int
    var idempotencyKey: String?
    /// For a task with an idempotency key, the request as canonical JSON: a repeated key must come
    /// with the same one.
    var request: String?
    var createdAt: Date
    /// When it is due, for a countdown or ETA.
    var eta: Date?
    /// The submission's retry policy, when it overrides the task type's.
    var retry: RetryPolicy?
    /// Seconds to keep its result, when the submission said.
    var resultTTL: Double?
    /// The API key that submitted it, if one did.
    var apiKeyID: Int?
    /// The trace context its message carries (see ``TaskSpans``): set as it is published.
    var traceHeaders: [String: String] = [:]
    /// `args` as JSON text, written once: the INSERT stores it, and the client checks its size
    /// against the workers' limit.
    let argsText: String

    init(
        id: UUID, task: String, queue: String, args: JSONValue, priority: Int, idempotencyKey: String?,
        request: String? = nil, createdAt: Date, eta: Date?, retry: RetryPolicy?, resultTTL: Double? = nil,
        apiKeyID: Int? = nil
    ) {
        self.id = id
        self.task = task
        self.queue = queue
        self.args = args
        self.priority = priority
        self.idempotencyKey = idempotencyKey
        self.request = request
        self.createdAt = createdAt
        self.eta = eta
        self.retry = retry
        self.resultTTL = resultTTL
        self.apiKeyID = apiKeyID
        self.argsText = args.jsonText
    }

    /// The state its row has once its message is in the broker.
    var publishedState: TaskState { eta == nil ? .queued : .scheduled }
}
