import Foundation
import Testing
import WarrenPostgres

@Suite struct PostgresQueryTests {
    @Test func eachInterpolatedValueIsTheNextParameter() {
        let ids = [UUID(), UUID()]
        let state = "QUEUED"
        let limit = 5
        let query: PostgresQuery = """
            SELECT id FROM warren.tasks WHERE id = ANY(\(ids)::uuid[]) AND state = \(state)
            ORDER BY id LIMIT \(limit)
            """
        #expect(
            query.sql == """
                SELECT id FROM warren.tasks WHERE id = ANY($1::uuid[]) AND state = $2
                ORDER BY id LIMIT $3
                """)
        #expect(query.parameters.map(\.postgresText) == [ids.postgresText, "QUEUED", "5"])
    }

    @Test func aValueUsedTwiceIsSentTwiceAndNoneBecomesSQL() {
        let name = "x'); DROP TABLE warren.tasks; --"
        let query: PostgresQuery = "SELECT \(name) AS a, \(name) AS b"
        #expect(query.sql == "SELECT $1 AS a, $2 AS b")
        #expect(query.parameters.map(\.postgresText) == [name, name])
    }

    @Test func unsafeSQLIsStatementTextAndALiteralHasNoParameters() {
        let columns = "id, state"
        let nothing: String? = nil
        let query: PostgresQuery = "SELECT \(unsafeSQL: columns) FROM t WHERE note IS NOT DISTINCT FROM \(nothing)"
        #expect(query.sql == "SELECT id, state FROM t WHERE note IS NOT DISTINCT FROM $1")
        #expect(query.parameters.map(\.postgresText) == [nil])
        let plain: PostgresQuery = "SELECT 1"
        #expect(plain.sql == "SELECT 1" && plain.parameters.isEmpty)
    }
}
