/// Waits between reconnection attempts: doubling from `initial` up to `maximum`, each wait spread
/// by `jitter` (a fraction) so that many clients cut off together do not all return together.
public struct Backoff: Sendable {
    public let initial: Duration
    public let maximum: Duration
    public let jitter: Double
    private var current: Duration

    public init(initial: Duration = .milliseconds(250), maximum: Duration = .seconds(30), jitter: Double = 0.2) {
        self.initial = initial
        self.maximum = max(initial, maximum)
        self.jitter = min(max(jitter, 0), 1)
        self.current = initial
    }

    /// The next wait; `random` is a number in 0..<1.
    public mutating func next(random: Double = Double.random(in: 0..<1)) -> Duration {
        let base = current
        current = min(current * 2, maximum)
        return base * (1 - jitter + 2 * jitter * random)
    }

    /// Back to `initial`, after a success.
    public mutating func reset() {
        current = initial
    }
}
