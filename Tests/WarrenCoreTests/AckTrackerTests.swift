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

@Suite struct AckHoldTests {
    @Test func holdsAcksWhileHalfTheWindowsRoomBeyondTheRunningTasksIsFree() {
        let hold = AckHold(delay: .milliseconds(5), prefetch: 32, concurrency: 8)
        #expect(hold.most == 12)
        #expect(!hold.sendsNow(waiting: 1))
        #expect(!hold.sendsNow(waiting: 11))
        #expect(hold.sendsNow(waiting: 12))
    }

    @Test(arguments: [(8, 8), (9, 8), (1, 1)])
    func sendsEveryAckAtOnceWhenTheWindowHasNoRoom(prefetch: Int, concurrency: Int) {
        let hold = AckHold(delay: .milliseconds(5), prefetch: prefetch, concurrency: concurrency)
        #expect(hold.most == 1)
        #expect(hold.sendsNow(waiting: 1))
    }

    @Test func sendsEveryAckAtOnceWithoutADelay() {
        #expect(AckHold(delay: .zero, prefetch: 400, concurrency: 100).sendsNow(waiting: 1))
    }
}
