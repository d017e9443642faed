/// The rows a query returned, in text format.
public struct PostgresRows: Sendable, Sequence {
    /// Column names, in order.
    public let columns: [String]
    let values: [[String?]]
    let columnIndex: [String: Int]
    /// The number of rows the statement touched (`UPDATE 3` → 3), or the row count for a query.
    public let affectedRows: Int

    init(columns: [String], values: [[String?]], affectedRows: Int) {
        self.columns = columns
        self.values = values
        self.affectedRows = affectedRows
        var index: [String: Int] = [:]
        for (position, name) in columns.enumerated() where index[name] == nil { index[name] = position }
        self.columnIndex = index
    }

    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }
    public var first: PostgresRow? { values.isEmpty ? nil : PostgresRow(rows: self, index: 0) }

    public func makeIterator() -> AnyIterator<PostgresRow> {
        var index = 0
        return AnyIterator {
            guard index < values.count else { return nil }
            defer { index += 1 }
            return PostgresRow(rows: self, index: index)
        }
    }
}

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
