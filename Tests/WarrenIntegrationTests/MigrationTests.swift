import Foundation
import Testing
import Warren
import WarrenPostgres
import WarrenTesting

@Suite(.timeLimit(.minutes(2))) struct MigrationTests {
    @Test func migrationsApplyOnceAndAChangedAppliedFileIsRefused() async throws {
        try await withServers { servers in
            try await Servers.withDatabase("warren_migration", migrated: false) { configuration in
                let uri = configuration.databaseURL
                let migrator = Migrator(databaseURL: uri, logger: Servers.logger)
                let migrations = try Migration.load(from: TestEnvironment.migrationsDirectory)

                #expect(try await migrator.migrate(migrations) == migrations.map(\.name))
                #expect(try await migrator.migrate(migrations) == [])

                // Two migrators at once: the advisory lock makes one wait, and nothing applies twice.
                let extra = migrations + [Migration(name: "9999_extra.sql", sql: "CREATE TABLE warren.extra (x int);")]
                async let first = migrator.migrate(extra)
                async let second = migrator.migrate(extra)
                let applied = try await first + second
                #expect(applied == ["9999_extra.sql"])

                var changed = extra
                changed[0].sql += "\n-- edited after it was applied\n"
                await #expect {
                    try await migrator.migrate(changed)
                } throws: { error in
                    (error as? WarrenError)?.code == .migration && "\(error)".contains(changed[0].name)
                }

                // A failing file rolls back and is not recorded.
                let broken =
                    extra + [
                        Migration(name: "9999_z_broken.sql", sql: "CREATE TABLE warren.half (x int); SELECT nonsense;")
                    ]
                await #expect(throws: PostgresError.self) { try await migrator.migrate(broken) }
                let check = await servers.pool(uri: uri, maximumConnections: 1)
                let tables = try await check.query("SELECT to_regclass('warren.half')::text AS half")
                #expect(tables.first?["half"] == nil)
                await check.close()
            }
        }
    }
}
