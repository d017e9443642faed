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

    /// Whether trying again can help decides between the API's 503 and a 4xx or 500.
    @Test func errorsSayWhetherTryingAgainCanHelp() async throws {
        try await TestDatabase.withConnection { connection in
            func refusal(_ statement: PostgresQuery) async throws -> PostgresError? {
                do {
                    _ = try await connection.query(statement)
                    return nil
                } catch let error as PostgresError {
                    return error
                }
            }
            let division = try #require(try await refusal("SELECT 1 / \(0)::int"))
            #expect(division.sqlState == "22012" && division.isRefusedValue && !division.isTransient)
            let missing = try #require(try await refusal("SELECT * FROM no_such_table_at_all"))
            #expect(missing.sqlState == "42P01" && !missing.isRefusedValue && !missing.isTransient)
            _ = try await connection.query("SET statement_timeout = 10")
            let cancelled = try #require(try await refusal("SELECT pg_sleep(1)"))
            #expect(cancelled.sqlState == "57014" && cancelled.isTransient && !cancelled.isRefusedValue)
        }
        await #expect {
            try await PostgresConnection.connect(uri: "postgresql://postgres@127.0.0.1:1/warren?connect_timeout=2")
        } throws: { error in
            (error as? PostgresError)?.isTransient == true
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
