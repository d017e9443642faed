import Foundation

/// Where and how to reach a RabbitMQ broker, parsed from an `amqp://` or `amqps://` URL.
///
/// The URL follows RabbitMQ's URI spec: `amqp://user:password@host:port/vhost?heartbeat=30`.
/// An empty path means the vhost `/`; a vhost containing `/` is written `%2f`.
public struct AMQPEndpoint: Sendable, Equatable {
    /// The host name or address.
    public var host: String
    /// The TCP port (5672 for `amqp`, 5671 for `amqps` unless given).
    public var port: Int
    /// The user name for PLAIN authentication.
    public var user: String
    /// The password for PLAIN authentication.
    public var password: String
    /// The virtual host.
    public var virtualHost: String
    /// Whether to use TLS (`amqps://`).
    public var tls: Bool
    /// The heartbeat interval in seconds that the client proposes; 0 disables heartbeats.
    public var heartbeat: Int
    /// How long to wait for the TCP connection, in seconds.
    public var connectionTimeout: Int
    /// How long a publish waits for the broker's confirm before the connection is given up
    /// (`confirm_timeout`, in milliseconds): a broker under a memory or disk alarm blocks
    /// publishers and confirms nothing.
    public var confirmTimeout: Duration

    /// Parses an AMQP URL.
    /// - Throws: ``AMQPError`` with code `invalidURL`, naming what is wrong (never the password).
    public init(url: String) throws {
        func invalid(_ reason: String) -> AMQPError {
            AMQPError(.invalidURL, operation: "parse URL", text: reason)
        }
        guard let schemeEnd = url.range(of: "://") else {
            throw invalid("expected amqp://host or amqps://host")
        }
        switch url[..<schemeEnd.lowerBound].lowercased() {
        case "amqp": tls = false
        case "amqps": tls = true
        default: throw invalid("the scheme must be amqp or amqps")
        }
        var rest = Substring(url[schemeEnd.upperBound...])
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring? = nil
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        user = "guest"
        password = "guest"
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                user = try Self.percentDecoded(userInfo[..<colon], invalid)
                password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...], invalid)
            } else {
                user = try Self.percentDecoded(userInfo, invalid)
            }
        }
        var portText: Substring? = nil
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw invalid("unclosed [ in the host") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw invalid("unexpected text after the host")
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            portText = rest[rest.index(after: colon)...]
        } else {
            host = String(rest)
        }
        if host.isEmpty { host = "localhost" }
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw invalid("the port must be a number from 1 to 65535")
            }
            port = number
        } else {
            port = tls ? 5671 : 5672
        }
        if let path, !path.isEmpty {
            virtualHost = try Self.percentDecoded(path, invalid)
        } else {
            virtualHost = "/"
        }
        heartbeat = 30
        connectionTimeout = 10
        confirmTimeout = .seconds(10)
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let key = String(parts[0])
            let value = parts.count > 1 ? String(parts[1]) : ""
            switch key {
            case "heartbeat":
                guard let seconds = Int(value), seconds >= 0 else { throw invalid("heartbeat must be seconds") }
                heartbeat = seconds
            case "connection_timeout":
                // RabbitMQ's URI spec gives this in milliseconds.
                guard let milliseconds = Int(value), milliseconds > 0 else {
                    throw invalid("connection_timeout must be milliseconds")
                }
                connectionTimeout = max(1, milliseconds / 1000)
            case "confirm_timeout":
                guard let milliseconds = Int(value), milliseconds > 0 else {
                    throw invalid("confirm_timeout must be milliseconds")
                }
                confirmTimeout = .milliseconds(milliseconds)
            default:
                continue  // Other clients' options (channel_max, auth_mechanism…) are ignored.
            }
        }
    }

    /// The URL with the password replaced by `***`, for logs and errors.
    public var redacted: String {
        let scheme = tls ? "amqps" : "amqp"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let vhost = virtualHost == "/" ? "%2f" : virtualHost
        return "\(scheme)://\(user):***@\(hostPart):\(port)/\(vhost)"
    }

    private static func percentDecoded(_ text: Substring, _ invalid: (String) -> AMQPError) throws -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw invalid("bad percent-encoding")
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
