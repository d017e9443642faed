import Foundation
public import Logging
import WarrenCore
import WarrenPostgres

/// Applies migrations in order, each once and in its own transaction, under an advisory lock so
/// two migrators never race; refuses to go on if an applied file has changed since.
public struct Migrator: Sendable {
    private let databaseURL: String
    private let logger: Logger
    /// Any fixed number: the lock only has to be the same for every Warren migrator.
    private static let lockKey = 7_361_202_601

    public init(databaseURL: String, logger: Logger) {
        self.databaseURL = databaseURL
        self.logger = logger
    }

    /// Applies the migrations not yet applied and returns their names.
    /// - Throws: ``WarrenError`` `migration` when an applied file's checksum differs, or the
    ///   database's error for a failing file (which is then rolled back).
    @discardableResult
    public func migrate(_ migrations: [Migration]) async throws -> [String] {
        try await PostgresConnection.withConnection(uri: databaseURL, name: "warren-migrate") { connection in
            _ = try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))")
            do {
                let applied = try await apply(migrations, on: connection)
                _ = try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                throw error
            }
        }
    }

    private func apply(_ migrations: [Migration], on connection: PostgresConnection) async throws -> [String] {
        try await connection.execute(
            unsafeSQL: """
                CREATE SCHEMA IF NOT EXISTS warren;
                CREATE TABLE IF NOT EXISTS warren.schema_migrations (
                    name       text        PRIMARY KEY,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """)
        var appliedChecksums: [String: String] = [:]
        for row in try await connection.query("SELECT name, checksum FROM warren.schema_migrations") {
            appliedChecksums[try row.decode("name")] = try row.decode("checksum")
        }
        var newlyApplied: [String] = []
        for migration in migrations {
            let checksum: String = try await connection.query(
                "SELECT encode(sha256(convert_to(\(migration.sql), 'UTF8')), 'hex') AS checksum"
            ).first!.decode("checksum")
            if let recorded = appliedChecksums[migration.name] {
                guard recorded == checksum else {
                    throw WarrenError(
                        .migration,
                        "\(migration.name) was applied with checksum \(recorded.prefix(12)) but the file now has \(checksum.prefix(12)); applied migrations must not change — add a new file instead"
                    )
                }
                continue
            }
            logger.info("applying migration", metadata: [LoggingKey.migration: "\(migration.name)"])
            try await connection.transaction { connection in
                try await connection.execute(unsafeSQL: migration.sql)
                _ = try await connection.query(
                    "INSERT INTO warren.schema_migrations (name, checksum) VALUES (\(migration.name), \(checksum))")
            }
            newlyApplied.append(migration.name)
        }
        return newlyApplied
    }
}
