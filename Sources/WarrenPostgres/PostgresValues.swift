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

/// A JSON document sent as text, for `jsonb` parameters.
public struct PostgresJSON: PostgresEncodable {
    public var text: String
    public init(_ text: String) { self.text = text }
    public var postgresText: String? { text }
}

private func decodingError(_ text: String, _ expected: String) -> PostgresError {
    PostgresError(.decoding, message: "expected \(expected), got \(text.prefix(40).debugDescription)")
}

enum PostgresTimestamp {
    /// Parses `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM]`.
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19 else { return nil }
        func number(_ start: Int, _ length: Int) -> Int? {
            var value = 0
            for index in start..<(start + length) {
                guard index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 else { return nil }
                value = value * 10 + Int(bytes[index] - 48)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard let hours = number(index + 1, 2) else { return nil }
            var minutes = 0
            if index + 3 < bytes.count, bytes[index + 3] == UInt8(ascii: ":") { minutes = number(index + 4, 2) ?? 0 }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        // Days from civil (Howard Hinnant's algorithm), so no Calendar or DateFormatter is needed.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
