import WarrenCore

/// A task type as workers advertise it in `warren.task_types`.
struct AdvertisedTaskType: Sendable {
    var name: String
    /// The default queue.
    var queue: String
    var schema: JSONSchema
    /// The default retry policy.
    var retry: RetryPolicy
    /// Written to `warren.rate_limits` by workers; the catalog does not read it back.
    var rateLimit: RateLimit? = nil
}
