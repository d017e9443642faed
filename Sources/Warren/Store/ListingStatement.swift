import WarrenPostgres

/// The statement of a listing that pages by keyset, newest first: rows in `(time, id)` order, the
/// filters a request chose joined with AND, each value a parameter, and one row more than the page
/// to tell whether another page follows.
struct ListingStatement {
    /// The rows' time column (`created_at`), and the column that orders rows of one time (`id`).
    let time: String
    let id: String
    private var parameters: [any PostgresEncodable] = []
    private var conditions: [String] = []

    init(time: String, id: String) {
        self.time = time
        self.id = id
    }

    /// Adds a condition; each `?` in `sql` becomes the next parameter, taken from `values` in order.
    mutating func require(_ sql: String, _ values: any PostgresEncodable...) {
        var condition = ""
        var values = values.makeIterator()
        for character in sql {
            guard character == "?", let value = values.next() else {
                condition.append(character)
                continue
            }
            parameters.append(value)
            condition += "$\(parameters.count)"
        }
        conditions.append(condition)
    }

    /// Starts the page after a cursor: the row's time in microseconds since 1970 and its id, of
    /// PostgreSQL type `idType`.
    mutating func after(microseconds: Int, id value: some PostgresEncodable, idType: String) {
        require(
            "(\(time), \(id)) < (timestamptz 'epoch' + ?::bigint * interval '1 microsecond', ?::\(idType))",
            microseconds, value)
    }

    /// `SELECT columns, <time in microseconds> AS cursor_microseconds FROM source WHERE … ORDER BY
    /// time DESC, id DESC` with a limit of at least `limit + 1`.
    ///
    /// The limit is written into the statement, from a few sizes: a generic plan of `LIMIT $n`
    /// expects a tenth of the table, and at ten million tasks chose parallel scans or JIT for pages
    /// of 50. A few sizes keep the prepared statements per connection few.
    func query(_ columns: String, from source: String, limit: Int) -> PostgresQuery {
        let fetched = Self.fetchSizes.first { $0 > limit } ?? limit + 1
        return PostgresQuery(
            unsafeSQL: """
                SELECT \(columns), (extract(epoch FROM \(time)) * 1000000)::bigint AS cursor_microseconds
                FROM \(source) \(filter)
                ORDER BY \(time) DESC, \(id) DESC LIMIT \(fetched)
                """, parameters: parameters)
    }

    /// The limits a listing's statement is written with.
    static let fetchSizes = [11, 51, 101, 201, 501]

    /// `SELECT count(*) AS count FROM source WHERE …`.
    func count(from source: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: "SELECT count(*) AS count FROM \(source) \(filter)", parameters: parameters)
    }

    private var filter: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }

    /// The page of `rows` (which ``query(_:from:limit:)`` selected) and where the next one starts,
    /// nil when this is the last.
    static func page<Item, Cursor>(
        _ rows: PostgresRows, limit: Int, item: (PostgresRow) throws -> Item,
        cursor: (_ microseconds: Int, Item) -> Cursor
    ) throws -> (items: [Item], next: Cursor?) {
        var items: [Item] = []
        var last: Cursor?
        for row in rows.prefix(limit) {
            let value = try item(row)
            items.append(value)
            last = cursor(try row.decode("cursor_microseconds"), value)
        }
        return (items, rows.count > limit ? last : nil)
    }
}
