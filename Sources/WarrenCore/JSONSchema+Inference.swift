import Foundation

extension JSONSchema {
    /// Infers the schema of a `Decodable` type by letting it decode from a probe that records
    /// which keys it asks for and as what type.
    ///
    /// Properties read with `decodeIfPresent` (optionals) are not required; everything else is.
    /// Types the probe cannot satisfy (an enum whose raw value must be one of a set, say) make the
    /// inference give up and return ``any``; the worker still rejects arguments that do not decode.
    public static func inferred<T: Decodable>(from type: T.Type) -> JSONSchema {
        let probe = SchemaProbe()
        guard (try? T(from: probe)) != nil, let node = probe.node else { return .any }
        return JSONSchema(node.document)
    }
}

/// What the probe learned about one value.
private indirect enum SchemaNode {
    case primitive(String)
    case object([(name: String, node: SchemaNode, required: Bool)], closed: Bool)
    case array(SchemaNode?)
    case anyValue

    var document: JSONValue {
        switch self {
        case .primitive(let type):
            return ["type": .string(type)]
        case .object(let properties, let closed):
            var members: [String: JSONValue] = [:]
            var required: [JSONValue] = []
            for property in properties {
                members[property.name] = property.node.document
                if property.required { required.append(.string(property.name)) }
            }
            var document: [String: JSONValue] = ["type": "object"]
            if closed {
                document["properties"] = .object(members)
                document["required"] = .array(required)
            }
            return .object(document)
        case .array(let element):
            var document: [String: JSONValue] = ["type": "array"]
            if let element { document["items"] = element.document }
            return .object(document)
        case .anyValue:
            return .object([:])
        }
    }
}

private final class SchemaProbe: Decoder {
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]
    var node: SchemaNode?
    var optionalKeys: Set<String> = []
    private var properties: [(name: String, node: SchemaNode, required: Bool)] = []
    private var depth: Int

    init(depth: Int = 0) {
        self.depth = depth
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        // A dictionary asks for keys it finds (`allKeys`): it sees none and becomes an open object.
        node = .object([], closed: !String(describing: Key.self).contains("DictionaryCodingKey"))
        return KeyedDecodingContainer(KeyedProbe<Key>(probe: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        node = .array(nil)
        return UnkeyedProbe(probe: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleProbe(probe: self)
    }

    fileprivate func record(_ name: String, _ child: SchemaNode, required: Bool) {
        properties.append((name, child, required && !optionalKeys.contains(name)))
        if case .object(_, let closed) = node { node = .object(properties, closed: closed) }
    }

    fileprivate func probeChild<T: Decodable>(_ type: T.Type) throws -> (T, SchemaNode) {
        guard depth < 16 else { throw SchemaProbeGaveUp() }  // recursive types
        if let (value, node) = primitive(type) { return (value, node) }
        let child = SchemaProbe(depth: depth + 1)
        let value = try T(from: child)
        return (value, child.node ?? .anyValue)
    }

    private func primitive<T>(_ type: T.Type) -> (T, SchemaNode)? {
        switch type {
        case is String.Type: return ("" as! T, .primitive("string"))
        case is Bool.Type: return (false as! T, .primitive("boolean"))
        case is Int.Type: return (0 as! T, .primitive("integer"))
        case is Int64.Type: return (Int64(0) as! T, .primitive("integer"))
        case is Int32.Type: return (Int32(0) as! T, .primitive("integer"))
        case is UInt.Type: return (UInt(0) as! T, .primitive("integer"))
        case is Double.Type: return (0.0 as! T, .primitive("number"))
        case is Float.Type: return (Float(0) as! T, .primitive("number"))
        case is Date.Type: return (Date(timeIntervalSince1970: 0) as! T, .primitive("string"))
        case is UUID.Type: return (UUID() as! T, .primitive("string"))
        case is URL.Type: return (URL(string: "https://example.com")! as! T, .primitive("string"))
        case is JSONValue.Type: return (JSONValue.null as! T, .anyValue)
        default: return nil
        }
    }
}

private struct SchemaProbeGaveUp: Error {}

private struct KeyedProbe<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let probe: SchemaProbe
    var codingPath: [any CodingKey] { probe.codingPath }
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }

    /// Only `decodeIfPresent` asks this, so the key is optional.
    func decodeNil(forKey key: Key) throws -> Bool {
        probe.optionalKeys.insert(key.stringValue)
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let (value, node) = try probe.probeChild(type)
        probe.record(key.stringValue, node, required: true)
        return value
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        let (value, node) = try probe.probeChild(type)
        probe.record(key.stringValue, node, required: false)
        return value
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        throw SchemaProbeGaveUp()
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw SchemaProbeGaveUp()
    }

    func superDecoder() throws -> any Decoder { throw SchemaProbeGaveUp() }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw SchemaProbeGaveUp() }
}

/// Reports one element (to learn its type), then the end.
private final class UnkeyedProbe: UnkeyedDecodingContainer {
    let probe: SchemaProbe
    var codingPath: [any CodingKey] { probe.codingPath }
    var count: Int? { nil }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex > 0 }

    init(probe: SchemaProbe) { self.probe = probe }

    func decodeNil() throws -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, node) = try probe.probeChild(type)
        probe.node = .array(node)
        currentIndex += 1
        return value
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey>
    {
        throw SchemaProbeGaveUp()
    }

    func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { throw SchemaProbeGaveUp() }
    func superDecoder() throws -> any Decoder { throw SchemaProbeGaveUp() }
}

private struct SingleProbe: SingleValueDecodingContainer {
    let probe: SchemaProbe
    var codingPath: [any CodingKey] { probe.codingPath }

    func decodeNil() -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, node) = try probe.probeChild(type)
        probe.node = node
        return value
    }
}
