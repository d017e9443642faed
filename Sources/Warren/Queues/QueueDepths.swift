import Synchronization

/// How many tasks wait in each queue, as RabbitMQ last said (a passive declare on the client's
/// inspecting connection), read again at most every ``maximumAge``, plus what this client has
/// admitted to it since: what backpressure checks a submission against, without a round trip to
/// the broker for each one. One read per queue at a time; every submission that needs it waits
/// for it. Each process counts its own admissions: API replicas together may admit up to one
/// read's worth more than the limit.
final class QueueDepths: Sendable {
    static let maximumAge = Duration.milliseconds(250)

    private struct Known {
        var waiting: Int
        var at: ContinuousClock.Instant
    }

    private struct State {
        var known: [String: Known] = [:]
        var reading: [String: Task<Int, any Error>] = [:]
    }

    private let state = Mutex(State())
    /// Reads a queue's ready messages; 0 for a queue RabbitMQ does not have yet.
    private let read: @Sendable (String) async throws -> Int

    init(read: @escaping @Sendable (String) async throws -> Int) {
        self.read = read
    }

    /// The tasks waiting in `queue`, as of at most ``maximumAge`` ago.
    func waiting(in queue: String) async throws -> Int {
        enum Answer {
            case known(Int)
            case reading(Task<Int, any Error>)
        }
        let now = ContinuousClock.now
        let answer = state.withLock { state -> Answer in
            if let known = state.known[queue], now - known.at < Self.maximumAge { return .known(known.waiting) }
            if let reading = state.reading[queue] { return .reading(reading) }
            let reading = Task { [read] in
                defer { self.state.withLock { _ = $0.reading.removeValue(forKey: queue) } }
                let waiting = try await read(queue)
                self.state.withLock { $0.known[queue] = Known(waiting: waiting, at: now) }
                return waiting
            }
            state.reading[queue] = reading
            return .reading(reading)
        }
        switch answer {
        case .known(let waiting): return waiting
        case .reading(let reading): return try await reading.value
        }
    }

    /// Admits up to `count` tasks to `queue` under `limit`, counting them as waiting until the
    /// next read: the check and the count under one lock, so that submissions at the same time
    /// cannot all take the same room. Returns how many are admitted, the first ones.
    func admit(_ count: Int, to queue: String, limit: Int) async throws -> Int {
        _ = try await waiting(in: queue)
        return state.withLock { state in
            let waiting = state.known[queue]?.waiting ?? 0
            let admitted = max(0, min(count, limit - waiting))
            state.known[queue]?.waiting += admitted
            return admitted
        }
    }
}
