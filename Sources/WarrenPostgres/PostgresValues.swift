public import Foundation

/// A Swift value that can be sent as a query parameter, in PostgreSQL's text format.
public protocol PostgresEncodable: Sendable {
    /// The parameter's text, or nil for SQL NULL.
    var postgresText: String? { get }
}

/// A Swift value that can be read from a column in PostgreSQL's text format.
public protocol PostgresDecodable {
    init(postgresText: String) throws
}

extension String: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { self }
    public init(postgresText: String) { self = postgresText }
}

extension Int: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public init(postgresText: String) throws {
        guard let value = Int(postgresText) else { throw decodingError(postgresText, "an integer") }
        self = value
    }
}

extension Double: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public init(postgresText: String) throws {
        guard let value = Double(postgresText) else { throw decodingError(postgresText, "a number") }
        self = value
    }
}

extension Bool: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { self ? "t" : "f" }
    public init(postgresText: String) throws {
        switch postgresText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw decodingError(postgresText, "a boolean")
        }
    }
}

extension UUID: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { uuidString.lowercased() }
    public init(postgresText: String) throws {
        guard let value = UUID(uuidString: postgresText) else { throw decodingError(postgresText, "a uuid") }
        self = value
    }
}

extension Date: PostgresEncodable, PostgresDecodable {
    /// Sent as seconds since 1970 with microseconds, which `to_timestamp` and `::timestamptz` read
    /// regardless of the session's DateStyle; use `to_timestamp($n::float8)` in SQL.
    public var postgresText: String? { String(format: "%.6f", timeIntervalSince1970) }

    /// Reads `timestamptz` in the ISO style (`2026-11-25 13:48:00.123456+00`), which Warren's
    /// connections always select.
    public init(postgresText: String) throws {
        guard let date = PostgresTimestamp.parse(postgresText) else {
            throw decodingError(postgresText, "a timestamp")
        }
        self = date
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresText: String? { self?.postgresText }
}

extension Array: PostgresEncodable where Element: PostgresEncodable {
    /// An array literal (`{"a","b",NULL}`), for `unnest($1::text[])` and `= ANY($1)`.
    public var postgresText: String? {
        var text = "{"
        for (index, element) in enumerated() {
            if index > 0 { text += "," }
            guard let item = element.postgresText else {
                text += "NULL"
                continue
            }
            text += "\""
            for character in item.unicodeScalars {
                if character == "\"" || character == "\\" { text += "\\" }
                text.unicodeScalars.append(character)
            }
            text += "\""
        }
        return text + "}"
    }
}

func decodingError(_ text: String, _ expected: String) -> PostgresError {
    PostgresError(.decoding, message: "expected \(expected), got \(text.prefix(40).debugDescription)")
}
