import Foundation
import Logging
public import WarrenSMTP

/// Sends an email: by SMTP when the worker has `WARREN_SMTP_URL`, otherwise into a mail-drop
/// directory (`WARREN_MAIL_DIR`) as one `.eml` file. Runs on `emails`.
///
/// A delivery that may pass on another attempt (a refused connection, a timeout, a 4xx reply, a
/// full disk) is a retryable error: the task's retry policy decides whether it is tried again. A
/// message the server refuses for good (a 5xx reply) or an invalid one (``EmailError``) is not.
/// Every attempt sends the same `Message-ID`, by which a receiver can tell a retried message that
/// had in fact arrived.
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
        /// The file the message was written to, when it went to the mail drop.
        public var path: String?
        /// The SMTP server that accepted it, as `host:port`, when it went by SMTP.
        public var server: String?
        /// The server's reply accepting it: `250 2.0.0 Ok: queued as 4F1B2`.
        public var reply: String?
    }

    /// Where messages go.
    public enum Delivery: Sendable {
        /// Into this directory, one `<task id>.eml` file each, which a retried attempt replaces.
        case mailDrop(directory: String)
        /// To this SMTP server.
        case smtp(SMTPEndpoint)
    }

    public static let name = "send_email"
    public static let options = TaskOptions(queue: "emails")

    public let delivery: Delivery

    public init(delivery: Delivery) {
        self.delivery = delivery
    }

    public func run(_ arguments: Arguments, context: TaskContext) async throws -> Result {
        let from = arguments.from ?? "warren@localhost"
        // A header value with a line break would let a caller inject headers.
        for (field, value) in [("to", arguments.to), ("from", from), ("subject", arguments.subject)]
        where value.contains(where: \.isNewline) {
            throw EmailError.invalidHeader(field)
        }
        for address in [arguments.to, from]
        where address.utf8.count > 900 || !address.utf8.allSatisfy({ $0 < 0x80 })
            || !SMTPClient.isEnvelopeAddress(EmailMessage.envelopeAddress(address))
        {
            throw EmailError.invalidAddress(address)
        }
        let messageID = "<\(context.id.uuidString.lowercased())@warren>"
        let message = EmailMessage(
            messageID: messageID, date: Date(), from: from, to: arguments.to, subject: arguments.subject,
            body: arguments.body)
        switch delivery {
        case .mailDrop(let directory):
            let path = try await MailDrop(directory: directory).drop(message.bytes, id: context.id)
            context.logger.info("email dropped", metadata: [LoggingKey.path: "\(path)"])
            return Result(messageID: messageID, path: path)
        case .smtp(let endpoint):
            do {
                let reply = try await SMTPClient(endpoint: endpoint).send(
                    message.bytes, from: EmailMessage.envelopeAddress(from),
                    to: [EmailMessage.envelopeAddress(arguments.to)])
                context.logger.info(
                    "email sent", metadata: [LoggingKey.smtpServer: "\(endpoint)", LoggingKey.smtpReply: "\(reply)"])
                return Result(messageID: messageID, server: endpoint.description, reply: reply.description)
            } catch let error as SMTPError where !error.isPermanent {
                throw SMTPUnavailable(error: error)
            }
        }
    }
}

/// Why `send_email` refused a message; not retryable, since the same message fails the same way.
public enum EmailError: Error, CustomStringConvertible {
    case invalidAddress(String)
    case invalidHeader(String)

    public var description: String {
        switch self {
        case .invalidAddress(let address):
            "\(address.prefix(100).debugDescription) is not an email address Warren can use: "
                + "it takes an ASCII one, such as ada@example.com or Ada <ada@example.com>"
        case .invalidHeader(let field): "the \(field) field must be a single line"
        }
    }
}

/// A delivery over SMTP that may pass on another attempt (``SMTPError/isPermanent`` is false):
/// retryable.
public struct SMTPUnavailable: RetryableError, CustomStringConvertible {
    public var error: SMTPError

    public var description: String { error.description }
}
