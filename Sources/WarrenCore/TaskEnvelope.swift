public import Foundation

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
    /// When the task is due, for a delayed task (a countdown, an ETA or a retry).
    public var eta: Date?
    /// The submission's retry policy, when it overrides the task type's.
    public var retry: RetryPolicy?

    public init(
        id: UUID, task: String, queue: String, args: JSONValue, createdAt: Date, eta: Date? = nil,
        retry: RetryPolicy? = nil
    ) {
        self.id = id
        self.task = task
        self.queue = queue
        self.args = args
        self.createdAt = createdAt
        self.eta = eta
        self.retry = retry
    }

    /// The message body.
    public func encoded() -> [UInt8] {
        var fields: [String: JSONValue] = [
            "v": JSONValue(Self.version), "id": .string(id.uuidString.lowercased()), "task": .string(task),
            "queue": .string(queue), "args": args, "created_at": .string(ISO8601Timestamp.format(createdAt)),
        ]
        if let eta { fields["eta"] = .string(ISO8601Timestamp.format(eta)) }
        if let retry { fields["retry"] = retry.json }
        return JSONValue.object(fields).jsonBytes
    }

    /// Reads a message body.
    /// - Throws: ``WarrenError`` `invalidMessage`, saying what is wrong, for anything that is not a
    ///   version-1 envelope.
    public init(decoding body: [UInt8]) throws {
        guard body.count <= Self.maximumBodySize else {
            throw WarrenError(
                .invalidMessage, "the body has \(body.count) bytes, over the limit of \(Self.maximumBodySize)")
        }
        guard let document = try? JSONValue(parsing: body) else {
            throw WarrenError(.invalidMessage, "the body is not JSON")
        }
        guard case .object(let fields) = document else {
            throw WarrenError(.invalidMessage, "the body is not a JSON object")
        }
        func field(_ name: String) throws -> JSONValue {
            guard let value = fields[name] else {
                throw WarrenError(.invalidMessage, "the field \"\(name)\" is missing")
            }
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
        guard version.integer(in: Self.version...Self.version) != nil else {
            throw WarrenError(
                .invalidMessage,
                "protocol version \(version.text.prefix(40)) is not supported (expected \(Self.version))")
        }
        let idText = try string("id")
        guard let id = UUID(uuidString: idText) else {
            throw WarrenError(.invalidMessage, "the id \(idText.prefix(64).debugDescription) is not a UUID")
        }
        let task = try string("task")
        let queue = try string("queue")
        do {
            try Names.validate(task: task)
            try Names.validate(queue: queue)
        } catch let error as WarrenError {
            throw WarrenError(.invalidMessage, error.message)
        }
        let args = try field("args")
        guard !args.containsNUL, !task.containsNUL, !queue.containsNUL else {
            throw WarrenError(.invalidMessage, "the message holds U+0000, which PostgreSQL cannot store")
        }
        let createdText = try string("created_at")
        guard let createdAt = ISO8601Timestamp.parse(createdText) else {
            throw WarrenError(.invalidMessage, "the field \"created_at\" is not an ISO 8601 timestamp")
        }
        var eta: Date?
        if let value = fields["eta"], value != .null {
            guard let text = value.stringValue, let date = ISO8601Timestamp.parse(text) else {
                throw WarrenError(.invalidMessage, "the field \"eta\" is not an ISO 8601 timestamp")
            }
            eta = date
        }
        var retry: RetryPolicy?
        if let value = fields["retry"], value != .null {
            do {
                retry = try RetryPolicy(json: value, over: .default)
            } catch let error as WarrenError {
                throw WarrenError(.invalidMessage, "the field \"retry\" is invalid: \(error.message)")
            }
        }
        self.init(id: id, task: task, queue: queue, args: args, createdAt: createdAt, eta: eta, retry: retry)
    }
}
