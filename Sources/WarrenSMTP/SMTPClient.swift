import Foundation
import WarrenPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Delivers messages to one SMTP server, a connection per message: the greeting, EHLO, STARTTLS
/// when the server offers it, AUTH PLAIN or LOGIN when the endpoint has a user, then MAIL, RCPT
/// and DATA (RFC 5321).
public struct SMTPClient: Sendable {
    public var endpoint: SMTPEndpoint

    public init(endpoint: SMTPEndpoint) {
        self.endpoint = endpoint
    }

    /// Delivers `message` (an RFC 5322 message, its lines ending in CRLF) from `sender` to each of
    /// `recipients`, and returns the reply with which the server accepted it. The conversation
    /// runs on a thread of its own: its calls block on the network.
    /// - Throws: ``SMTPError``, naming the server and the cause.
    public func send(_ message: [UInt8], from sender: String, to recipients: [String]) async throws -> SMTPReply {
        try await onOwnThread(named: "warren-smtp") { [endpoint] in
            try Self.deliver(message, from: sender, to: recipients, endpoint: endpoint)
        }
    }

    private static func deliver(
        _ message: [UInt8], from sender: String, to recipients: [String], endpoint: SMTPEndpoint
    ) throws(SMTPError) -> SMTPReply {
        guard !recipients.isEmpty else {
            throw SMTPError(server: endpoint.description, isPermanent: true, "a message needs at least one recipient")
        }
        for address in [sender] + recipients where !isEnvelopeAddress(address) {
            throw SMTPError(
                server: endpoint.description, isPermanent: true,
                "\(address.prefix(100).debugDescription) is not an address an SMTP envelope can carry")
        }
        // OpenSSL writes to the socket with write(2): a server that closed the connection would
        // raise SIGPIPE, which ends the process. Blocked on this thread, which is the
        // conversation's alone, it turns into an EPIPE error instead.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let connection = try SMTPConnection(endpoint: endpoint)
        do {
            return try converse(connection, message: message, from: sender, to: recipients)
        } catch  where connection.hasExpired {
            throw SMTPError(
                server: connection.server, isPermanent: false,
                "the delivery to \(connection.server) did not finish within \(endpoint.deliveryLimit.components.seconds) s"
            )
        }
    }

    private static func converse(
        _ connection: SMTPConnection, message: [UInt8], from sender: String, to recipients: [String]
    ) throws(SMTPError) -> SMTPReply {
        let endpoint = connection.endpoint
        _ = try connection.reply(to: "the greeting", expecting: [220])
        var hello = try greet(connection)
        if !connection.isEncrypted, hello.offers("STARTTLS") != nil {
            try connection.command("STARTTLS", expecting: 220)
            try connection.startTLS()
            hello = try greet(connection)
        }
        if let user = endpoint.user {
            guard connection.isEncrypted else {
                throw SMTPError(
                    server: connection.server, isPermanent: true,
                    "\(connection.server) offers no STARTTLS, and Warren sends a password only over TLS")
            }
            try authenticate(connection, user: user, password: endpoint.password ?? "", hello: hello)
        }
        try connection.command("MAIL FROM:<\(sender)>", expecting: 250)
        for recipient in recipients {
            try connection.command("RCPT TO:<\(recipient)>", expecting: 250, 251)
        }
        try connection.command("DATA", expecting: 354)
        try connection.send(dotStuffed(message), sending: "the message")
        let accepted = try connection.reply(to: "the message", expecting: [250])
        // The message is delivered: a failed goodbye changes nothing.
        _ = try? connection.command("QUIT", expecting: 221)
        return accepted
    }

    /// EHLO, or HELO for a server that does not know EHLO; the reply lists the extensions.
    private static func greet(_ connection: SMTPConnection) throws(SMTPError) -> SMTPReply {
        let name = connection.helloName()
        do {
            return try connection.command("EHLO \(name)", expecting: 250)
        } catch  where error.code == 500 || error.code == 502 {
            return try connection.command("HELO \(name)", expecting: 250)
        }
    }

    private static func authenticate(
        _ connection: SMTPConnection, user: String, password: String, hello: SMTPReply
    ) throws(SMTPError) {
        func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
        let mechanisms = hello.offers("AUTH") ?? []
        if mechanisms.contains("PLAIN") {
            let token = base64([0] + Array(user.utf8) + [0] + Array(password.utf8))
            try connection.command("AUTH PLAIN \(token)", shownAs: "AUTH PLAIN for user \(user)", expecting: 235)
        } else if mechanisms.contains("LOGIN") {
            try connection.command("AUTH LOGIN", expecting: 334)
            try connection.command(base64(Array(user.utf8)), shownAs: "AUTH LOGIN's user \(user)", expecting: 334)
            try connection.command(
                base64(Array(password.utf8)), shownAs: "AUTH LOGIN's password for user \(user)", expecting: 235)
        } else {
            throw SMTPError(
                server: connection.server, isPermanent: true,
                "\(connection.server) offers neither AUTH PLAIN nor AUTH LOGIN for the SMTP URL's user")
        }
    }

    /// A mailbox for MAIL FROM or RCPT TO: printable ASCII with an @, nothing that would end the
    /// command or its angle brackets.
    public static func isEnvelopeAddress(_ address: String) -> Bool {
        address.utf8.count <= 254 && address.contains("@")
            && address.utf8.allSatisfy {
                (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">")
            }
    }

    /// The message as DATA sends it: every line ends in CRLF (a lone CR or LF becomes one), a
    /// line that starts with a dot gets a second one, and a line holding a lone dot ends it
    /// (RFC 5321 §4.5.2).
    static func dotStuffed(_ message: [UInt8]) -> [UInt8] {
        let carriageReturn = UInt8(ascii: "\r")
        let lineFeed = UInt8(ascii: "\n")
        var data: [UInt8] = []
        data.reserveCapacity(message.count + 64)
        var atLineStart = true
        for (index, byte) in message.enumerated() {
            if byte == lineFeed, index > 0, message[index - 1] == carriageReturn { continue }  // Written with its CR.
            if byte == carriageReturn || byte == lineFeed {
                data += [carriageReturn, lineFeed]
                atLineStart = true
                continue
            }
            if atLineStart, byte == UInt8(ascii: ".") { data.append(byte) }
            data.append(byte)
            atLineStart = false
        }
        if !atLineStart { data += [carriageReturn, lineFeed] }
        data += Array(".\r\n".utf8)
        return data
    }
}
