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
        let wire = Wire(
            v: Self.version, id: id.uuidString.lowercased(), task: task, queue: queue, args: args,
            created_at: createdAt)
        return [UInt8]((try? Self.encoder.encode(wire)) ?? Data())
    }

    /// Reads a message body.
    /// - Throws: ``WarrenError`` `invalidMessage`, saying what is wrong, for anything that is not a
    ///   version-1 envelope.
    public init(decoding body: [UInt8]) throws {
        guard body.count <= Self.maximumBodySize else {
            throw WarrenError(.invalidMessage, "the body has \(body.count) bytes, over the limit of \(Self.maximumBodySize)")
        }
        let wire: Wire
        do {
            wire = try Self.decoder.decode(Wire.self, from: Data(body))
        } catch DecodingError.keyNotFound(let key, _) {
            throw WarrenError(.invalidMessage, "the field \"\(key.stringValue)\" is missing")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw WarrenError(.invalidMessage, "the field \"\(field)\" has the wrong type")
        } catch {
            throw WarrenError(.invalidMessage, "the body is not JSON")
        }
        guard wire.v == Self.version else {
            throw WarrenError(.invalidMessage, "protocol version \(wire.v) is not supported (expected \(Self.version))")
        }
        guard let id = UUID(uuidString: wire.id) else {
            throw WarrenError(.invalidMessage, "the id \(wire.id.prefix(64).debugDescription) is not a UUID")
        }
        guard !wire.task.isEmpty else { throw WarrenError(.invalidMessage, "the task name is empty") }
        self.init(id: id, task: wire.task, queue: wire.queue, args: wire.args, createdAt: wire.created_at)
    }

    private struct Wire: Codable {
        var v: Int
        var id: String
        var task: String
        var queue: String
        var args: JSONValue
        var created_at: Date
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISO8601Timestamp.format(date))
        }
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = ISO8601Timestamp.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not ISO 8601"))
            }
            return date
        }
        return decoder
    }()
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
