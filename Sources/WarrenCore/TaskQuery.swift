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
    public static let defaultLimit = 50
    /// The largest page; a larger `limit` is read as this.
    public static let maximumLimit = 500

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
                task = try Self.name(value, parameter: name) { try Names.validate(task: $0) }
            case "queue":
                queue = try Self.name(value, parameter: name) { try Names.validate(queue: $0) }
            case "since":
                since = try TimeText.date(value, now: now, parameter: name)
            case "until":
                until = try TimeText.date(value, now: now, parameter: name)
            case "limit":
                guard let limit = Int(value), limit >= 1 else {
                    throw WarrenError(
                        .invalidParameter,
                        "limit: must be a whole number of tasks from 1 (at most \(Self.maximumLimit) are listed)")
                }
                self.limit = min(limit, Self.maximumLimit)
            case "cursor":
                guard let cursor = TaskCursor(text: value) else {
                    throw WarrenError(
                        .invalidParameter, "cursor: not a cursor this API gave; pass next_cursor from a listing")
                }
                self.cursor = cursor
            default:
                throw WarrenError(
                    .invalidParameter,
                    "\(name): not a parameter of this listing; it takes state, task, queue, since, until, limit and cursor"
                )
            }
        }
    }

    private static func name(_ value: String, parameter: String, _ validate: (String) throws -> Void) throws -> String {
        do {
            try validate(value)
        } catch let error as WarrenError {
            throw WarrenError(.invalidParameter, "\(parameter): \(error.message)")
        }
        return value
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
    public var text: String {
        Data("\(createdAtMicroseconds).\(id.uuidString.lowercased())".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads a cursor's ``text``; nil for anything else.
    public init?(text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard base64.count <= 80 else { return nil }
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        let parts = String(decoding: data, as: UTF8.self).split(separator: ".")
        guard parts.count == 2, let microseconds = Int(parts[0]), microseconds >= 0,
            let id = UUID(uuidString: String(parts[1]))
        else { return nil }
        self.init(createdAtMicroseconds: microseconds, id: id)
    }
}

/// Times as the history's filters and commands take them: a duration back from now (`30s`, `15m`,
/// `1h`, `7d`) or an RFC 3339 time (`2026-12-01T09:00:00Z`, `2026-12-01T10:00:00+01:00`).
public enum TimeText {
    /// The length of a duration such as `30s`, `15m`, `1h` or `7d`, in seconds; nil for anything else.
    public static func seconds(_ text: String) -> Int? {
        guard let unit = text.last, let count = Int(text.dropLast()), count >= 0, count <= 100_000_000,
            text.dropLast().allSatisfy(\.isASCII)
        else { return nil }
        switch unit {
        case "s": return count
        case "m": return count * 60
        case "h": return count * 3600
        case "d": return count * 86400
        default: return nil
        }
    }

    /// The time `text` names: `now` less a duration, or an RFC 3339 time.
    /// - Throws: ``WarrenError`` `invalidParameter` naming `parameter`.
    public static func date(_ text: String, now: Date, parameter: String) throws -> Date {
        if let seconds = seconds(text) { return now.addingTimeInterval(-Double(seconds)) }
        if let date = ISO8601Timestamp.parse(text) { return date }
        throw WarrenError(
            .invalidParameter,
            "\(parameter): \(text.prefix(60).debugDescription) is neither a duration (30s, 15m, 1h, 7d) "
                + "nor an RFC 3339 time (2026-12-01T09:00:00Z)")
    }
}
