/// A statement with its parameters written in place, read top to bottom:
///
/// ```swift
/// let query: PostgresQuery = "SELECT state FROM warren.tasks WHERE id = ANY(\(ids)::uuid[]) AND queue = \(queue)"
/// ```
///
/// Each interpolated value becomes the next `$n` of the statement and travels beside it as a
/// parameter, never as SQL text. Text that must be part of the statement itself (a column list,
/// a table a test made) goes in as `\(unsafeSQL: text)`, and never holds anything a user gave.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation {
    /// The statement, with `$1…$n` for the parameters.
    public let sql: String
    /// The parameters, in order.
    public let parameters: [any PostgresEncodable]

    public init(stringLiteral sql: String) {
        self.sql = sql
        self.parameters = []
    }

    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.parameters = stringInterpolation.parameters
    }

    /// A statement built elsewhere, with its `$n` parameters. The caller vouches that `sql` holds
    /// no user data.
    public init(unsafeSQL sql: String, parameters: [any PostgresEncodable] = []) {
        self.sql = sql
        self.parameters = parameters
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var sql = ""
        fileprivate var parameters: [any PostgresEncodable] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            parameters.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// A parameter: the next `$n`.
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            parameters.append(value)
            sql += "$\(parameters.count)"
        }

        /// A parameter that may be NULL: the next `$n`.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            parameters.append(value)
            sql += "$\(parameters.count)"
        }

        /// Text that is part of the statement, unescaped.
        public mutating func appendInterpolation(unsafeSQL text: String) {
            sql += text
        }
    }
}
