/// Decides which acks to send for deliveries that finish out of order.
///
/// Deliveries arrive with increasing tags. When the oldest ones are done, one `ack(multiple)`
/// covers them all; a delivery done while an older one still runs is acked on its own, so a slow
/// task never holds a fast one's prefetch slot.
public struct AckTracker: Sendable {
    /// One ack to send.
    public struct Ack: Sendable, Equatable {
        public var tag: UInt64
        public var multiple: Bool
        public init(tag: UInt64, multiple: Bool) {
            self.tag = tag
            self.multiple = multiple
        }
    }

    /// Tags received and not yet acked, oldest first, with whether they are done.
    private var outstanding: [(tag: UInt64, done: Bool)] = []
    private var head = 0

    public init() {}

    /// The number of deliveries not yet acked.
    public var count: Int { outstanding.count - head }

    /// Records a delivery as received.
    public mutating func received(_ tag: UInt64) {
        outstanding.append((tag, false))
    }

    /// Records deliveries as done and returns the acks that now cover every done delivery.
    public mutating func done(_ tags: some Sequence<UInt64>) -> [Ack] {
        for tag in tags {
            if let index = position(of: tag) { outstanding[index].done = true }
        }
        var acks: [Ack] = []
        var lastPrefixTag: UInt64?
        while head < outstanding.count, outstanding[head].done {
            lastPrefixTag = outstanding[head].tag
            head += 1
        }
        if let lastPrefixTag {
            acks.append(Ack(tag: lastPrefixTag, multiple: true))
        }
        // Done deliveries behind a running one: ack each alone and forget it.
        var kept: [(tag: UInt64, done: Bool)] = []
        for entry in outstanding[head...] {
            if entry.done {
                acks.append(Ack(tag: entry.tag, multiple: false))
            } else {
                kept.append(entry)
            }
        }
        outstanding = kept
        head = 0
        return acks
    }

    /// Forgets a delivery that was settled another way (rejected, nacked).
    public mutating func settled(_ tag: UInt64) {
        if let index = position(of: tag) { outstanding.remove(at: index) }
    }

    private func position(of tag: UInt64) -> Int? {
        // Tags are sorted: binary search.
        var low = head
        var high = outstanding.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if outstanding[middle].tag == tag { return middle }
            if outstanding[middle].tag < tag { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }
}
