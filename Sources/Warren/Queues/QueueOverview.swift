public import Foundation
public import WarrenCore

/// How many tasks of a queue ended how, over a window.
public struct QueueCounts: Sendable, Equatable {
    public var succeeded = 0
    /// Dead-lettered: failed for good, or never runnable.
    public var failed = 0
    /// Attempts that failed and will be tried again.
    public var retried = 0

    public init(succeeded: Int = 0, failed: Int = 0, retried: Int = 0) {
        self.succeeded = succeeded
        self.failed = failed
        self.retried = retried
    }

    /// Failed among those that ended; nil when none did.
    public var failureRate: Double? {
        succeeded + failed == 0 ? nil : Double(failed) / Double(succeeded + failed)
    }

    /// `{"succeeded", "failed", "retried", "failure_rate", "per_second"}`: `per_second` is the
    /// tasks that ended, over `seconds`.
    func document(over seconds: Double) -> JSONValue {
        [
            "succeeded": JSONValue(succeeded), "failed": JSONValue(failed), "retried": JSONValue(retried),
            "failure_rate": failureRate.map { JSONValue($0) } ?? .null,
            "per_second": JSONValue(Double(succeeded + failed) / seconds),
        ]
    }
}

/// One queue as `GET /v1/queues` shows it. RabbitMQ's figures are nil where it could not say.
public struct QueueOverview: Sendable {
    public var queue: String
    /// Since when it is paused; nil while it is consumed.
    public var pausedAt: Date?
    /// Messages waiting, and consumers, as RabbitMQ counts them now (AMQP); nil when RabbitMQ has
    /// no such queue.
    public var ready: Int?
    public var consumers: Int?
    /// Messages delivered and not yet acked, from the management API's statistics.
    public var unacknowledged: Int?
    /// Messages waiting in `<queue>.dead` now.
    public var deadLetters: Int?
    /// How long the message at the head of the queue has waited since its task was submitted
    /// (0 when none waits); from the management API, classic queues only.
    public var oldestWaitingSeconds: Double?
    public var lastMinute = QueueCounts()
    public var lastHour = QueueCounts()

    /// `{"queue", "paused", "paused_at", "ready", "unacknowledged", "consumers", "dead_letters",
    /// "dead_letter_queue", "oldest_waiting_seconds", "last_minute", "last_hour"}`.
    public var document: JSONValue {
        func number(_ value: Int?) -> JSONValue { value.map { JSONValue($0) } ?? .null }
        return [
            "queue": .string(queue), "paused": .bool(pausedAt != nil), "paused_at": .time(pausedAt),
            "ready": number(ready), "unacknowledged": number(unacknowledged), "consumers": number(consumers),
            "dead_letters": number(deadLetters), "dead_letter_queue": .string(Topology.deadLetterQueue(of: queue)),
            "oldest_waiting_seconds": oldestWaitingSeconds.map { JSONValue($0) } ?? .null,
            "last_minute": lastMinute.document(over: 60), "last_hour": lastHour.document(over: 3_600),
        ]
    }
}

/// Every queue Warren knows, and whether RabbitMQ's management API answered.
public struct QueuesOverview: Sendable {
    public var queues: [QueueOverview]
    /// Why the management API's figures are missing; nil when it answered.
    public var managementError: String?

    /// `{"queues": [queue, …], "rabbitmq_api": {"ok": Bool, "error"}}`.
    public var document: JSONValue {
        [
            "queues": .array(queues.map(\.document)),
            "rabbitmq_api": [
                "ok": .bool(managementError == nil), "error": managementError.map(JSONValue.string) ?? .null,
            ],
        ]
    }
}
