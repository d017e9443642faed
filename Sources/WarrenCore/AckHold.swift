/// When the acks of finished deliveries go out: held up to `delay` so that several share one
/// `multiple` ack, but never while the deliveries waiting would take more than half of the
/// prefetch window's room beyond the running tasks, which the broker needs to send the next ones.
public struct AckHold: Sendable, Equatable {
    /// The longest an ack waits.
    public var delay: Duration
    /// The most finished deliveries whose acks may wait; at least one.
    public var most: Int

    /// With `prefetch` equal to `concurrency` the window has no room: every ack goes at once.
    public init(delay: Duration, prefetch: Int, concurrency: Int) {
        self.delay = delay
        self.most = max(1, (prefetch - concurrency) / 2)
    }

    /// Whether the acks of `waiting` finished deliveries go now, rather than when the delay ends.
    public func sendsNow(waiting: Int) -> Bool {
        delay == .zero || waiting >= most
    }
}
