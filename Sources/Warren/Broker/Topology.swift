public import WarrenAMQP
public import WarrenCore

/// Warren's exchanges and queues on the broker, and the rules for their names.
///
/// - One durable direct exchange, `warren.tasks`, routes a task to the queue named by its
///   routing key.
/// - Each queue `<q>` is durable, bound to `warren.tasks` with key `<q>`, and dead-letters to
///   the direct exchange `warren.dead` with key `<q>`, where the durable queue `<q>.dead` is bound.
/// - Delayed messages (countdowns, ETAs, retries) wait in the delay cascade of ``DelayRoute``:
///   topic exchanges and TTL queues `warren.delay.0` … `warren.delay.21`, ending in the topic
///   exchange `warren.delay.deliver`, where each `<q>` is bound by its name.
public struct Topology: Sendable {
    /// The exchange tasks are published to.
    public static let taskExchange = "warren.tasks"
    /// The exchange dead letters are published to.
    public static let deadLetterExchange = "warren.dead"
    /// The highest priority a task may have on a classic queue.
    public static let maximumPriority = 9

    /// The type of the task queues and their dead-letter queues.
    public var queueType: QueueType

    public init(queueType: QueueType = .classic) {
        self.queueType = queueType
    }

    /// The dead-letter queue of `queue`.
    public static func deadLetterQueue(of queue: String) -> String { "\(queue).dead" }

    /// The arguments `queue` is declared with.
    public func arguments(of queue: String) -> AMQPTable {
        var arguments: AMQPTable = [
            "x-dead-letter-exchange": .string(Self.deadLetterExchange),
            "x-dead-letter-routing-key": .string(queue),
        ]
        if queueType == .quorum {
            arguments["x-queue-type"] = .string("quorum")
        } else {
            arguments["x-max-priority"] = .int(Int64(Self.maximumPriority))
        }
        return arguments
    }

    /// Declares the exchanges, `queue`, its dead-letter queue and their bindings (idempotent), in
    /// one round trip.
    public func declare(queue: String, on connection: AMQPConnection) async throws {
        let deadQueue = Self.deadLetterQueue(of: queue)
        var deadArguments: AMQPTable = [:]
        if queueType == .quorum { deadArguments["x-queue-type"] = .string("quorum") }
        try await connection.declare([
            .exchange(Self.taskExchange),
            .exchange(Self.deadLetterExchange),
            .exchange(DelayRoute.deliveryExchange, type: "topic"),
            .queue(deadQueue, arguments: deadArguments),
            .queueBinding(queue: deadQueue, exchange: Self.deadLetterExchange, routingKey: queue),
            .queue(queue, arguments: arguments(of: queue)),
            .queueBinding(queue: queue, exchange: Self.taskExchange, routingKey: queue),
            .queueBinding(
                queue: queue, exchange: DelayRoute.deliveryExchange,
                routingKey: DelayRoute.deliveryBindingKey(queue: queue)),
        ])
    }

    /// Declares the delay cascade (idempotent), in one round trip: once per connection that
    /// publishes delayed messages.
    ///
    /// The level queues are classic queues whatever ``queueType`` says: in RabbitMQ 3.10, a
    /// classic queue's dead-lettering on expiry is not confirmed, so a broker crash at the instant a
    /// message moves between levels can lose that copy. The task's row keeps its due time, which
    /// is what recovers such a task (docs/delays.md).
    public func declareDelays(on connection: AMQPConnection) async throws {
        var declarations: [AMQPDeclaration] = [.exchange(DelayRoute.deliveryExchange, type: "topic")]
        for level in 0..<DelayRoute.levels {
            let exchange = DelayRoute.exchange(level: level)
            let queue = DelayRoute.queue(level: level)
            declarations += [
                .exchange(exchange, type: "topic"),
                .queue(
                    queue,
                    arguments: [
                        "x-message-ttl": .int(Int64(DelayRoute.timeToLive(level: level))),
                        "x-dead-letter-exchange": .string(DelayRoute.next(level: level)),
                    ]),
                .queueBinding(
                    queue: queue, exchange: exchange, routingKey: DelayRoute.bindingKey(level: level, bit: true)),
                .exchangeBinding(
                    destination: DelayRoute.next(level: level), source: exchange,
                    routingKey: DelayRoute.bindingKey(level: level, bit: false)),
            ]
        }
        try await connection.declare(declarations)
    }
}
