/// A JSON document sent as text, for `jsonb` parameters.
public struct PostgresJSON: PostgresEncodable {
    public var text: String
    public init(_ text: String) { self.text = text }
    public var postgresText: String? { text }
}
