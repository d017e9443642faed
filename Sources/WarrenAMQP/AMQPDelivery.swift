/// A message received by a consumer or by `basic.get`.
public struct AMQPDelivery: Sendable {
    /// The tag to ack, nack or reject it with, on the connection that received it.
    public var deliveryTag: UInt64
    /// True when the broker delivered it before and it was not acked.
    public var redelivered: Bool
    public var exchange: String
    public var routingKey: String
    /// The consumer tag (empty for `basic.get`).
    public var consumerTag: String
    public var properties: AMQPProperties
    public var body: [UInt8]
    /// When it arrived from the broker. RabbitMQ's `consumer_timeout` counts from its delivery,
    /// however long it then waits here before it is handled.
    public var receivedAt: ContinuousClock.Instant = .now
}
