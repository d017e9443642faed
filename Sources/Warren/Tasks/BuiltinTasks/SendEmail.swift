import Foundation
import Logging
import WarrenPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Delivers an email by writing it, in RFC 5322 form, as one `.eml` file into a mail-drop
/// directory (`WARREN_MAIL_DIR`), the way a local MTA's pickup directory works. Runs on `emails`.
///
/// A message it cannot write (a full disk, a directory it may not create) is a ``MailDropError``,
/// which is retryable: the task's retry policy decides whether it is tried again. An invalid
/// message (``EmailError``) is not.
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
        // Named by task id: a retried attempt replaces its own file instead of sending twice.
        let path = "\(mailDirectory)/\(context.id.uuidString.lowercased()).eml"
        let directory = mailDirectory
        try await onOwnThread(named: "warren-mail") {
            try Self.write(Array(message.utf8), to: path, creating: directory)
        }
        context.logger.info("email dropped", metadata: [LoggingKey.path: "\(path)"])
        return Result(messageID: messageID, path: path)
    }

    /// Writes `bytes` to a temporary file of its own beside `path` (two copies of one task never
    /// share it), flushes it to disk, and renames it to `path`: rename(2) replaces atomically, so a
    /// reader sees the old message or the new one, never half of either.
    private static func write(_ bytes: [UInt8], to path: String, creating directory: String) throws {
        try makeDirectories(directory)
        let temporary = "\(path).\(UUID().uuidString.lowercased()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw MailDropError(path: temporary, action: "create the mail file", errno: errno)
        }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes {
                Glibc.write(descriptor, $0.baseAddress! + written, bytes.count - written)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                let error = MailDropError(path: temporary, action: "write the mail file", errno: errno)
                close(descriptor)
                unlink(temporary)
                throw error
            }
            written += count
        }
        let synced = fsync(descriptor) == 0 ? 0 : errno
        let closed = close(descriptor) == 0 ? 0 : errno
        if synced != 0 || closed != 0 {
            unlink(temporary)
            throw MailDropError(path: temporary, action: "write the mail file", errno: synced != 0 ? synced : closed)
        }
        guard rename(temporary, path) == 0 else {
            let error = MailDropError(path: path, action: "rename the mail file to", errno: errno)
            unlink(temporary)
            throw error
        }
    }

    /// `mkdir -p`: each missing directory of `path`, in turn.
    private static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw MailDropError(path: prefix, action: "create the mail directory", errno: errno)
            }
            prefix += "/"
        }
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw MailDropError(path: path, action: "open the mail directory", errno: errno)
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw MailDropError(path: path, action: "use the mail directory", errno: ENOTDIR)
        }
    }
}

/// Why `send_email` refused a message; not retryable, since the same message fails the same way.
public enum EmailError: Error, CustomStringConvertible {
    case invalidAddress(String)
    case invalidHeader(String)

    public var description: String {
        switch self {
        case .invalidAddress(let address): "\(address.prefix(100).debugDescription) is not an email address"
        case .invalidHeader(let field): "the \(field) field must be a single line"
        }
    }
}

/// A message `send_email` could not write into its mail drop: retryable, since a full disk or a
/// directory's permissions may be fixed by the next attempt.
public struct MailDropError: RetryableError, CustomStringConvertible {
    public var path: String
    /// What failed: "write the mail file", "create the mail directory", …
    public var action: String
    public var cause: String

    init(path: String, action: String, errno code: Int32) {
        self.path = path
        self.action = action
        self.cause = String(cString: strerror(code))
    }

    public var description: String { "could not \(action) \(path): \(cause)" }
}
