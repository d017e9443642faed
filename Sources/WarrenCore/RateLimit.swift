/// How often tasks of one type may start, counted across every worker together (Celery counts
/// per worker): `RateLimit(100, per: .second)` is Celery's `100/s`.
///
/// Starts are spaced evenly, one every ``interval``. After a quiet spell, up to ``burst`` may
/// start at once; the default burst of 1 keeps the spacing strict, as Celery's token bucket does.
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    /// The span `count` starts are spread over; the raw value is Celery's letter for it.
    public enum Period: String, Sendable, CaseIterable {
        case second = "s"
        case minute = "m"
        case hour = "h"

        var seconds: Int {
            switch self {
            case .second: 1
            case .minute: 60
            case .hour: 3_600
            }
        }
    }

    /// Starts per period, at least 1.
    public var count: Int
    /// What `count` is counted over.
    public var period: Period
    /// Starts allowed at once after a quiet spell, at least 1.
    public var burst: Int

    public init(_ count: Int, per period: Period, burst: Int = 1) {
        precondition(count >= 1, "a rate limit allows at least one start per period")
        precondition(burst >= 1, "a rate limit's burst is at least 1")
        self.count = count
        self.period = period
        self.burst = burst
    }

    /// The time between two starts at the steady rate.
    public var interval: Duration { .seconds(period.seconds) / count }

    /// Celery's notation: `100/s`, `10/m`, `1000/h`.
    public var description: String { "\(count)/\(period.rawValue)" }
}
