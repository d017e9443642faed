import Foundation
import Testing
import WarrenPostgres

/// `PostgresConnection.transaction` sends `BEGIN` with the transaction's first statement; these
/// check that what it commits, rolls back and leaves behind is what a plain BEGIN … COMMIT would.
@Suite(.timeLimit(.minutes(1))) struct PostgresTransactionTests {
    /// Runs `body` on a connection with a table of this test's own.
    private func withTable(_ body: (PostgresConnection, _ table: String) async throws -> Void) async throws {
        try await TestDatabase.withConnection { connection in
            let table = "pg_tx_\(UUID().uuidString.prefix(8).lowercased())"
            try await connection.execute(unsafeSQL: "CREATE TEMPORARY TABLE \(table) (n int PRIMARY KEY)")
            try await body(connection, table)
        }
    }

    private func values(in table: String, on connection: PostgresConnection) async throws -> [Int] {
        try await connection.query("SELECT n FROM \(unsafeSQL: table) ORDER BY n").map {
            try $0.decode("n", as: Int.self)
        }
    }

    /// True when no transaction is open on the connection: PostgreSQL takes a savepoint only
    /// inside one (and refuses it with 25P01 outside).
    private func outsideTransaction(_ connection: PostgresConnection) async throws -> Bool {
        do {
            _ = try await connection.query("SAVEPOINT probe")
            _ = try await connection.query("RELEASE SAVEPOINT probe")
            return false
        } catch let error as PostgresError where error.sqlState == "25P01" {
            return true
        }
    }

    @Test func commitsEveryStatement() async throws {
        try await withTable { (connection, table) async throws in
            let inside = try await connection.transaction { connection in
                _ = try await connection.query("INSERT INTO \(unsafeSQL: table) VALUES (\(1))")
                _ = try await connection.query("INSERT INTO \(unsafeSQL: table) VALUES (\(2))")
                return try await outsideTransaction(connection)
            }
            #expect(inside == false)
            #expect(try await values(in: table, on: connection) == [1, 2])
            #expect(try await outsideTransaction(connection))
        }
    }

    @Test func rollsBackWhenALaterStatementFails() async throws {
        try await withTable { (connection, table) async throws in
            await #expect(throws: PostgresError.self) {
                try await connection.transaction { connection in
                    _ = try await connection.query("INSERT INTO \(unsafeSQL: table) VALUES (\(1))")
                    _ = try await connection.query("INSERT INTO \(unsafeSQL: table) VALUES (\(1))")
                }
            }
            #expect(try await values(in: table, on: connection).isEmpty)
            #expect(try await outsideTransaction(connection))
            #expect(connection.isUsable)
        }
    }

    @Test func rollsBackWhenTheFirstStatementFails() async throws {
        try await withTable { (connection, table) async throws in
            // The error comes from the statement that travelled with BEGIN, with its SQLSTATE, and it
            // failed inside the transaction: the next statement is refused until the rollback (25P02).
            var refusedAfterwards: String?
            do {
                try await connection.transaction { connection in
                    do {
                        _ = try await connection.query("INSERT INTO \(unsafeSQL: table) VALUES (\(1)::int / 0)")
                    } catch {
                        do { _ = try await connection.query("SELECT 1") } catch let next as PostgresError {
                            refusedAfterwards = next.sqlState
                        }
                        throw error
                    }
                }
                Issue.record("dividing by zero did not fail")
            } catch {
                #expect((error as? PostgresError)?.sqlState == "22012")
            }
            #expect(refusedAfterwards == "25P02")
            #expect(try await outsideTransaction(connection))
            _ = try await connection.query("INSERT INTO \(unsafeSQL: table) VALUES (\(3))")
            #expect(try await values(in: table, on: connection) == [3])
        }
    }

    @Test func rollsBackWhenTheBodyThrowsAfterAStatement() async throws {
        struct Abandoned: Error {}
        try await withTable { (connection, table) async throws in
            await #expect(throws: Abandoned.self) {
                try await connection.transaction { connection in
                    _ = try await connection.query("INSERT INTO \(unsafeSQL: table) VALUES (\(1))")
                    throw Abandoned()
                }
            }
            #expect(try await values(in: table, on: connection).isEmpty)
            #expect(try await outsideTransaction(connection))
        }
    }

    @Test func aBodyWithoutStatementsLeavesNoTransactionOpen() async throws {
        struct Abandoned: Error {}
        try await withTable { (connection, table) async throws in
            #expect(try await connection.transaction { _ in 7 } == 7)
            await #expect(throws: Abandoned.self) {
                try await connection.transaction { _ in throw Abandoned() }
            }
            #expect(try await outsideTransaction(connection))
            _ = try await connection.query("INSERT INTO \(unsafeSQL: table) VALUES (\(4))")
            #expect(try await values(in: table, on: connection) == [4])
        }
    }

    @Test func aFirstStatementWithoutParametersAlsoBegins() async throws {
        try await withTable { (connection, table) async throws in
            await #expect(throws: PostgresError.self) {
                try await connection.transaction { connection in
                    try await connection.execute(
                        unsafeSQL: "INSERT INTO \(table) VALUES (5); INSERT INTO \(table) VALUES (6)")
                    _ = try await connection.query("INSERT INTO \(unsafeSQL: table) VALUES (\(5))")
                }
            }
            #expect(try await values(in: table, on: connection).isEmpty)
            #expect(try await outsideTransaction(connection))
            #expect(connection.isUsable)
        }
    }
}
