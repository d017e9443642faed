/// A value in an AMQP field table (headers, queue arguments).
public enum AMQPFieldValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case double(Double)
    case timestamp(UInt64)
    case table(AMQPTable)
    case array([AMQPFieldValue])
    case bytes([UInt8])
    case void

    /// The value as a string, when it is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value as an integer, when it is one.
    public var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }
}

/// An AMQP field table.
public typealias AMQPTable = [String: AMQPFieldValue]

/// The basic-class properties of a message.
public struct AMQPProperties: Sendable, Equatable {
    public var contentType: String?
    public var contentEncoding: String?
    public var headers: AMQPTable
    /// Persistent messages (delivery mode 2) survive a broker restart in a durable queue.
    public var persistent: Bool
    public var priority: UInt8?
    public var correlationID: String?
    public var replyTo: String?
    /// Per-message TTL in milliseconds, as a decimal string.
    public var expiration: String?
    public var messageID: String?
    /// Seconds since 1970.
    public var timestamp: UInt64?
    public var type: String?
    public var userID: String?
    public var appID: String?

    public init(
        contentType: String? = nil,
        contentEncoding: String? = nil,
        headers: AMQPTable = [:],
        persistent: Bool = true,
        priority: UInt8? = nil,
        correlationID: String? = nil,
        replyTo: String? = nil,
        expiration: String? = nil,
        messageID: String? = nil,
        timestamp: UInt64? = nil,
        type: String? = nil,
        userID: String? = nil,
        appID: String? = nil
    ) {
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.headers = headers
        self.persistent = persistent
        self.priority = priority
        self.correlationID = correlationID
        self.replyTo = replyTo
        self.expiration = expiration
        self.messageID = messageID
        self.timestamp = timestamp
        self.type = type
        self.userID = userID
        self.appID = appID
    }
}

/// A message to publish.
public struct AMQPOutgoingMessage: Sendable {
    public var exchange: String
    public var routingKey: String
    public var properties: AMQPProperties
    public var body: [UInt8]

    public init(exchange: String, routingKey: String, properties: AMQPProperties, body: [UInt8]) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.properties = properties
        self.body = body
    }
}

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
}

/// A queue's state as the broker reports it on declare.
public struct AMQPQueueInfo: Sendable, Equatable {
    public var name: String
    /// Messages ready for delivery (not counting unacked ones).
    public var messageCount: Int
    public var consumerCount: Int
}
