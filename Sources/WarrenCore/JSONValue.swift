public import Foundation

/// Any JSON value: task arguments, results and errors travel as these.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 9.0e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Compact JSON bytes with sorted keys, as `Data`.
    public var jsonData: Data { Data(jsonBytes) }

    /// Decodes this value as a `Decodable` type.
    public func decode<T: Decodable>(as type: T.Type) throws -> T {
        try JSONValue.decoder.decode(T.self, from: jsonData)
    }

    /// Encodes a value as JSON.
    public init<T: Encodable>(encoding value: T) throws {
        if let value = value as? JSONValue {
            self = value
            return
        }
        self = try JSONValue(parsing: JSONValue.encoder.encode(value))
    }

    public subscript(_ key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// True when a string or key anywhere in the value holds U+0000, which JSON allows (`\u0000`)
    /// and PostgreSQL cannot store in `jsonb` or `text`.
    public var containsNUL: Bool {
        switch self {
        case .null, .bool, .number: false
        case .string(let value): value.containsNUL
        case .array(let elements): elements.contains { $0.containsNUL }
        case .object(let members): members.contains { $0.key.containsNUL || $0.value.containsNUL }
        }
    }

    /// The JSON type name, as JSON Schema spells it.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(let value): value.rounded() == value ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The encoder Warren uses for task values: ISO 8601 dates, sorted keys. Shared; do not change it.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// The decoder Warren uses for task values: ISO 8601 dates. Shared; do not change it.
    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
}

extension String {
    /// True when the text holds U+0000, which PostgreSQL cannot store in `text` or `jsonb`.
    public var containsNUL: Bool { utf8.contains(0) }
}
