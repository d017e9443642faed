import Hummingbird
import Synchronization

/// How many status requests may long-poll (`?wait=`) at once; the next is refused with a 503
/// and `Retry-After` rather than queueing without bound.
final class WaiterLimit: Sendable {
    let maximum: Int
    private let waiting = Mutex(0)

    init(_ maximum: Int) {
        self.maximum = maximum
    }

    /// Runs `body` holding a place, given back when it returns or throws.
    /// - Throws: a 503 `too-many-waiters` problem when every place is taken; `body`'s error.
    func withPlace<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        let place = try enter()
        defer { withExtendedLifetime(place) {} }
        return try await body()
    }

    /// A place taken, given back when the last reference to it goes: a response that streams keeps
    /// it in its body, so the place is given back whether the body runs to its end, fails, or is
    /// dropped unrun because the client left first.
    final class Place: Sendable {
        private let limit: WaiterLimit

        fileprivate init(_ limit: WaiterLimit) {
            self.limit = limit
        }

        deinit {
            limit.waiting.withLock { $0 -= 1 }
        }
    }

    /// Takes a place, held as long as the ``Place`` is.
    /// - Throws: a 503 `too-many-waiters` problem when every place is taken.
    func enter() throws -> Place {
        let entered = waiting.withLock { count in
            guard count < maximum else { return false }
            count += 1
            return true
        }
        guard entered else {
            throw Problem(
                .serviceUnavailable, kind: "too-many-waiters", title: "Too many waiting requests",
                detail: "\(maximum) status requests are already waiting (WARREN_MAX_WAITERS); try again",
                retryAfter: 1)
        }
        return Place(self)
    }
}
