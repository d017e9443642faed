import Foundation
import Testing
import WarrenCore

@Suite struct JSONSchemaTests {
    struct Email: Codable {
        var to: String
        var subject: String
        var cc: [String]?
        var retries: Int
        var urgent: Bool?
        var attachment: Attachment?
    }

    struct Attachment: Codable {
        var name: String
        var size: Double
    }

    @Test func infersObjectsAndOptionality() {
        let schema = JSONSchema.inferred(from: Email.self)
        #expect(schema.document["type"] == "object")
        #expect(Set(requiredNames(schema)) == ["to", "subject", "retries"])
        #expect(schema.document["properties"]?["cc"] == ["type": "array", "items": ["type": "string"]])
        #expect(schema.document["properties"]?["attachment"]?["properties"]?["size"] == ["type": "number"])
    }

    @Test func acceptsConformingValues() {
        let schema = JSONSchema.inferred(from: Email.self)
        let value: JSONValue = ["to": "a@b.c", "subject": "s", "retries": 2, "cc": ["x@y.z"]]
        #expect(schema.violations(of: value).isEmpty)
    }

    @Test func namesEachViolation() {
        let schema = JSONSchema.inferred(from: Email.self)
        let value: JSONValue = ["to": 5, "retries": 1.5, "cc": ["ok", 3], "extra": true]
        let problems = schema.violations(of: value)
        #expect(problems.contains("$.subject: is required"))
        #expect(problems.contains("$.to: expected string, got integer"))
        #expect(problems.contains("$.retries: expected integer, got number"))
        #expect(problems.contains("$.cc[1]: expected string, got integer"))
        // Inferred schemas stay open to new fields, as Codable ignores unknown keys.
        #expect(!problems.contains("$.extra: is not a known field"))
    }

    @Test func rejectsUnknownFieldsWhenClosed() {
        let schema = JSONSchema(["type": "object", "properties": [:], "additionalProperties": false])
        #expect(schema.violations(of: ["x": 1]) == ["$.x: is not a known field"])
    }

    @Test func givesUpOnTypesItCannotProbe() {
        enum Color: String, Codable { case red, green }
        struct Paint: Codable { var color: Color }
        #expect(JSONSchema.inferred(from: Paint.self) == .any)
        #expect(JSONSchema.any.violations(of: ["anything": [1, 2]]).isEmpty)
    }

    private func requiredNames(_ schema: JSONSchema) -> [String] {
        guard case .array(let names) = schema.document["required"] else { return [] }
        return names.compactMap(\.stringValue)
    }
}

@Suite struct JSONTextTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONValue(
            parsing: Array(#" {"a":[1,-2.5e3,true,false,null],"s":"x\"\\\/\n\u00e9\ud83d\ude00","o":{}} "#.utf8))
        #expect(value == ["a": [1, -2500, true, false, nil], "s": "x\"\\/\né😀", "o": [:]])
    }

    @Test func writesCompactSortedText() throws {
        let value: JSONValue = ["b": [1, 2.5, "t\u{1}\"\n"], "a": nil, "c": true]
        #expect(value.jsonText == #"{"a":null,"b":[1,2.5,"t\u0001\"\n"],"c":true}"#)
        #expect(try JSONValue(parsing: value.jsonBytes) == value)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"unterminated", "\"\\x\"", "\"\\ud800\"", "tru", "[1] 2",
        "{\"a\":1,}", "\"\u{1}\"", String(repeating: "[", count: 300) + String(repeating: "]", count: 300),
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: WarrenError.self) { try JSONValue(parsing: Array(text.utf8)) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: WarrenError.self) { try JSONValue(parsing: [0x22, 0xFF, 0x22]) }
    }

    @Test func roundTripsThroughCodable() throws {
        struct Point: Codable, Equatable {
            var x: Int
            var label: String?
        }
        let value = try JSONValue(encoding: Point(x: 3, label: "p"))
        #expect(value == ["x": 3, "label": "p"])
        #expect(try value.decode(as: Point.self) == Point(x: 3, label: "p"))
    }
}
