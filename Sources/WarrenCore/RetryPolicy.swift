/// When and how often a failed task runs again.
///
/// Each task type has a default policy (``default`` unless it sets its own), and a submission
/// may override it (`retry` and `max_retries` in `POST /v1/tasks`). The policy travels in the
/// task's message, so every worker decides the same way.
///
/// As in Celery, errors are retried only when the task marks them retryable (see
/// `RetryableError` in the Warren module) or asks for a retry itself, unless the policy says
/// ``RetryOn/anyError``, as in Sidekiq.
public struct RetryPolicy: Sendable, Equatable {
    /// How the delay grows from one retry to the next.
    public enum Backoff: String, Sendable, CaseIterable {
        /// Always ``RetryPolicy/delay``.
        case fixed
        /// ``RetryPolicy/delay`` × 2^(retry − 1), at most ``RetryPolicy/maximumDelay``.
        case exponential
    }

    /// Which errors are retried.
    public enum RetryOn: String, Sendable, CaseIterable {
        /// Every error the task throws.
        case anyError = "any"
        /// Only errors the task marks retryable, and retries the task asks for.
        case retryableErrors = "retryable"
    }

    /// Retries after the first attempt; a task runs at most `maxRetries + 1` times.
    public var maxRetries: Int
    public var backoff: Backoff
    /// The first retry's delay, in seconds.
    public var delay: Double
    /// The longest delay, in seconds.
    public var maximumDelay: Double
    /// The fraction (0–1) of each delay that is random, so that tasks failing together do not
    /// all come back together.
    public var jitter: Double
    public var retryOn: RetryOn

    /// The values `maxRetries` may take.
    public static let retryRange = 0...1_000

    /// The longest delay Warren's delay queues can hold (see ``DelayRoute``).
    public static let longestDelay = Double(DelayRoute.maximumSeconds)

    /// - Throws: ``WarrenError`` `invalidArguments` naming the value out of range.
    public init(
        maxRetries: Int, backoff: Backoff, delay: Double, maximumDelay: Double? = nil, jitter: Double = 0,
        retryOn: RetryOn = .retryableErrors
    ) throws {
        guard Self.retryRange.contains(maxRetries) else {
            throw WarrenError(
                .invalidArguments,
                "max_retries must be from \(Self.retryRange.lowerBound) to \(Self.retryRange.upperBound)")
        }
        guard delay >= 0, delay <= Self.longestDelay else {
            throw WarrenError(.invalidArguments, "a retry delay must be from 0 to \(Int(Self.longestDelay)) seconds")
        }
        let maximumDelay = maximumDelay ?? max(delay, 600)
        guard maximumDelay >= delay, maximumDelay <= Self.longestDelay else {
            throw WarrenError(
                .invalidArguments, "max_delay must be at least the delay and at most \(Int(Self.longestDelay)) seconds")
        }
        guard (0...1).contains(jitter) else { throw WarrenError(.invalidArguments, "jitter must be from 0 to 1") }
        self.maxRetries = maxRetries
        self.backoff = backoff
        self.delay = delay
        self.maximumDelay = maximumDelay
        self.jitter = jitter
        self.retryOn = retryOn
    }

    /// Up to 3 retries of errors marked retryable, 1 s, 2 s, 4 s apart (±20%), as in Celery.
    public static let `default` = try! RetryPolicy.exponential(base: 1, cap: 600, maxRetries: 3, jitter: 0.2)

    /// Never retried.
    public static let never = try! RetryPolicy(maxRetries: 0, backoff: .fixed, delay: 0)

    /// The same delay before every retry.
    public static func fixed(
        _ seconds: Double, maxRetries: Int, jitter: Double = 0, retryOn: RetryOn = .retryableErrors
    ) throws -> RetryPolicy {
        try RetryPolicy(
            maxRetries: maxRetries, backoff: .fixed, delay: seconds, maximumDelay: seconds, jitter: jitter,
            retryOn: retryOn)
    }

    /// Delays of `base`, 2 × `base`, 4 × `base`, … up to `cap` seconds.
    public static func exponential(
        base: Double, cap: Double, maxRetries: Int, jitter: Double = 0.2, retryOn: RetryOn = .retryableErrors
    ) throws -> RetryPolicy {
        try RetryPolicy(
            maxRetries: maxRetries, backoff: .exponential, delay: base, maximumDelay: cap, jitter: jitter,
            retryOn: retryOn)
    }

    /// How many attempts may start in all; a message whose attempt goes beyond this is poison.
    public var maximumAttempts: Int { maxRetries + 1 }

    /// The delay before retry number `retry` (1 for the first), in whole seconds (at least 1:
    /// delays have one-second precision). `random` is a number in 0..<1.
    public func delaySeconds(beforeRetry retry: Int, random: Double) -> Int {
        var seconds = delay
        if backoff == .exponential {
            seconds = delay * Double(1 << min(max(retry - 1, 0), 40))
        }
        seconds = min(seconds, maximumDelay)
        seconds *= 1 - jitter + 2 * jitter * random
        return Int(min(max(seconds.rounded(), 1), Self.longestDelay))
    }

    /// What to do after attempt `attempt` failed.
    /// - Parameters:
    ///   - attempt: the attempt that failed, from 1.
    ///   - retryable: whether the task marked the error retryable.
    ///   - requestedDelay: seconds, when the task asked for a retry itself.
    ///   - random: a number in 0..<1, for the jitter.
    public func decision(afterAttempt attempt: Int, retryable: Bool, requestedDelay: Int?, random: Double)
        -> RetryDecision
    {
        guard requestedDelay != nil || retryable || retryOn == .anyError else { return .fail(reason: .notRetryable) }
        guard attempt <= maxRetries else { return .fail(reason: .retriesExhausted) }
        if let requestedDelay { return .retry(afterSeconds: min(max(requestedDelay, 1), DelayRoute.maximumSeconds)) }
        return .retry(afterSeconds: delaySeconds(beforeRetry: attempt, random: random))
    }
}
