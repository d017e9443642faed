import Synchronization

/// How many tasks wait in each queue, as RabbitMQ last said (a passive declare on the client's
/// inspecting connection), read again at most every ``maximumAge``, plus what this client has
/// admitted to it lately: what backpressure checks a submission against, without a round trip to
/// the broker for each one. One read per queue at a time; every submission that needs it waits
/// for it. Each process counts its own admissions: API replicas together may admit up to one
/// read's worth more than the limit.
final class QueueDepths: Sendable {
    static let maximumAge = Duration.milliseconds(250)
    /// How long an admitted task counts beside the broker's figure: until a read that began this
    /// long after its admission, by when it has been published (and is in that figure) or has
    /// failed. A read that began sooner may not count it yet, and the room it took would be given
    /// twice.
    static let publishAllowance = Duration.seconds(1)

    private struct Known {
        var waiting: Int
        var at: ContinuousClock.Instant
    }

    /// A queue's recent admissions, in order, and their sum.
    private struct Admissions {
        var entries: [(count: Int, at: ContinuousClock.Instant)] = []
        var total = 0

        mutating func add(_ count: Int, at time: ContinuousClock.Instant) {
            entries.append((count, time))
            total += count
        }

        mutating func forget(before time: ContinuousClock.Instant) {
            let old = entries.prefix { $0.at < time }
            total -= old.reduce(0) { $0 + $1.count }
            entries.removeFirst(old.count)
        }
    }

    private struct State {
        var known: [String: Known] = [:]
        var admitted: [String: Admissions] = [:]
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
                self.state.withLock { state in
                    state.known[queue] = Known(waiting: waiting, at: now)
                    state.admitted[queue]?.forget(before: now - Self.publishAllowance)
                }
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

    /// Admits up to `count` tasks to `queue` under `limit`, counting them as waiting for
    /// ``publishAllowance`` after the next read: the check and the count under one lock, so that
    /// submissions at the same time cannot all take the same room. Returns how many are admitted,
    /// the first ones.
    func admit(_ count: Int, to queue: String, limit: Int) async throws -> Int {
        _ = try await waiting(in: queue)
        let now = ContinuousClock.now
        return state.withLock { state in
            let waiting = (state.known[queue]?.waiting ?? 0) + (state.admitted[queue]?.total ?? 0)
            let admitting = max(0, min(count, limit - waiting))
            if admitting > 0 { state.admitted[queue, default: Admissions()].add(admitting, at: now) }
            return admitting
        }
    }
}
