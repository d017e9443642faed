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
