import WarrenAMQP
import WarrenCore

/// Sends acks for finished deliveries, `multiple` where it can (see ``AckTracker``), held as
/// ``AckHold`` says (``Worker/Options/ackDelay``).
///
/// Acks and nacks are queued on the connection in the same actor step that updates the tracker,
/// so they reach the broker in the tracker's order: a `multiple` ack can never overtake the nack
/// of a delivery it would otherwise cover.
actor Acknowledger {
    private let connection: AMQPConnection
    private let hold: AckHold
    private var tracker = AckTracker()
    /// Finished deliveries whose acks wait for the next flush.
    private var finished: [UInt64] = []

    init(connection: AMQPConnection, hold: AckHold) {
        self.connection = connection
        self.hold = hold
    }

    func received(_ tag: UInt64) {
        tracker.received(tag)
    }

    func done(_ tags: [UInt64]) {
        guard !tags.isEmpty else { return }
        let firstWaiting = finished.isEmpty
        finished += tags
        if hold.sendsNow(waiting: finished.count) {
            flush()
        } else if firstWaiting {
            Task {
                try? await Task.sleep(for: hold.delay)
                flush()
            }
        }
    }

    /// Sends the acks of every finished delivery now.
    func flush() {
        guard !finished.isEmpty else { return }
        for ack in tracker.done(finished) { connection.enqueueAck(ack.tag, multiple: ack.multiple) }
        finished.removeAll(keepingCapacity: true)
    }

    func requeue(_ tag: UInt64) {
        tracker.settled(tag)
        connection.enqueueNack(tag, requeue: true)
    }
}
