public import Foundation
public import WarrenCore

/// One queue as `GET /v1/queues` shows it. RabbitMQ's figures are nil where it could not say.
public struct QueueSummary: Sendable {
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
    /// How many tasks may wait before submissions are refused (`WARREN_MAX_WAITING`); nil for no limit.
    public var maximumWaiting: Int?

    /// `{"queue", "paused", "paused_at"}`: what pausing or resuming a queue answers.
    public static func pauseDocument(of queue: String, pausedAt: Date?) -> JSONValue {
        ["queue": .string(queue), "paused": .bool(pausedAt != nil), "paused_at": .time(pausedAt)]
    }

    /// `{"queue", "paused", "paused_at", "ready", "max_waiting", "unacknowledged", "consumers",
    /// "dead_letters", "dead_letter_queue", "oldest_waiting_seconds", "last_minute", "last_hour"}`.
    public var document: JSONValue {
        func number(_ value: Int?) -> JSONValue { value.map { JSONValue($0) } ?? .null }
        return [
            "queue": .string(queue), "paused": .bool(pausedAt != nil), "paused_at": .time(pausedAt),
            "ready": number(ready), "max_waiting": number(maximumWaiting), "unacknowledged": number(unacknowledged),
            "consumers": number(consumers),
            "dead_letters": number(deadLetters), "dead_letter_queue": .string(Topology.deadLetterQueue(of: queue)),
            "oldest_waiting_seconds": oldestWaitingSeconds.map { JSONValue($0) } ?? .null,
            "last_minute": lastMinute.document(over: 60), "last_hour": lastHour.document(over: 3_600),
        ]
    }
}
