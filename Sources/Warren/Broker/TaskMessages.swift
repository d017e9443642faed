import Foundation
import WarrenAMQP
import WarrenCore

/// Every message Warren publishes, and the name of every header it writes or reads: the wire
/// format of `docs/protocol.md`.
///
/// A message Warren publishes again for a delivery (a retry, a delay, a turn, a dead letter) keeps
/// only the properties in ``republished(_:)``'s allow-list.
enum TaskMessages {
    /// Header names.
    enum Header {
        /// The envelope's version, on every message Warren submits.
        static let version = "warren-version"
        /// The turn a message took under its task type's rate limit, in milliseconds since 1970,
        /// while it waits for that turn in the delay queues.
        static let turn = "x-warren-turn"
        /// Why a dead letter was dead-lettered (a ``DeadLetterReason``).
        static let reason = "x-warren-reason"
        /// The error, for a person, at most ``maximumErrorLength`` characters.
        static let error = "x-warren-error"
        /// The attempts the task had, when it started at all.
        static let attempts = "x-warren-attempts"
        /// The queue the dead letter came from.
        static let originalQueue = "x-warren-original-queue"
        /// When it was dead-lettered.
        static let deadLetteredAt = "x-warren-dead-lettered-at"
        /// The key of its row in `warren.dead_letters`: what a replay or purge finds it by.
        static let deadLetterKey = "x-warren-dead-letter-key"
    }

    static let maximumErrorLength = 1_000

    /// A submitted task's message: to its queue, or into the delay queues when it is due later.
    /// - Throws: ``WarrenError`` `invalidArguments` when it is due further ahead than the delay
    ///   queues reach.
    static func submission(_ task: NewTask, now: Date = Date()) throws -> AMQPOutgoingMessage {
        let envelope = TaskEnvelope(
            id: task.id, task: task.task, queue: task.queue, args: task.args, createdAt: task.createdAt, eta: task.eta,
            retry: task.retry)
        var headers: AMQPTable = [Header.version: .int(Int64(TaskEnvelope.version))]
        for (name, value) in task.traceHeaders { headers[name] = .string(value) }
        var message = AMQPOutgoingMessage(
            exchange: Topology.taskExchange, routingKey: task.queue,
            properties: AMQPProperties(
                contentType: "application/json", contentEncoding: "utf-8", headers: headers, persistent: true,
                priority: UInt8(task.priority), messageID: task.id.uuidString.lowercased(),
                timestamp: UInt64(task.createdAt.timeIntervalSince1970), type: task.task, appID: "warren"),
            body: envelope.encoded())
        if let eta = task.eta,
            let seconds = try DelayRoute.seconds(until: eta.timeIntervalSince1970, now: now.timeIntervalSince1970)
        {
            message.exchange = DelayRoute.entryExchange
            message.routingKey = try DelayRoute(seconds: seconds, queue: task.queue).routingKey
        }
        return message
    }

    /// The next attempt of `delivery`'s task, `next`, on its way through the delay queues.
    static func retry(of delivery: AMQPDelivery, next: TaskEnvelope, afterSeconds seconds: Int) -> AMQPOutgoingMessage {
        delayed(delivery.properties, body: next.encoded(), seconds: seconds, queue: next.queue)
    }

    /// `delivery`, unchanged, back into the delay queues for `seconds` more on its way to `queue`;
    /// with the `turn` it took under its task type's rate limit, when it waits for that.
    static func delay(
        _ delivery: AMQPDelivery, seconds: Int, queue: String, turn: Date? = nil
    ) -> AMQPOutgoingMessage {
        var message = delayed(delivery.properties, body: delivery.body, seconds: seconds, queue: queue)
        if let turn {
            message.properties.headers[Header.turn] = .int(Int64((turn.timeIntervalSince1970 * 1_000).rounded()))
        }
        return message
    }

    /// The turn a delivery took under its task type's rate limit, if it carries one.
    static func turn(of delivery: AMQPDelivery) -> Date? {
        guard case .int(let milliseconds)? = delivery.properties.headers[Header.turn] else { return nil }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1_000)
    }

    /// The message for `<queue>.dead`: `delivery`'s body and properties, with why in its headers
    /// and the `key` of its row in `warren.dead_letters`.
    static func deadLetter(
        _ delivery: AMQPDelivery, queue: String, error: TaskError, attempts: Int?, key: UUID, at time: Date = Date()
    ) -> AMQPOutgoingMessage {
        var properties = republished(delivery.properties)
        properties.headers[Header.deadLetterKey] = .string(key.uuidString.lowercased())
        properties.headers[Header.reason] = .string(error.reason?.rawValue ?? "unknown")
        properties.headers[Header.error] = .string(String(error.description.prefix(maximumErrorLength)))
        properties.headers[Header.originalQueue] = .string(queue)
        properties.headers[Header.deadLetteredAt] = .timestamp(UInt64(time.timeIntervalSince1970))
        if let attempts { properties.headers[Header.attempts] = .int(Int64(attempts)) }
        return AMQPOutgoingMessage(
            exchange: Topology.deadLetterExchange, routingKey: queue, properties: properties, body: delivery.body)
    }

    /// The key a message in `<queue>.dead` carries, if Warren dead-lettered it (see ``deadLetter(_:queue:error:attempts:key:at:)``).
    static func deadLetterKey(of delivery: AMQPDelivery) -> UUID? {
        delivery.properties.headers[Header.deadLetterKey]?.stringValue.flatMap(UUID.init(uuidString:))
    }

    /// The properties a message keeps when Warren publishes it again: what describes the task and
    /// its producer, persistent. Left behind: `expiration` (the copy would expire in the delay
    /// queues), `user-id` (RabbitMQ refuses one that is not the publishing connection's user), and
    /// every `x-` header, which belong to the broker (`x-death`, `x-delivery-count`) or to Warren
    /// (set again by the message being built).
    static func republished(_ properties: AMQPProperties) -> AMQPProperties {
        AMQPProperties(
            contentType: properties.contentType, contentEncoding: properties.contentEncoding,
            headers: properties.headers.filter { !$0.key.hasPrefix("x-") }, persistent: true,
            priority: properties.priority, correlationID: properties.correlationID, replyTo: properties.replyTo,
            messageID: properties.messageID, timestamp: properties.timestamp, type: properties.type,
            appID: properties.appID)
    }

    private static func delayed(_ properties: AMQPProperties, body: [UInt8], seconds: Int, queue: String)
        -> AMQPOutgoingMessage
    {
        AMQPOutgoingMessage(
            exchange: DelayRoute.entryExchange, routingKey: DelayRoute(clamping: seconds, queue: queue).routingKey,
            properties: republished(properties), body: body)
    }
}
