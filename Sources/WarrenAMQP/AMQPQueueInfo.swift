/// A queue's state as the broker reports it on declare.
public struct AMQPQueueInfo: Sendable, Equatable {
    public var name: String
    /// Messages ready for delivery (not counting unacked ones).
    public var messageCount: Int
    public var consumerCount: Int
}
