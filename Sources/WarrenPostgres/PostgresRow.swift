/// One row of ``PostgresRows``.
public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let index: Int

    /// The raw text of a column, nil for NULL.
    public subscript(_ column: String) -> String? {
        guard let position = rows.columnIndex[column] else { return nil }
        return rows.values[index][position]
    }

    /// Decodes a non-null column.
    /// - Throws: ``PostgresError`` `decoding` when the column is missing, NULL or of another type.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let text = self[column] else {
            throw PostgresError(.decoding, message: "column \(column) is NULL or missing")
        }
        return try T(postgresText: text)
    }

    /// Decodes a column that may be NULL.
    public func decodeIfPresent<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T? {
        guard let text = self[column] else { return nil }
        return try T(postgresText: text)
    }
}
