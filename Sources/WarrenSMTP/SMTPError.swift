/// Why a message was not delivered, in a sentence that names the server and the cause.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    /// The server, as `host:port`.
    public var server: String
    /// The server's reply code when it refused (550, 451…); nil when the conversation failed
    /// before an answer.
    public var code: Int?
    /// Whether the same message can never succeed: the server refused it with a 5xx reply, or the
    /// configuration is wrong. A refused connection, a timeout, a failed TLS handshake or a 4xx
    /// reply may pass on another attempt.
    public var isPermanent: Bool
    public var description: String

    init(server: String, code: Int? = nil, isPermanent: Bool, _ description: String) {
        self.server = server
        self.code = code
        self.isPermanent = isPermanent
        self.description = description
    }

    /// The server answered `reply` to `command` where Warren expected another code.
    init(server: String, refused command: String, _ reply: SMTPReply) {
        self.init(
            server: server, code: reply.code, isPermanent: reply.code >= 500,
            "\(server) refused \(command): \(reply)")
    }
}
