import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import Warren
import WarrenAPI

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations.",
        discussion: """
            Applies migrations/*.sql in name order, each once, in a transaction, under an advisory lock.

              warren migrate
              warren migrate --directory /opt/warren/migrations --json
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(
        help:
            "Directory of migration files (WARREN_MIGRATIONS_DIR; default: ./migrations, or the one beside the build).")
    var directory: String?

    @Flag(help: "Print the migrations applied as JSON: {\"applied\": [names]}.")
    var json = false

    func run() async throws {
        let configuration = try connection.configuration()
        WarrenLogging.bootstrap(configuration)
        let logger = Logger(label: "warren.migrate")
        guard let directory = directory ?? configuration.migrationsDirectory ?? Self.findMigrations() else {
            throw ValidationError("no migrations directory found; pass --directory or set WARREN_MIGRATIONS_DIR")
        }
        let applied = try await Migrator(databaseURL: configuration.databaseURL, logger: logger)
            .migrate(try Migration.load(from: directory))
        if json {
            print(JSONValue.object(["applied": .array(applied.map(JSONValue.string))]).jsonText)
        } else {
            print(applied.isEmpty ? "Schema is up to date." : "Applied \(applied.joined(separator: ", ")).")
        }
    }

    /// `./migrations`, or the repository's when run from a build directory inside it.
    static func findMigrations() -> String? {
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for start in [directory, executable.deletingLastPathComponent()] {
            directory = start
            for _ in 0..<5 {
                let candidate = directory.appendingPathComponent("migrations")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("0001_tasks.sql").path) {
                    return candidate.path
                }
                directory.deleteLastPathComponent()
            }
        }
        return nil
    }
}
