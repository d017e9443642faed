import Foundation
import Testing
import WarrenPostgres

/// The PostgreSQL client reports each failure as a typed error a user can act on.
@Suite(.timeLimit(.minutes(1))) struct PostgresErrorTests {
    @Test func postgresErrorsCarrySQLState() async throws {
        try await TestDatabase.withPool { pool in
            let table = "pg_errors_\(UUID().uuidString.prefix(8).lowercased())"
            _ = try await pool.query("CREATE TABLE \(unsafeSQL: table) (id uuid PRIMARY KEY)")
            let id = UUID()
            _ = try await pool.query("INSERT INTO \(unsafeSQL: table) (id) VALUES (\(id))")
            await #expect {
                try await pool.query("INSERT INTO \(unsafeSQL: table) (id) VALUES (\(id))")
            } throws: { error in
                (error as? PostgresError)?.isUniqueViolation == true
            }
            await #expect {
                try await pool.query("SELECT no_such_column FROM \(unsafeSQL: table)")
            } throws: { error in
                (error as? PostgresError)?.sqlState == "42703"
            }
            // A failed statement does not poison the pooled connection.
            #expect(try await pool.query("SELECT \(41)::int + 1 AS n").first?.decode("n", as: Int.self) == 42)
            _ = try await pool.query("DROP TABLE \(unsafeSQL: table)")
        }
    }

    @Test func postgresConnectionFailureNamesTheProblem() async throws {
        await #expect {
            try await PostgresConnection.connect(
                uri: "postgresql://postgres:hunter2@127.0.0.1:1/warren?connect_timeout=2")
        } throws: { error in
            (error as? PostgresError)?.code == .connectionFailed && !"\(error)".contains("hunter2")
        }
    }
}
