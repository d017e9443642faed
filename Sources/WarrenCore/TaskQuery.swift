public import Foundation

/// Which tasks a history listing wants (`GET /v1/tasks`, `warren tasks`): newest first, a page at
/// a time. Filters combine with AND; `states` matches any of its states.
public struct TaskQuery: Sendable, Equatable {
    public var states: [TaskState]
    public var task: String?
    public var queue: String?
    /// Tasks created at or after this time.
    public var since: Date?
    /// Tasks created before this time.
    public var until: Date?
    /// The most tasks on a page, 1 to ``maximumLimit``.
    public var limit: Int
    /// Where the previous page ended; nil for the first page.
    public var cursor: TaskCursor?

    /// A page's size when the request names none.
    public static let defaultLimit = Listing.defaultLimit
    /// The largest page; a larger `limit` is read as this.
    public static let maximumLimit = Listing.maximumLimit

    public init(
        states: [TaskState] = [], task: String? = nil, queue: String? = nil, since: Date? = nil, until: Date? = nil,
        limit: Int = Self.defaultLimit, cursor: TaskCursor? = nil
    ) {
        self.states = states
        self.task = task
        self.queue = queue
        self.since = since
        self.until = until
        self.limit = min(max(limit, 1), Self.maximumLimit)
        self.cursor = cursor
    }

    /// Reads the query parameters of `GET /v1/tasks`: `state` (one or more, comma-separated or
    /// repeated), `task`, `queue`, `since`, `until` (a duration back from `now`, or an RFC 3339
    /// time), `limit` and `cursor`.
    /// - Throws: ``WarrenError`` `invalidParameter` naming the first parameter that cannot be read.
    public init(parameters: [(name: String, value: String)], now: Date) throws {
        self.init()
        for (name, value) in parameters {
            switch name {
            case "state":
                for text in value.split(separator: ",", omittingEmptySubsequences: false) {
                    guard let state = TaskState(rawValue: text.uppercased()) else {
                        throw WarrenError(
                            .invalidParameter,
                            "state: \(String(text).debugDescription) is not a task state; one of "
                                + TaskState.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    if !states.contains(state) { states.append(state) }
                }
            case "task":
                task = try Listing.name(value, parameter: name) { try Names.validate(task: $0) }
            case "queue":
                queue = try Listing.name(value, parameter: name) { try Names.validate(queue: $0) }
            case "since":
                since = try TimeText.date(value, now: now, parameter: name)
            case "until":
                until = try TimeText.date(value, now: now, parameter: name)
            case "limit":
                limit = try Listing.limit(value)
            case "cursor":
                guard let cursor = TaskCursor(text: value) else { throw Listing.notACursor }
                self.cursor = cursor
            default:
                throw Listing.unknown(name, takes: "state, task, queue, since, until, limit and cursor")
            }
        }
    }
}

/// Where a page of the history ended: the last task's creation time, in microseconds since 1970
/// (PostgreSQL's own precision), and its id, which orders tasks created in the same transaction.
/// The next page starts right after it, so pages stay stable while new tasks come in.
public struct TaskCursor: Sendable, Hashable {
    public var createdAtMicroseconds: Int
    public var id: UUID

    public init(createdAtMicroseconds: Int, id: UUID) {
        self.createdAtMicroseconds = createdAtMicroseconds
        self.id = id
    }

    /// The cursor as clients see it: opaque, URL-safe base64.
    public var text: String { Listing.cursorText([String(createdAtMicroseconds), id.uuidString.lowercased()]) }

    /// Reads a cursor's ``text``; nil for anything else.
    public init?(text: String) {
        guard let parts = Listing.cursorParts(text), parts.count == 2, let microseconds = Int(parts[0]),
            microseconds >= 0, let id = UUID(uuidString: parts[1])
        else { return nil }
        self.init(createdAtMicroseconds: microseconds, id: id)
    }
}
