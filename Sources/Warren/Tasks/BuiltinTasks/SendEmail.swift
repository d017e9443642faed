import Foundation

#if canImport(Glibc)
    import Glibc
    import Logging
#endif

/// Delivers an email by writing it, in RFC 5322 form, as one `.eml` file into a mail-drop
/// directory (`WARREN_MAIL_DIR`), the way a local MTA's pickup directory works. Runs on `emails`.
public struct SendEmail: TaskDefinition {
    public struct Arguments: Codable, Sendable {
        public var to: String
        public var subject: String
        public var body: String
        public var from: String?

        public init(to: String, subject: String, body: String, from: String? = nil) {
            self.to = to
            self.subject = subject
            self.body = body
            self.from = from
        }
    }

    public struct Result: Codable, Sendable {
        /// The `Message-ID` header written.
        public var messageID: String
        /// The file the message was written to.
        public var path: String
    }

    public static let name = "send_email"
    public static let options = TaskOptions(queue: "emails")

    /// Where messages are dropped.
    public let mailDirectory: String

    public init(mailDirectory: String) {
        self.mailDirectory = mailDirectory
    }

    public func run(_ arguments: Arguments, context: TaskContext) async throws -> Result {
        for (field, value) in [("to", arguments.to), ("from", arguments.from ?? "")] {
            // A header value with a line break would let a caller inject headers.
            if value.contains(where: \.isNewline) {
                throw EmailError.invalidHeader(field)
            }
        }
        guard arguments.to.contains("@") else { throw EmailError.invalidAddress(arguments.to) }
        if arguments.subject.contains(where: \.isNewline) { throw EmailError.invalidHeader("subject") }
        let messageID = "<\(context.id.uuidString.lowercased())@warren>"
        let message = """
            Message-ID: \(messageID)\r
            Date: \(Date().formatted(.iso8601))\r
            From: \(arguments.from ?? "warren@localhost")\r
            To: \(arguments.to)\r
            Subject: \(arguments.subject)\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            \(arguments.body.replacingOccurrences(of: "\n", with: "\r\n"))\r

            """
        try FileManager.default.createDirectory(atPath: mailDirectory, withIntermediateDirectories: true)
        // Named by task id: a retried attempt overwrites its own file instead of sending twice.
        let path = "\(mailDirectory)/\(context.id.uuidString.lowercased()).eml"
        let temporary = path + ".tmp"
        try Data(message.utf8).write(to: URL(fileURLWithPath: temporary))
        // rename(2) replaces atomically: a reader sees the old message or the new one, never half.
        guard rename(temporary, path) == 0 else {
            throw EmailError.cannotWrite(path, String(cString: strerror(errno)))
        }
        context.logger.info("email dropped", metadata: [LoggingKey.path: "\(path)"])
        return Result(messageID: messageID, path: path)
    }
}

/// Why `send_email` refused a message.
public enum EmailError: Error, CustomStringConvertible {
    case invalidAddress(String)
    case invalidHeader(String)
    case cannotWrite(String, String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        case .invalidAddress(let address): "\(address.prefix(100).debugDescription) is not an email address"
        case .invalidHeader(let field): "the \(field) field must be a single line"
        }
    }
}
