/// A failure talking to RabbitMQ: what was being done, and what the broker or the library said.
public struct AMQPError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The kind of failure. New codes may be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case invalidURL = "invalid URL"
            case connectionRefused = "connection refused"
            case accessRefused = "access refused"
            case connectionClosed = "connection closed"
            case channelClosed = "channel closed"
            case consumerCancelled = "consumer cancelled"
            case publishNacked = "publish not confirmed"
            case confirmTimedOut = "confirm timed out"
            case protocolError = "protocol error"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The URL could not be parsed.
        public static let invalidURL = Code(.invalidURL)
        /// The TCP connection could not be made.
        public static let connectionRefused = Code(.connectionRefused)
        /// The broker refused the credentials or the vhost.
        public static let accessRefused = Code(.accessRefused)
        /// The connection was closed by the broker or was lost.
        public static let connectionClosed = Code(.connectionClosed)
        /// The broker closed the channel (a reply code and text say why).
        public static let channelClosed = Code(.channelClosed)
        /// The broker cancelled a consumer (its queue was deleted, for example).
        public static let consumerCancelled = Code(.consumerCancelled)
        /// The broker answered a publish with `basic.nack`: it did not take the message.
        public static let publishNacked = Code(.publishNacked)
        /// The broker confirmed nothing within the endpoint's ``AMQPEndpoint/confirmTimeout``
        /// (a memory or disk alarm blocks publishers); the connection was given up.
        public static let confirmTimedOut = Code(.confirmTimedOut)
        /// Something unexpected on the wire or in the client library.
        public static let protocolError = Code(.protocolError)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What Warren was doing, e.g. `declare queue emails`.
    public var operation: String
    /// The broker's AMQP reply code (403, 404, 406…) when it sent one.
    public var replyCode: UInt16?
    /// The broker's reply text, or the library's explanation.
    public var text: String

    /// Creates an error.
    public init(_ code: Code, operation: String, replyCode: UInt16? = nil, text: String) {
        self.code = code
        self.operation = operation
        self.replyCode = replyCode
        self.text = text
    }

    public var description: String {
        if let replyCode {
            return "AMQP \(code) during \(operation): \(replyCode) \(text)"
        }
        return "AMQP \(code) during \(operation): \(text)"
    }
}
