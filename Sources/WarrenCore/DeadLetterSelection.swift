public import Foundation

/// Which dead letters a replay or a purge acts on (`POST /v1/dead-letters/replay`,
/// `DELETE /v1/dead-letters`, `warren dlq replay|purge`): some by id, or every one still waiting
/// in one queue that matches filters.
public enum DeadLetterSelection: Sendable, Equatable {
    /// These dead letters, whatever became of them: each gets a result.
    case ids([Int])
    /// Every dead letter still waiting that matches: `queue` is always set.
    case matching(DeadLetterQuery)

    /// The most ids one selection names.
    public static let maximumIDs = 1_000

    /// Dead letters named by id: from 1 to ``maximumIDs`` of them, each a positive integer.
    /// - Throws: ``WarrenError`` `invalidParameter` naming `ids`.
    public init(ids: [Int]) throws {
        guard !ids.isEmpty, ids.count <= Self.maximumIDs else {
            throw WarrenError(.invalidParameter, "ids: name from 1 to \(Self.maximumIDs) dead letters")
        }
        guard ids.allSatisfy({ $0 > 0 }) else {
            throw WarrenError(.invalidParameter, "ids: a dead letter's id is a positive integer")
        }
        self = .ids(ids)
    }

    /// The dead letters still waiting in `queue`'s dead-letter queue that match the other filters
    /// (`task`, `reason`, `since`: read as `GET /v1/dead-letters` reads them). Without any of
    /// those, `all` must say that every one of the queue's dead letters is meant.
    /// - Throws: ``WarrenError`` `invalidParameter` naming the filter that cannot be read, `queue`
    ///   when it is missing, or `all`.
    public init(filters: [(name: String, value: String)], all: Bool, now: Date) throws {
        var query = try DeadLetterQuery(parameters: filters, now: now)
        guard let queue = query.queue else {
            throw WarrenError(
                .invalidParameter, "queue: required, unless the dead letters are named by id (ids)")
        }
        guard all || query.task != nil || query.reason != nil || query.since != nil else {
            throw WarrenError(
                .invalidParameter,
                "all: to act on every dead letter of \(queue), say so with all; or narrow it with task, reason or since"
            )
        }
        query.status = .dead
        query.limit = Listing.maximumLimit
        self = .matching(query)
    }

    /// Reads a request's body: `{"ids": [1, 2]}`, or `{"queue": "emails", "task", "reason",
    /// "since", "all": true}` (see ``init(filters:all:now:)``).
    /// - Throws: ``WarrenError`` `invalidParameter` naming the member that cannot be read.
    public init(document: JSONValue, now: Date) throws {
        guard case .object(let members) = document else {
            throw WarrenError(
                .invalidParameter,
                "body: a JSON object, {\"ids\": [1, 2]} or {\"queue\": \"emails\", \"reason\": \"retries_exhausted\"}")
        }
        if let ids = members["ids"] {
            guard members.count == 1 else {
                throw WarrenError(
                    .invalidParameter, "ids: name dead letters either by id or by queue and filters, not both")
            }
            guard let elements = ids.arrayValue else {
                throw WarrenError(.invalidParameter, "ids: an array of dead letters' ids")
            }
            try self.init(
                ids: try elements.map { element in
                    guard case .number(let number) = element, let id = number.int64Value.flatMap({ Int(exactly: $0) })
                    else { throw WarrenError(.invalidParameter, "ids: a dead letter's id is a positive integer") }
                    return id
                })
            return
        }
        var filters: [(name: String, value: String)] = []
        var all = false
        for (name, value) in members.sorted(by: { $0.key < $1.key }) {
            switch (name, value) {
            case ("all", .bool(let flag)):
                all = flag
            case ("all", _):
                throw WarrenError(.invalidParameter, "all: true or false")
            case ("queue", .string(let text)), ("task", .string(let text)), ("reason", .string(let text)),
                ("since", .string(let text)):
                filters.append((name, text))
            case ("queue", _), ("task", _), ("reason", _), ("since", _):
                throw WarrenError(.invalidParameter, "\(name): a string")
            default:
                throw WarrenError(
                    .invalidParameter,
                    "\(name.prefix(60)): not a member of a dead-letter selection; it takes ids, or queue, task, reason, since and all"
                )
            }
        }
        try self.init(filters: filters, all: all, now: now)
    }
}
