public import Foundation

/// Any JSON value: task arguments, results and errors travel as these.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .number(JSONNumber(Int(value)))
        } else if let value = try? container.decode(Decimal.self),
            let number = JSONNumber(text: value.description.utf8),
            number.doubleValue == (try? container.decode(Double.self))
        {
            self = .number(number)
        } else if let value = try? container.decode(Double.self), let number = JSONNumber(value) {
            self = .number(number)
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
            if let integer = value.int64Value {
                try container.encode(integer)
            } else if let decimal = Decimal(string: value.text), decimal.description == value.text {
                try container.encode(decimal)
            } else {
                try container.encode(value.doubleValue)
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

    /// An integer as a JSON number.
    public init(_ value: Int) { self = .number(JSONNumber(value)) }

    /// A `Double` as a JSON number, or null when it is infinite or NaN, which JSON cannot write.
    public init(_ value: Double) { self = JSONNumber(value).map(JSONValue.number) ?? .null }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let values) = self { return values }
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
        case .number(let value): value.isInteger ? "integer" : "number"
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
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    public init(floatLiteral value: Double) { self = .number(JSONNumber(floatLiteral: value)) }
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
