/// How long finished tasks stay in the history, by state, from when they finished; nil keeps them
/// for ever. Tasks that have not finished, and tasks with a dead letter still waiting in their
/// dead-letter queue, are always kept.
public struct RetentionPolicy: Sendable, Equatable {
    /// `WARREN_RETAIN_SUCCESS`, in seconds.
    public var success: Int?
    /// `WARREN_RETAIN_FAILURE`, in seconds: also how long a replayed or purged dead letter that
    /// has no task is kept.
    public var failure: Int?
    /// `WARREN_RETAIN_REVOKED`, in seconds.
    public var revoked: Int?

    /// Successes for 7 days, failures and their dead letters for 90, revoked tasks for 30.
    public static let `default` = RetentionPolicy(success: 7 * 86_400, failure: 90 * 86_400, revoked: 30 * 86_400)
    /// Nothing is ever deleted.
    public static let keepEverything = RetentionPolicy(success: nil, failure: nil, revoked: nil)

    public init(success: Int?, failure: Int?, revoked: Int?) {
        self.success = success
        self.failure = failure
        self.revoked = revoked
    }

    /// The same age for each of `states` (finished ones), nil for the others: what
    /// `warren history purge --older-than` applies.
    public init(olderThan seconds: Int, states: Set<TaskState>) {
        self.init(
            success: states.contains(.success) ? seconds : nil, failure: states.contains(.failure) ? seconds : nil,
            revoked: states.contains(.revoked) ? seconds : nil)
    }

    /// The finished states this policy deletes.
    public var states: [TaskState] {
        [(TaskState.success, success), (.failure, failure), (.revoked, revoked)].compactMap { $1 == nil ? nil : $0 }
    }

    /// A retention setting: a duration (`7d`, `12h`) or `forever`.
    /// - Throws: ``WarrenError`` `invalidConfiguration` naming `name`.
    public static func seconds(_ text: String, setting name: String) throws -> Int? {
        if text == "forever" { return nil }
        guard let seconds = TimeText.seconds(text) else {
            throw WarrenError(.invalidConfiguration, "\(name) must be a duration (30m, 12h, 7d) or forever")
        }
        return seconds
    }
}
