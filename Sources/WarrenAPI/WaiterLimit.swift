import Synchronization

/// How many status requests may long-poll (`?wait=`) at once; the next is refused with a 503
/// and `Retry-After` rather than queueing without bound.
final class WaiterLimit: Sendable {
    let maximum: Int
    private let waiting = Mutex(0)

    init(_ maximum: Int) {
        self.maximum = maximum
    }

    /// Takes a place, or returns false when all are taken.
    func enter() -> Bool {
        waiting.withLock { count in
            guard count < maximum else { return false }
            count += 1
            return true
        }
    }

    func leave() {
        waiting.withLock { $0 -= 1 }
    }
}
