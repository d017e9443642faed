import Foundation

/// The body of a task message, version 1. `docs/protocol.md` is its specification.
///
/// ```json
/// {"v":1,"id":"5f0c…","task":"send_email","queue":"emails","args":{"to":"a@b.c"},"created_at":"2026-11-25T13:48:00Z"}
/// ```
public struct TaskEnvelope: Sendable, Equatable {
    /// The protocol version this code writes and reads.
    public static let version = 1
    /// The largest body a worker accepts; larger messages are dead-lettered.
    public static let maximumBodySize = 16 * 1024 * 1024

    public var id: UUID
    public var task: String
    public var queue: String
    public var args: JSONValue
    public var createdAt: Date

    public init(id: UUID, task: String, queue: String, args: JSONValue, createdAt: Date) {
        self.id = id
        self.task = task
        self.queue = queue
        self.args = args
        self.createdAt = createdAt
    }

    /// The message body.
    public func encoded() -> [UInt8] {
        let document: JSONValue = .object([
            "v": .number(Double(Self.version)), "id": .string(id.uuidString.lowercased()), "task": .string(task),
            "queue": .string(queue), "args": args, "created_at": .string(ISO8601Timestamp.format(createdAt)),
        ])
        return document.jsonBytes
    }

    /// Reads a message body.
    /// - Throws: ``WarrenError`` `invalidMessage`, saying what is wrong, for anything that is not a
    ///   version-1 envelope.
    public init(decoding body: [UInt8]) throws {
        guard body.count <= Self.maximumBodySize else {
            throw WarrenError(.invalidMessage, "the body has \(body.count) bytes, over the limit of \(Self.maximumBodySize)")
        }
        guard let document = try? JSONValue(parsing: body) else {
            throw WarrenError(.invalidMessage, "the body is not JSON")
        }
        guard case .object(let fields) = document else {
            throw WarrenError(.invalidMessage, "the body is not a JSON object")
        }
        func field(_ name: String) throws -> JSONValue {
            guard let value = fields[name] else { throw WarrenError(.invalidMessage, "the field \"\(name)\" is missing") }
            return value
        }
        func string(_ name: String) throws -> String {
            guard let text = try field(name).stringValue else {
                throw WarrenError(.invalidMessage, "the field \"\(name)\" has the wrong type")
            }
            return text
        }
        guard case .number(let version) = try field("v") else {
            throw WarrenError(.invalidMessage, "the field \"v\" has the wrong type")
        }
        guard version == Double(Self.version) else {
            throw WarrenError(.invalidMessage, "protocol version \(version.formatted()) is not supported (expected \(Self.version))")
        }
        let idText = try string("id")
        guard let id = UUID(uuidString: idText) else {
            throw WarrenError(.invalidMessage, "the id \(idText.prefix(64).debugDescription) is not a UUID")
        }
        let task = try string("task")
        guard !task.isEmpty else { throw WarrenError(.invalidMessage, "the task name is empty") }
        let queue = try string("queue")
        let args = try field("args")
        let createdText = try string("created_at")
        guard let createdAt = ISO8601Timestamp.parse(createdText) else {
            throw WarrenError(.invalidMessage, "the field \"created_at\" is not an ISO 8601 timestamp")
        }
        self.init(id: id, task: task, queue: queue, args: args, createdAt: createdAt)
    }
}

/// ISO 8601 timestamps in UTC with milliseconds, as Warren writes them in JSON.
public enum ISO8601Timestamp {
    public static func format(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted))
    }

    /// Reads ISO 8601 with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
