public import Foundation

/// Which dead letters a listing wants (`GET /v1/dead-letters`, `warren dlq list`): newest first, a
/// page at a time. Filters combine with AND.
public struct DeadLetterQuery: Sendable, Equatable {
    /// The queue the messages came from (not its `.dead` queue).
    public var queue: String?
    public var task: String?
    public var reason: DeadLetterReason?
    /// Dead letters in this status; nil for all of them.
    public var status: DeadLetterStatus?
    /// Dead letters written at or after this time.
    public var since: Date?
    /// The most dead letters on a page, 1 to ``Listing/maximumLimit``.
    public var limit: Int
    /// Where the previous page ended; nil for the first page.
    public var cursor: DeadLetterCursor?

    public init(
        queue: String? = nil, task: String? = nil, reason: DeadLetterReason? = nil,
        status: DeadLetterStatus? = .dead, since: Date? = nil, limit: Int = Listing.defaultLimit,
        cursor: DeadLetterCursor? = nil
    ) {
        self.queue = queue
        self.task = task
        self.reason = reason
        self.status = status
        self.since = since
        self.limit = min(max(limit, 1), Listing.maximumLimit)
        self.cursor = cursor
    }

    /// Reads the query parameters of `GET /v1/dead-letters`: `queue`, `task`, `reason`, `status`
    /// (``DeadLetterStatus``, or `all`; `dead` when absent), `since` (a duration back from `now`, or
    /// an RFC 3339 time), `limit` and `cursor`.
    /// - Throws: ``WarrenError`` `invalidParameter` naming the first parameter that cannot be read.
    public init(parameters: [(name: String, value: String)], now: Date) throws {
        self.init()
        for (name, value) in parameters {
            switch name {
            case "queue":
                queue = try Listing.name(value, parameter: name) { try Names.validate(queue: $0) }
            case "task":
                task = try Listing.name(value, parameter: name) { try Names.validate(task: $0) }
            case "reason":
                guard let reason = DeadLetterReason.all.first(where: { $0.rawValue == value }) else {
                    throw WarrenError(
                        .invalidParameter,
                        "reason: \(value.prefix(60).debugDescription) is not a dead-letter reason; one of "
                            + DeadLetterReason.all.map(\.rawValue).joined(separator: ", "))
                }
                self.reason = reason
            case "status":
                if value == "all" {
                    status = nil
                } else if let status = DeadLetterStatus(rawValue: value) {
                    self.status = status
                } else {
                    throw WarrenError(
                        .invalidParameter,
                        "status: \(value.prefix(60).debugDescription) is not a dead letter's status; one of dead, replayed, purged, all"
                    )
                }
            case "since":
                since = try TimeText.date(value, now: now, parameter: name)
            case "limit":
                limit = try Listing.limit(value)
            case "cursor":
                guard let cursor = DeadLetterCursor(text: value) else { throw Listing.notACursor }
                self.cursor = cursor
            default:
                throw Listing.unknown(name, takes: "queue, task, reason, status, since, limit and cursor")
            }
        }
    }
}

/// What became of a dead letter.
public enum DeadLetterStatus: String, Sendable, CaseIterable {
    /// Its message waits in `<queue>.dead`.
    case dead
    /// Sent back to its queue, its task to run again.
    case replayed
    /// Discarded: its task stays FAILURE.
    case purged
}

/// Where a page of dead letters ended: the last one's time, in microseconds since 1970, and its id.
public struct DeadLetterCursor: Sendable, Hashable {
    public var atMicroseconds: Int
    public var id: Int

    public init(atMicroseconds: Int, id: Int) {
        self.atMicroseconds = atMicroseconds
        self.id = id
    }

    /// The cursor as clients see it: opaque, URL-safe base64.
    public var text: String { Listing.cursorText(["d", String(atMicroseconds), String(id)]) }

    /// Reads a cursor's ``text``; nil for anything else.
    public init?(text: String) {
        guard let parts = Listing.cursorParts(text), parts.count == 3, parts[0] == "d",
            let microseconds = Int(parts[1]), microseconds >= 0, let id = Int(parts[2]), id >= 0
        else { return nil }
        self.init(atMicroseconds: microseconds, id: id)
    }
}
