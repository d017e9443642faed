import WarrenCore

/// How many tasks of a queue ended how, over a window.
public struct QueueCounts: Sendable, Equatable {
    public var succeeded = 0
    /// Dead-lettered: failed for good, or never runnable.
    public var failed = 0
    /// Attempts that failed and will be tried again.
    public var retried = 0

    public init(succeeded: Int = 0, failed: Int = 0, retried: Int = 0) {
        self.succeeded = succeeded
        self.failed = failed
        self.retried = retried
    }

    /// Failed among those that ended; nil when none did.
    public var failureRate: Double? {
        succeeded + failed == 0 ? nil : Double(failed) / Double(succeeded + failed)
    }

    /// `{"succeeded", "failed", "retried", "failure_rate", "per_second"}`: `per_second` is the
    /// tasks that ended, over `seconds`.
    func document(over seconds: Double) -> JSONValue {
        [
            "succeeded": JSONValue(succeeded), "failed": JSONValue(failed), "retried": JSONValue(retried),
            "failure_rate": failureRate.map { JSONValue($0) } ?? .null,
            "per_second": JSONValue(Double(succeeded + failed) / seconds),
        ]
    }
}
