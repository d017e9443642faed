import Foundation

/// Where and how to reach a mail server, parsed from a URL such as `WARREN_SMTP_URL`.
///
/// - `smtp://user:password@host:port` talks plain SMTP (port 25 unless given) and switches to TLS
///   with STARTTLS when the server offers it.
/// - `smtps://user:password@host:port` talks TLS from the first byte (port 465 unless given).
///
/// The user and password are optional and percent-encoded (`%40` for `@`); Warren sends them only
/// over TLS. The server's certificate is checked against the system's certificate authorities, or
/// against the PEM file `?ca=/path/ca.pem`; `?timeout=30` bounds each wait (the connection, each
/// read, each write) in seconds, and a delivery takes at most ten times that.
public struct SMTPEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// The host name or address.
    public var host: String
    /// The TCP port: 25 for `smtp` and 465 for `smtps` unless given.
    public var port: Int
    /// Whether TLS starts with the connection (`smtps://`) rather than after STARTTLS.
    public var implicitTLS: Bool
    /// The user to log in as (AUTH PLAIN or LOGIN), when the URL names one.
    public var user: String?
    /// The user's password, sent only over TLS.
    public var password: String?
    /// A PEM file of the certificate authorities to trust instead of the system's.
    public var certificateAuthorities: String?
    /// How long each wait may take: the connection, each read, each write. Set by the URL only,
    /// from 1 s to an hour.
    public private(set) var timeout: Duration

    /// How long a delivery may take in all, however promptly the server answers each wait.
    public var deliveryLimit: Duration { timeout * 10 }

    /// `host:port`, as error messages and logs name the server.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses an SMTP URL.
    /// - Throws: ``SMTPError``, permanent, naming what is wrong (never the password).
    public init(url: String) throws(SMTPError) {
        func invalid(_ reason: String) -> SMTPError {
            SMTPError(server: "", isPermanent: true, "the SMTP URL is not valid: \(reason)")
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw invalid("expected smtp://host:port or smtps://host:port")
        }
        switch scheme {
        case "smtp": implicitTLS = false
        case "smtps": implicitTLS = true
        default: throw invalid("the scheme must be smtp or smtps")
        }
        var host = components.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw invalid("the host is missing") }
        self.host = host
        if let port = components.port {
            guard (1...65535).contains(port) else { throw invalid("the port must be a number from 1 to 65535") }
            self.port = port
        } else {
            port = implicitTLS ? 465 : 25
        }
        guard components.path.isEmpty || components.path == "/" else { throw invalid("an SMTP URL has no path") }
        user = components.user.flatMap { $0.isEmpty ? nil : $0 }
        password = components.password
        if password != nil, user == nil { throw invalid("a password needs a user") }
        timeout = .seconds(30)
        for item in components.queryItems ?? [] {
            switch item.name {
            case "ca":
                guard let path = item.value, !path.isEmpty else { throw invalid("ca must name a PEM file") }
                certificateAuthorities = path
            case "timeout":
                guard let seconds = item.value.flatMap({ Int($0) }), (1...3600).contains(seconds) else {
                    throw invalid("timeout must be a whole number of seconds from 1 to 3600")
                }
                timeout = .seconds(seconds)
            default:
                throw invalid("unknown option \(item.name.prefix(40).debugDescription) (known: ca, timeout)")
            }
        }
    }
}
