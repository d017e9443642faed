/// The subset of JSON Schema that Warren advertises for task arguments and checks submissions
/// against: `type`, `properties`, `required`, `additionalProperties: false`, `items`, `enum`.
public struct JSONSchema: Sendable, Equatable, Codable {
    /// The schema document.
    public var document: JSONValue

    public init(_ document: JSONValue) {
        self.document = document
    }

    /// Accepts any JSON value.
    public static let any = JSONSchema(.object([:]))

    public init(from decoder: any Decoder) throws {
        document = try JSONValue(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try document.encode(to: encoder)
    }

    /// The problems with `value`, each naming where it is (`$.to: expected string, got integer`).
    /// Empty when the value conforms.
    public func violations(of value: JSONValue) -> [String] {
        var problems: [String] = []
        Self.check(value, against: document, at: "$", into: &problems)
        return problems
    }

    private static func check(
        _ value: JSONValue, against schema: JSONValue, at path: String, into problems: inout [String]
    ) {
        if let type = schema["type"] {
            let allowed: [String]
            switch type {
            case .string(let name): allowed = [name]
            case .array(let names): allowed = names.compactMap(\.stringValue)
            default: allowed = []
            }
            let actual = value.typeName
            let matches = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
            if !allowed.isEmpty && !matches {
                problems.append("\(path): expected \(allowed.joined(separator: " or ")), got \(actual)")
                return
            }
        }
        if case .array(let options) = schema["enum"], !options.contains(value) {
            problems.append("\(path): must be one of \(JSONValue.array(options).jsonText)")
        }
        if case .object(let members) = value {
            let properties: [String: JSONValue]
            if case .object(let declared) = schema["properties"] { properties = declared } else { properties = [:] }
            if case .array(let required) = schema["required"] {
                for name in required.compactMap(\.stringValue) where members[name] == nil || members[name] == .null {
                    problems.append("\(path).\(name): is required")
                }
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let propertySchema = properties[name] {
                    check(member, against: propertySchema, at: "\(path).\(name)", into: &problems)
                } else if schema["additionalProperties"] == .bool(false) {
                    problems.append("\(path).\(name): is not a known field")
                }
            }
        }
        if case .array(let items) = value, let itemSchema = schema["items"] {
            for (index, item) in items.enumerated() {
                check(item, against: itemSchema, at: "\(path)[\(index)]", into: &problems)
            }
        }
    }
}
