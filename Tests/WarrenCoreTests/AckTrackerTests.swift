import Testing
import WarrenCore

@Suite struct AckTrackerTests {
    @Test func acksAPrefixWithOneMultipleAck() {
        var tracker = AckTracker()
        for tag in 1...5 as ClosedRange<UInt64> { tracker.received(tag) }
        #expect(tracker.done([3, 1, 2]) == [.init(tag: 3, multiple: true)])
        #expect(tracker.count == 2)
    }

    @Test func acksDeliveriesBehindASlowOneSingly() {
        var tracker = AckTracker()
        for tag in 1...4 as ClosedRange<UInt64> { tracker.received(tag) }
        #expect(tracker.done([2, 3]) == [.init(tag: 2, multiple: false), .init(tag: 3, multiple: false)])
        #expect(tracker.count == 2)
        // When the slow one finishes, only it is left to ack: 2 and 3 were acked already.
        #expect(tracker.done([1]) == [.init(tag: 1, multiple: true)])
        #expect(tracker.done([4]) == [.init(tag: 4, multiple: true)])
        #expect(tracker.count == 0)
    }

    @Test func ignoresUnknownAndSettledTags() {
        var tracker = AckTracker()
        tracker.received(7)
        tracker.received(8)
        tracker.settled(7)
        #expect(tracker.done([99]) == [])
        #expect(tracker.done([8]) == [.init(tag: 8, multiple: true)])
    }
}
