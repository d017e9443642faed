import Foundation
import Testing
import WarrenPostgres

/// A prepared statement's generic plan is made again once it is old, so that a plan made while a
/// table was nearly empty does not go on scanning the table as it grows.
@Suite(.timeLimit(.minutes(1))) struct PostgresPlanTests {
    @Test func aPlanMadeOnANearlyEmptyTableIsMadeAgainAfterTheTableGrew() async throws {
        try await TestDatabase.withConnection(replanInterval: .milliseconds(300)) { connection in
            // A temporary table: autovacuum never analyzes it, so only a new plan can see it grow.
            try await connection.execute(
                unsafeSQL: """
                    CREATE TEMPORARY TABLE growing (id int PRIMARY KEY, state text NOT NULL);
                    INSERT INTO growing SELECT n, 'QUEUED' FROM generate_series(1, 10) AS n
                    """)
            try await connection.execute(unsafeSQL: "VACUUM ANALYZE growing")
            // Shaped like Warren's statements: rows looked up by key from an array parameter.
            let lookup = "SELECT count(*) AS n FROM growing g JOIN unnest($1::int[]) AS i(id) ON g.id = i.id"
            // The one statement prepared for `lookup`: an old one not deallocated would be a second row.
            func plan() async throws -> String {
                let names = try await connection.query(
                    "SELECT name FROM pg_prepared_statements WHERE statement = \(lookup)"
                ).map { try $0.decode("name", as: String.self) }
                try #require(names.count == 1, "prepared as \(names)")
                let name = names[0]
                return try await connection.query("EXPLAIN EXECUTE \(unsafeSQL: name)('{1}')")
                    .map { try $0.decode("QUERY PLAN", as: String.self) }.joined(separator: "\n")
            }

            _ = try await connection.query(PostgresQuery(unsafeSQL: lookup, parameters: [[1]]))
            #expect(try await plan().contains("Seq Scan on growing"))

            try await connection.execute(
                unsafeSQL: "INSERT INTO growing SELECT n, 'SUCCESS' FROM generate_series(11, 50000) AS n")
            try await Task.sleep(for: .milliseconds(400))
            #expect(
                try await connection.query(PostgresQuery(unsafeSQL: lookup, parameters: [[1, 2]])).first?.decode(
                    "n", as: Int.self) == 2)
            let replanned = try await plan()
            #expect(replanned.contains("Index Cond"), "still \(replanned)")
            #expect(!replanned.contains("Seq Scan on growing"))
        }
    }
}
