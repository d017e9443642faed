import Synchronization

/// How many tasks wait in each queue, as RabbitMQ last said (a passive declare on the client's
/// inspecting connection), read again at most every ``maximumAge``, plus what this client has
/// admitted that the figure may not count yet: what backpressure checks a submission against,
/// without a round trip to the broker for each one. One read per queue at a time; every
/// submission that needs it waits for it. Each process counts its own admissions: API replicas
/// together may admit up to one read's worth more than the limit.
final class QueueDepths: Sendable {
    static let maximumAge = Duration.milliseconds(250)

    /// What a queue holds beside the broker's figure.
    private struct Queue {
        /// The broker's figure, and when the read that gave it began.
        var read: (waiting: Int, at: ContinuousClock.Instant)?
        /// Reads begun so far: a read counts the tasks published before it began.
        var readsBegun = 0
        /// Admitted, not yet published (or failed).
        var unsettled = 0
        /// Published after the read numbered `readsBegun` began, which may not count them.
        var settled: [(readsBegun: Int, count: Int)] = []

        var waiting: Int { (read?.waiting ?? 0) + unsettled + settled.reduce(0) { $0 + $1.count } }
    }

    private struct State {
        var queues: [String: Queue] = [:]
        var reading: [String: Task<Void, any Error>] = [:]
    }

    private let state = Mutex(State())
    /// Reads a queue's ready messages; 0 for a queue RabbitMQ does not have yet.
    private let read: @Sendable (String) async throws -> Int

    init(read: @escaping @Sendable (String) async throws -> Int) {
        self.read = read
    }

    /// Makes sure `queue`'s figure is at most ``maximumAge`` old, reading it again if not.
    private func refresh(_ queue: String) async throws {
        let now = ContinuousClock.now
        let reading = state.withLock { state -> Task<Void, any Error>? in
            if let read = state.queues[queue]?.read, now - read.at < Self.maximumAge { return nil }
            if let reading = state.reading[queue] { return reading }
            state.queues[queue, default: Queue()].readsBegun += 1
            let number = state.queues[queue]!.readsBegun
            let reading = Task { [read] in
                defer { self.state.withLock { _ = $0.reading.removeValue(forKey: queue) } }
                let waiting = try await read(queue)
                self.state.withLock { state in
                    state.queues[queue]?.read = (waiting, now)
                    state.queues[queue]?.settled.removeAll { $0.readsBegun < number }
                }
            }
            state.reading[queue] = reading
            return reading
        }
        try await reading?.value
    }

    /// Admits up to `count` tasks to `queue` under `limit`: the check and the count under one
    /// lock, so that submissions at the same time cannot all take the same room. Returns how
    /// many are admitted, the first ones; the caller says when they are published
    /// (``settle(_:in:)``).
    func admit(_ count: Int, to queue: String, limit: Int) async throws -> Int {
        try await refresh(queue)
        return state.withLock { state in
            let admitting = max(0, min(count, limit - (state.queues[queue]?.waiting ?? 0)))
            state.queues[queue, default: Queue()].unsettled += admitting
            return admitting
        }
    }

    /// `count` tasks admitted to `queue` have been published, or have failed: they count until a
    /// read that begins from now on, which has them in the broker's figure.
    func settle(_ count: Int, in queue: String) {
        state.withLock { state in
            guard var known = state.queues[queue], count > 0 else { return }
            known.unsettled -= count
            known.settled.append((known.readsBegun, count))
            state.queues[queue] = known
        }
    }
}
