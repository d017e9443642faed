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
