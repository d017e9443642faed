public import Foundation

/// The SMTP server `scripts/test` started (`scripts/smtp-server`, in `WARREN_TEST_SMTP`): its
/// listeners, and the messages it accepted.
public struct TestSMTPServer: Sendable {
    /// One of its three listeners.
    public enum Listener: String, Sendable {
        /// Plain SMTP: no STARTTLS, no AUTH.
        case plain
        /// Plain SMTP that answers EHLO with 502, for HELO.
        case helo
        /// SMTP with STARTTLS, and AUTH PLAIN and LOGIN once under TLS.
        case starttls
        /// TLS from the first byte, and AUTH LOGIN only.
        case smtps
    }

    /// A message as the server recorded it.
    public struct Message: Decodable, Sendable {
        public var listener: String
        public var mailFrom: String
        public var rcptTos: [String]
        public var tls: Bool
        public var login: String?
        /// The name the client gave in EHLO or HELO, and whether it was EHLO.
        public var hello: String
        public var extended: Bool
        /// The message as received, headers and body.
        public var data: String
    }

    /// The user and password the server accepts.
    public static let user = "warren"
    public static let password = "secret"

    public let directory: String
    private let ports: [String: Int]

    /// - Throws: when `WARREN_TEST_SMTP` is not set (scripts/test sets it) or names no server.
    public init() throws {
        guard let directory = ProcessInfo.processInfo.environment["WARREN_TEST_SMTP"], !directory.isEmpty else {
            throw TestSMTPError(
                "WARREN_TEST_SMTP is not set: run the tests with scripts/test, which starts the SMTP server")
        }
        self.directory = directory
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/ports.json"))
        ports = try JSONDecoder().decode([String: Int].self, from: data)
    }

    /// How errors name `listener`: `127.0.0.1:<port>`.
    public func server(_ listener: Listener) -> String { "127.0.0.1:\(ports[listener.rawValue] ?? 0)" }

    /// A URL for `listener`, with the test user's credentials when `authenticated`, trusting the
    /// server's own certificate unless `trusted` is false.
    public func url(_ listener: Listener, authenticated: Bool = false, trusted: Bool = true, query: String = "")
        -> String
    {
        let scheme = listener == .smtps ? "smtps" : "smtp"
        let credentials = authenticated ? "\(Self.user):\(Self.password)@" : ""
        var options = trusted ? ["ca=\(directory)/cert.pem"] : []
        if !query.isEmpty { options.append(query) }
        return "\(scheme)://\(credentials)\(server(listener))"
            + (options.isEmpty ? "" : "?" + options.joined(separator: "&"))
    }

    /// The messages accepted whose Message-ID is `<id@…>`, in the order they arrived.
    public func messages(id: UUID) throws -> [Message] {
        let folder = "\(directory)/messages"
        let prefix = "\(id.uuidString.lowercased())."
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }
            .sorted { sequence($0) < sequence($1) }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try names.map {
            try decoder.decode(Message.self, from: Data(contentsOf: URL(fileURLWithPath: "\(folder)/\($0)")))
        }
    }

    /// The one message accepted whose Message-ID is `<id@…>`.
    /// - Throws: when there is none, or more than one.
    public func message(id: UUID) throws -> Message {
        let found = try messages(id: id)
        guard found.count == 1 else {
            throw TestSMTPError("the SMTP server accepted \(found.count) messages for \(id), not one")
        }
        return found[0]
    }

    private func sequence(_ name: String) -> Int { Int(name.split(separator: ".").dropFirst().first ?? "") ?? 0 }
}

struct TestSMTPError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
