/// A failure talking to PostgreSQL, with the server's SQLSTATE when it sent one.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. New codes may be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case connectionFailed = "connection failed"
            case connectionLost = "connection lost"
            case server = "server error"
            case decoding = "decoding error"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The connection could not be made (bad URI, refused, authentication failed).
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection broke during a query; its outcome is unknown.
        public static let connectionLost = Code(.connectionLost)
        /// The server rejected the statement; see ``PostgresError/sqlState``.
        public static let server = Code(.server)
        /// A column could not be read as the requested Swift type.
        public static let decoding = Code(.decoding)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The five-character SQLSTATE (e.g. `23505` for a unique violation), when the server sent one.
    public var sqlState: String?
    /// The server's or libpq's primary message.
    public var message: String
    /// The server's detail line, when it sent one.
    public var detail: String?

    public init(_ code: Code, sqlState: String? = nil, message: String, detail: String? = nil) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
    }

    /// True when trying again later may succeed: the connection failed or broke, or the server
    /// refused for a passing reason (SQLSTATE classes 08 connection, 40 rollback after a
    /// serialization failure or deadlock, 53 insufficient resources, 57 operator intervention,
    /// 58 system error, and 55P03 lock not available). A constraint, a bad value or a mistake in a
    /// statement (classes 22, 23, 42, …) fails the same way every time.
    public var isTransient: Bool {
        switch code {
        case .connectionFailed, .connectionLost: return true
        case .decoding: return false
        default:
            guard let sqlState else { return true }
            return ["08", "40", "53", "57", "58"].contains(sqlState.prefix(2)) || sqlState == "55P03"
        }
    }

    /// True when the statement was refused for a value it carried (SQLSTATE classes 22, data
    /// exception, and 23, integrity constraint violation).
    public var isRefusedValue: Bool {
        code == .server && (sqlState?.hasPrefix("22") == true || sqlState?.hasPrefix("23") == true)
    }

    /// True for a unique-constraint violation.
    public var isUniqueViolation: Bool { sqlState == "23505" }

    public var description: String {
        var text = "PostgreSQL \(code)"
        if let sqlState { text += " [\(sqlState)]" }
        text += ": \(message)"
        if let detail { text += " (\(detail))" }
        return text
    }
}
