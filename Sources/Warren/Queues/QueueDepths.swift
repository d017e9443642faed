import Synchronization

/// How many tasks wait in each queue, as RabbitMQ last said (a passive declare on the client's
/// inspecting connection), read again at most every ``maximumAge``, plus what this client has
/// submitted to it since: what backpressure checks a submission against, without a round trip to
/// the broker for each one. One read per queue at a time; every submission that needs it waits
/// for it.
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

    /// Counts `count` tasks just submitted to `queue` until the next read.
    func add(_ count: Int, to queue: String) {
        state.withLock { state in state.known[queue]?.waiting += count }
    }
}
